package io.resflow.pipeline.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.resflow.pipeline.records.DeadLetterRecord;
import io.resflow.pipeline.records.RawFrame;
import io.resflow.schema.DeadLetter;
import io.resflow.schema.ErrorKind;
import io.resflow.schema.wire.SingleObjectCodec;
import org.junit.jupiter.api.Test;

class OutputRecordsTest {

    private static final int LIMIT = 100_000;

    private final OutputRecords.DeadLetterEncoder encoder =
            new OutputRecords.DeadLetterEncoder(LIMIT);
    private final SingleObjectCodec<DeadLetter> codec = SingleObjectCodec.of(DeadLetter.class);

    @Test
    void aDeadLetterCarriesTheOriginalBytes() {
        DeadLetter letter = codec.decode(encoder.serialize(deadLetter(new byte[1000])));

        assertThat(letter.getOriginalValue().remaining()).isEqualTo(1000);
        assertThat(letter.getMessage()).isEqualTo("bad frame");
    }

    @Test
    void aDeadLetterThatWouldExceedTheRecordLimitLeavesTheOriginalValueOutAndSaysWhereItIs() {
        // Fits the limit by itself, not with the dead letter's envelope around it.
        byte[] wire = encoder.serialize(deadLetter(new byte[LIMIT - 100]));
        DeadLetter letter = codec.decode(wire);

        assertThat(wire.length).isLessThan(LIMIT);
        assertThat(letter.getOriginalValue().remaining()).isZero();
        assertThat(letter.getMessage())
                .startsWith("bad frame (the original value of 99900 bytes is left out")
                .contains("images/3@42");
        assertThat(letter.getOffset()).isEqualTo(42);
    }

    @Test
    void aHugeKeyCountsTwiceAndIsLeftOutWhenItAloneIsTooLarge() {
        // Key and value fit the limit side by side, but the key goes out twice.
        DeadLetterRecord keyed = deadLetter(new byte[20_000], new byte[65_000]);
        byte[] wire = encoder.serialize(keyed);
        byte[] key = OutputRecords.DeadLetterEncoder.recordKey(keyed, LIMIT);
        assertThat(wire.length + key.length).isLessThan(LIMIT);
        assertThat(codec.decode(wire).getOriginalValue().remaining()).isZero();
        assertThat(codec.decode(wire).getOriginalKey().remaining()).isEqualTo(20_000);

        DeadLetterRecord hugeKey = deadLetter(new byte[95_000], new byte[10]);
        DeadLetter letter = codec.decode(encoder.serialize(hugeKey));
        assertThat(OutputRecords.DeadLetterEncoder.recordKey(hugeKey, LIMIT)).isNull();
        assertThat(letter.getOriginalKey()).isNull();
        assertThat(letter.getMessage()).endsWith("; so is the original key of 95000 bytes");
    }

    @Test
    void aRecordWithoutAKeyButWithAHugeIdStillFitsTheLimit() {
        // Used to fail with a NullPointerException (no key to leave out) on its way to a too-large
        // record.
        DeadLetterRecord hugeId =
                new DeadLetterRecord(
                        "decode-images",
                        ErrorKind.WRONG_SHAPE,
                        "bad frame",
                        0L,
                        "x".repeat(95_000),
                        new RawFrame(null, new byte[10], "images", 3, 42, 0L));

        byte[] wire = encoder.serialize(hugeId);
        DeadLetter letter = codec.decode(wire);

        assertThat(wire.length).isLessThan(LIMIT);
        assertThat(letter.getImageId()).hasSize(OutputRecords.DeadLetterEncoder.MAX_IMAGE_ID_CHARS);
        assertThat(letter.getMessage())
                .endsWith("; the image id is cut to its first 1024 characters");
    }

    private static DeadLetterRecord deadLetter(byte[] value) {
        return deadLetter(new byte[] {1}, value);
    }

    private static DeadLetterRecord deadLetter(byte[] key, byte[] value) {
        return new DeadLetterRecord(
                "decode-images",
                ErrorKind.CORRUPT_RECORD,
                "bad frame",
                0L,
                null,
                new RawFrame(key, value, "images", 3, 42, 0L));
    }
}
