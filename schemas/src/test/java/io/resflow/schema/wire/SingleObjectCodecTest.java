package io.resflow.schema.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.resflow.schema.ImageEncoding;
import io.resflow.schema.ImageRecord;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.Arrays;
import java.util.Map;
import java.util.Random;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.message.BinaryMessageEncoder;
import org.junit.jupiter.api.Test;

class SingleObjectCodecTest {

    private final SingleObjectCodec<ImageRecord> codec = SingleObjectCodec.of(ImageRecord.class);

    private static ImageRecord image() {
        return ImageRecord.newBuilder()
                .setId("cam-7/000042")
                .setSource("cam-7")
                .setCaptureTime(Instant.ofEpochMilli(1_700_000_000_123L))
                .setEncoding(ImageEncoding.RAW_U8)
                .setWidth(2)
                .setHeight(2)
                .setChannels(1)
                .setImageBytes(ByteBuffer.wrap(new byte[] {0, 127, (byte) 128, (byte) 255}))
                .setGroundTruthLabel(3)
                .setHeaders(Map.of("exposure", "1/60"))
                .build();
    }

    @Test
    void roundTripsWithTheSingleObjectHeader() {
        byte[] wire = codec.encode(image());

        assertThat(wire[0]).isEqualTo((byte) 0xC3);
        assertThat(wire[1]).isEqualTo((byte) 0x01);
        long fingerprint =
                ByteBuffer.wrap(wire, 2, 8).order(java.nio.ByteOrder.LITTLE_ENDIAN).getLong();
        assertThat(fingerprint)
                .isEqualTo(codec.releases().get(codec.releases().size() - 1).fingerprint());
        assertThat(codec.decode(wire)).isEqualTo(image());
    }

    @Test
    void readsRecordsWrittenWithTheOlderRelease() {
        byte[] wire =
                ImageRecordV1.wire(
                        "old-1", "cam-1", 1_600_000_000_000L, "PNG", new byte[] {1, 2, 3});

        ImageRecord read = codec.decode(wire);

        assertThat(read.getId()).isEqualTo("old-1");
        assertThat(read.getEncoding()).isEqualTo(ImageEncoding.PNG);
        assertThat(read.getCaptureTime()).isEqualTo(Instant.ofEpochMilli(1_600_000_000_000L));
        assertThat(read.getImageBytes()).isEqualTo(ByteBuffer.wrap(new byte[] {1, 2, 3}));
        assertThat(read.getGroundTruthLabel()).as("added in v2, defaults to null").isNull();
        assertThat(read.getHeaders()).as("added in v2, defaults to empty").isEmpty();
    }

    @Test
    void rejectsAnUnknownFingerprintNamingIt() throws Exception {
        Schema unreleased =
                SchemaBuilder.record("ImageRecord")
                        .namespace("io.resflow.schema")
                        .fields()
                        .requiredString("id")
                        .requiredLong("someFutureField")
                        .endRecord();
        GenericRecord future = new GenericData.Record(unreleased);
        future.put("id", "x");
        future.put("someFutureField", 1L);
        byte[] wire =
                new BinaryMessageEncoder<GenericRecord>(GenericData.get(), unreleased)
                        .encode(future)
                        .array();
        String hex =
                String.format(
                        "0x%016x",
                        org.apache.avro.SchemaNormalization.parsingFingerprint64(unreleased));

        assertThatThrownBy(() -> codec.decode(wire))
                .isInstanceOfSatisfying(
                        WireFormatException.class,
                        e -> {
                            assertThat(e.problem())
                                    .isEqualTo(
                                            WireFormatException.Problem.UNKNOWN_SCHEMA_FINGERPRINT);
                            assertThat(e.fingerprint())
                                    .contains(
                                            org.apache.avro.SchemaNormalization
                                                    .parsingFingerprint64(unreleased));
                        })
                .hasMessageContaining("Unknown schema fingerprint " + hex)
                .hasMessageContaining("ImageRecord")
                .hasMessageContaining("v1 0x")
                .hasMessageContaining("v2 0x");
    }

    @Test
    void rejectsRandomBytesAsNotSingleObjectEncoded() {
        byte[] random = new byte[64];
        new Random(7).nextBytes(random);
        random[0] = 0x42; // make sure the marker cannot match by chance

        assertThatThrownBy(() -> codec.decode(random))
                .isInstanceOfSatisfying(
                        WireFormatException.class,
                        e ->
                                assertThat(e.problem())
                                        .isEqualTo(
                                                WireFormatException.Problem
                                                        .NOT_SINGLE_OBJECT_ENCODED))
                .hasMessageContaining("Not an Avro single-object encoded ImageRecord")
                .hasMessageContaining("64 bytes starting 42");
    }

    @Test
    void rejectsBytesShorterThanTheHeader() {
        assertThatThrownBy(() -> codec.decode(new byte[] {(byte) 0xC3}))
                .isInstanceOf(WireFormatException.class)
                .hasMessageContaining("shorter than the 10-byte header");
    }

    @Test
    void rejectsATruncatedBodyAsCorrupt() {
        byte[] wire = codec.encode(image());
        byte[] truncated = Arrays.copyOf(wire, wire.length - 5);

        assertThatThrownBy(() -> codec.decode(truncated))
                .isInstanceOfSatisfying(
                        WireFormatException.class,
                        e ->
                                assertThat(e.problem())
                                        .isEqualTo(WireFormatException.Problem.CORRUPT_PAYLOAD))
                .hasMessageContaining("Corrupt ImageRecord body");
    }

    /**
     * A record whose id declares a huge length: Avro allocates what a length declares before
     * reading it, so without bounds these 15 bytes asked for 2 GB (OutOfMemoryError) or, over 2^31
     * - 9, threw UnsupportedOperationException past every catch.
     */
    @Test
    void refusesHugeDeclaredLengthsWithoutAllocatingThem() {
        byte[] header = Arrays.copyOf(codec.encode(image()), 10);
        for (long declared : new long[] {3_000_000_000L, Integer.MAX_VALUE - 100L, 100L << 20}) {
            byte[] wire = concat(header, zigZagVarint(declared));

            assertThatThrownBy(() -> codec.decode(wire))
                    .as("id of %d bytes", declared)
                    .isInstanceOfSatisfying(
                            WireFormatException.class,
                            e ->
                                    assertThat(e.problem())
                                            .isEqualTo(WireFormatException.Problem.CORRUPT_PAYLOAD))
                    .hasMessageContaining("Corrupt ImageRecord body")
                    .satisfies(
                            e ->
                                    assertThat(e.getCause())
                                            .as("refused before allocating")
                                            .isInstanceOfAny(
                                                    org.apache.avro.SystemLimitException.class,
                                                    UnsupportedOperationException.class));
        }
    }

    private static byte[] zigZagVarint(long value) {
        long zigZag = (value << 1) ^ (value >> 63);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        while ((zigZag & ~0x7FL) != 0) {
            out.write((int) ((zigZag & 0x7F) | 0x80));
            zigZag >>>= 7;
        }
        out.write((int) zigZag);
        return out.toByteArray();
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] both = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, both, a.length, b.length);
        return both;
    }

    @Test
    void refusesBytesAfterTheEndOfTheRecord() {
        byte[] wire = codec.encode(image());
        byte[] longer = Arrays.copyOf(wire, wire.length + 3);

        assertThatThrownBy(() -> codec.decode(longer))
                .isInstanceOfSatisfying(
                        WireFormatException.class,
                        e ->
                                assertThat(e.problem())
                                        .isEqualTo(WireFormatException.Problem.CORRUPT_PAYLOAD))
                .hasMessageContaining("3 bytes after the end of the record");
        assertThat(codec.decode(wire).getId()).isEqualTo("cam-7/000042");
    }

    @Test
    void survivesJavaSerializationAsFlinkShipsIt() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(codec);
        }
        @SuppressWarnings("unchecked")
        SingleObjectCodec<ImageRecord> copy =
                (SingleObjectCodec<ImageRecord>)
                        new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))
                                .readObject();

        assertThat(copy.decode(codec.encode(image()))).isEqualTo(image());
    }
}
