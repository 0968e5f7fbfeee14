package io.resflow.pipeline.classify.functions;

import io.resflow.pipeline.records.RawFrame;
import io.resflow.schema.ImageRecord;
import io.resflow.schema.wire.SingleObjectCodec;
import io.resflow.schema.wire.SingleObjectProjection;
import java.time.Duration;
import org.apache.flink.api.common.eventtime.SerializableTimestampAssigner;

/**
 * A frame's event time: its capture time when the record decodes and the time is plausible ({@link
 * #isPlausible}). Any other record gets {@link Long#MIN_VALUE}, which moves no watermark, and goes
 * on to become a dead letter in {@code decode-images}, which reads this verdict from the record's
 * timestamp. Not Kafka's timestamp: one corrupt record among replayed hours-old frames would make
 * every later frame of its partition late.
 *
 * <p>It runs in the Kafka source, so watermarks are kept per partition and the source's watermark
 * is the lowest of them. Assigned after decoding, one watermark per subtask followed the fastest
 * camera. A camera whose clock runs ahead no longer moves even its own partition's watermark past
 * the clock ({@link ClockBoundedWatermarks}), so the cameras that share its partition are not made
 * late. The price is a second Avro decode per frame, of the capture time alone: Avro walks the
 * record but skips the image without copying it.
 */
public final class CaptureTimes implements SerializableTimestampAssigner<RawFrame> {

    private static final long serialVersionUID = 1L;

    /**
     * The event time of a record that does not decode or whose capture time is implausible: before
     * every watermark.
     */
    static final long UNREADABLE = Long.MIN_VALUE;

    /**
     * How far ahead of the clock of the TaskManager that reads it a frame's capture time may be.
     */
    static final Duration MAX_AHEAD = Duration.ofDays(1);

    static final String PLAUSIBLE =
            "not before 1970 and at most "
                    + MAX_AHEAD.toHours()
                    + " hours ahead of the TaskManager's clock when it was read";

    /**
     * Whether a camera could have taken a frame at {@code captureTime} (epoch milliseconds), read
     * at {@code now}: not before 1970 (clocks that were never set start there, Java's "unset" is
     * {@link Long#MIN_VALUE}, which event-time windows refuse), and not more than {@link
     * #MAX_AHEAD} ahead. A camera hours fast is still labelled; one frame stamped years ahead would
     * hold its partition's watermark there, and once the other partitions went idle, make every
     * camera's frames late for label-stats until a restart.
     */
    static boolean isPlausible(long captureTime, long now) {
        return captureTime >= 0 && captureTime <= now + MAX_AHEAD.toMillis();
    }

    private final SingleObjectProjection captureTimes =
            SingleObjectCodec.of(ImageRecord.class).projection("captureTime");

    @Override
    public long extractTimestamp(RawFrame frame, long kafkaTimestamp) {
        if (frame.value() == null) {
            return UNREADABLE;
        }
        try {
            long captureTime = (Long) captureTimes.decode(frame.value()).get("captureTime");
            return isPlausible(captureTime, System.currentTimeMillis()) ? captureTime : UNREADABLE;
        } catch (RuntimeException e) {
            // Not a readable ImageRecord (WireFormatException and the like): decode-images says
            // why.
            return UNREADABLE;
        }
    }
}
