package io.resflow.pipeline.classify.functions;

import static org.assertj.core.api.Assertions.assertThat;

import io.resflow.pipeline.records.RawFrame;
import io.resflow.pipeline.replay.Frame;
import io.resflow.schema.ImageEncoding;
import io.resflow.schema.ImageRecord;
import io.resflow.schema.wire.SingleObjectCodec;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class CaptureTimesTest {

    private static final long KAFKA_TIME = 1_800_000_000_000L;

    @Test
    void aFrameTakesItsCaptureTimeAndAnUnreadableRecordMovesNoWatermark() {
        CaptureTimes captureTimes = new CaptureTimes();
        Instant captured = Instant.parse("2026-11-23T10:00:00Z");
        byte[] record =
                SingleObjectCodec.of(ImageRecord.class)
                        .encode(
                                new Frame(new byte[1], ImageEncoding.RAW_U8, 1, 1, 1, null)
                                        .toRecord("f", "camera-0", captured));

        assertThat(captureTimes.extractTimestamp(frame(record), KAFKA_TIME))
                .isEqualTo(captured.toEpochMilli());
        // Not Kafka's time: one corrupt record among replayed old frames would make its partition's
        // later frames late.
        assertThat(captureTimes.extractTimestamp(frame(new byte[] {0, 1, 2}), KAFKA_TIME))
                .isEqualTo(Long.MIN_VALUE);
        assertThat(captureTimes.extractTimestamp(frame(null), KAFKA_TIME))
                .isEqualTo(Long.MIN_VALUE);
    }

    @Test
    void implausibleCaptureTimesMoveNoWatermark() {
        CaptureTimes captureTimes = new CaptureTimes();
        Instant now = Instant.now();

        assertThat(
                        captureTimes.extractTimestamp(
                                frame(recordCapturedAt(Instant.EPOCH)), KAFKA_TIME))
                .isZero();
        Instant threeHoursFast = now.plus(Duration.ofHours(3));
        assertThat(
                        captureTimes.extractTimestamp(
                                frame(recordCapturedAt(threeHoursFast)), KAFKA_TIME))
                .isEqualTo(threeHoursFast.toEpochMilli());
        for (Instant implausible :
                new Instant[] {
                    Instant.ofEpochMilli(Long.MIN_VALUE),
                    Instant.ofEpochMilli(-1),
                    now.plus(Duration.ofDays(2)),
                    Instant.parse("2100-01-01T00:00:00Z")
                }) {
            assertThat(
                            captureTimes.extractTimestamp(
                                    frame(recordCapturedAt(implausible)), KAFKA_TIME))
                    .as("captured %s", implausible)
                    .isEqualTo(Long.MIN_VALUE);
        }
    }

    static byte[] recordCapturedAt(Instant captured) {
        return SingleObjectCodec.of(ImageRecord.class)
                .encode(
                        new Frame(new byte[1], ImageEncoding.RAW_U8, 1, 1, 1, null)
                                .toRecord("f", "camera-0", captured));
    }

    private static RawFrame frame(byte[] value) {
        return new RawFrame(null, value, "images", 0, 0, KAFKA_TIME);
    }
}
