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
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericRecord;
import org.junit.jupiter.api.Test;

class SingleObjectProjectionTest {

    private static final long CAPTURED = 1_700_000_000_123L;

    private final SingleObjectCodec<ImageRecord> codec = SingleObjectCodec.of(ImageRecord.class);
    private final SingleObjectProjection captureTimes = codec.projection("captureTime");

    private static ImageRecord image() {
        return ImageRecord.newBuilder()
                .setId("cam-7/000042")
                .setSource("cam-7")
                .setCaptureTime(Instant.ofEpochMilli(CAPTURED))
                .setEncoding(ImageEncoding.RAW_U8)
                .setWidth(640)
                .setHeight(480)
                .setChannels(3)
                .setImageBytes(ByteBuffer.wrap(new byte[640 * 480 * 3]))
                .setGroundTruthLabel(3)
                .build();
    }

    @Test
    void readsOnlyTheNamedFields() {
        GenericRecord projected = captureTimes.decode(codec.encode(image()));

        assertThat(projected.get("captureTime")).isEqualTo(CAPTURED);
        assertThat(projected.getSchema().getFields())
                .extracting(Schema.Field::name)
                .containsExactly("captureTime");
        assertThat(projected.hasField("imageBytes")).isFalse();
    }

    @Test
    void readsFieldsAfterTheSkippedOnesAndFromTheOlderRelease() {
        SingleObjectProjection labels = codec.projection("source", "groundTruthLabel");
        assertThat(labels.decode(codec.encode(image())).get("groundTruthLabel")).isEqualTo(3);

        byte[] wire =
                ImageRecordV1.wire(
                        "old-1", "cam-1", 1_600_000_000_000L, "PNG", new byte[] {1, 2, 3});

        GenericRecord projected = labels.decode(wire);
        assertThat(projected.get("source")).hasToString("cam-1");
        assertThat(projected.get("groundTruthLabel")).as("added in v2, defaults to null").isNull();
        assertThat(captureTimes.decode(wire).get("captureTime")).isEqualTo(1_600_000_000_000L);
    }

    @Test
    void refusesWhatTheCodecRefuses() {
        byte[] wire = codec.encode(image());
        byte[] truncated = Arrays.copyOf(wire, wire.length - 5);

        assertThatThrownBy(() -> captureTimes.decode(truncated))
                .as("the skipped image is cut short; its capture time alone would have read fine")
                .isInstanceOfSatisfying(
                        WireFormatException.class,
                        e ->
                                assertThat(e.problem())
                                        .isEqualTo(WireFormatException.Problem.CORRUPT_PAYLOAD))
                .hasMessageContaining("Corrupt ImageRecord body");
        assertThatThrownBy(
                        () -> captureTimes.decode(new byte[] {0x42, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10}))
                .isInstanceOfSatisfying(
                        WireFormatException.class,
                        e ->
                                assertThat(e.problem())
                                        .isEqualTo(
                                                WireFormatException.Problem
                                                        .NOT_SINGLE_OBJECT_ENCODED));
        byte[] unknown = wire.clone();
        unknown[2] ^= 0x5A; // another fingerprint
        assertThatThrownBy(() -> captureTimes.decode(unknown))
                .isInstanceOfSatisfying(
                        WireFormatException.class,
                        e ->
                                assertThat(e.problem())
                                        .isEqualTo(
                                                WireFormatException.Problem
                                                        .UNKNOWN_SCHEMA_FINGERPRINT))
                .hasMessageContaining("v1 0x")
                .hasMessageContaining("v2 0x");
    }

    @Test
    void refusesAFieldTheRecordDoesNotHave() {
        assertThatThrownBy(() -> codec.projection("exposure"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("ImageRecord has no field 'exposure'");
    }

    @Test
    void survivesJavaSerializationAsFlinkShipsIt() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(captureTimes);
        }
        SingleObjectProjection copy =
                (SingleObjectProjection)
                        new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))
                                .readObject();

        assertThat(copy.decode(codec.encode(image())).get("captureTime")).isEqualTo(CAPTURED);
    }
}
