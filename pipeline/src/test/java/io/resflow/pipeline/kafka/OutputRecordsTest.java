package io.resflow.pipeline.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.resflow.pipeline.classify.records.DeadLetterRecord;
import io.resflow.pipeline.classify.records.RawFrame;
import io.resflow.schema.DeadLetter;
import io.resflow.schema.ErrorKind;
import io.resflow.schema.wire.SingleObjectCodec;
import org.junit.jupiter.api.Test;

class OutputRecordsTest {

    private static final int LIMIT = 100_000;

    private final OutputRecords.DeadLetterEncoder encoder = new OutputRecords.DeadLetterEncoder(LIMIT);
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
        assertThat(letter.getMessage()).startsWith("bad frame (the original value of 99900 bytes is left out")
                .contains("images/3@42");
        assertThat(letter.getOffset()).isEqualTo(42);
    }

    private static DeadLetterRecord deadLetter(byte[] value) {
        return new DeadLetterRecord("decode-images", ErrorKind.CORRUPT_RECORD, "bad frame", 0L, null,
                new RawFrame(new byte[] {1}, value, "images", 3, 42, 0L));
    }
}
