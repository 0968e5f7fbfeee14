package io.resflow.pipeline.classify.functions;

import io.resflow.pipeline.classify.records.RawFrame;
import io.resflow.schema.ImageRecord;
import io.resflow.schema.wire.SingleObjectCodec;
import io.resflow.schema.wire.SingleObjectProjection;
import java.time.Instant;
import org.apache.flink.api.common.eventtime.SerializableTimestampAssigner;

/**
 * A frame's event time: its capture time when the record decodes and the time is plausible. Any
 * other record gets {@link Long#MIN_VALUE}, which moves no watermark (it still goes on, to become a dead letter
 * in {@code decode-images}; the Kafka sink lets the broker stamp it): with Kafka's timestamp, one
 * corrupt record among replayed hours-old frames would make every later frame of its partition late.
 *
 * <p>It runs in the Kafka source, so watermarks are kept per partition and the source's watermark
 * is the lowest of them: a camera whose clock runs ahead moves only its own partition's, and the
 * other cameras read by the same subtask are not made late. Assigned after decoding, one watermark
 * per subtask followed the fastest camera. The price is a second Avro decode per frame, of the
 * capture time alone: Avro walks the record but skips the image without copying it.
 */
public final class CaptureTimes implements SerializableTimestampAssigner<RawFrame> {

    private static final long serialVersionUID = 1L;

    /** The event time of a record that does not decode: before every watermark. */
    static final long UNREADABLE = Long.MIN_VALUE;

    /** The latest plausible capture time, the last millisecond of year 9999. */
    static final long LATEST = Instant.parse("9999-12-31T23:59:59.999Z").toEpochMilli();

    static final String PLAUSIBLE = "from 1970 to the end of year 9999";

    /**
     * Whether a camera could have taken a frame at {@code captureTime} (epoch milliseconds): not
     * before 1970, where clocks that were never set start, and not past year 9999. Frames outside go to
     * the dead letters and move no watermark.
     */
    static boolean isPlausible(long captureTime) {
        return captureTime >= 0 && captureTime <= LATEST;
    }

    private final SingleObjectProjection captureTimes = SingleObjectCodec.of(ImageRecord.class).projection("captureTime");

    @Override
    public long extractTimestamp(RawFrame frame, long kafkaTimestamp) {
        if (frame.value() == null) {
            return UNREADABLE;
        }
        try {
            long captureTime = (Long) captureTimes.decode(frame.value()).get("captureTime");
            return isPlausible(captureTime) ? captureTime : UNREADABLE;
        } catch (RuntimeException e) {
            // Not a readable ImageRecord (WireFormatException and the like): decode-images says why.
            return UNREADABLE;
        }
    }
}
