package io.resflow.pipeline.classify.functions;

import io.resflow.pipeline.metrics.JobTotals;
import io.resflow.pipeline.metrics.PipelineMetrics;
import io.resflow.pipeline.records.DeadLetterRecord;
import io.resflow.pipeline.records.DecodedImage;
import io.resflow.pipeline.records.RawFrame;
import io.resflow.runtime.images.ImageCodec;
import io.resflow.runtime.images.ImageFormat;
import io.resflow.runtime.images.ImageSizeException;
import io.resflow.runtime.images.Pixels;
import io.resflow.runtime.images.UndecodableImageException;
import io.resflow.schema.ErrorKind;
import io.resflow.schema.ImageEncoding;
import io.resflow.schema.ImageRecord;
import io.resflow.schema.wire.SingleObjectCodec;
import io.resflow.schema.wire.WireFormatException;
import java.util.EnumMap;
import java.util.Map;
import org.apache.flink.api.common.accumulators.LongCounter;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Decodes the Avro record and its image, and checks the pixels are what the record claims. Every
 * record comes out exactly once: as a {@link DecodedImage}, or on {@link #DEAD_LETTERS} with the
 * reason and its original bytes.
 */
public final class DecodeImages extends ProcessFunction<RawFrame, DecodedImage> {

    private static final long serialVersionUID = 1L;

    public static final String UID = "decode-images";

    public static final OutputTag<DeadLetterRecord> DEAD_LETTERS =
            new OutputTag<>("decode-dead-letters") {};

    /**
     * At most 4096x4096 pixels in all (16.7 megapixels, any aspect): a decoded frame, its 4-channel
     * copy and its resize take a few hundred MB at this size, side by side in every slot of a
     * TaskManager.
     */
    static final int MAX_PIXELS = 4096 * 4096;

    private final SingleObjectCodec<ImageRecord> codec = SingleObjectCodec.of(ImageRecord.class);

    private transient Counter framesIn;
    private transient Map<ErrorKind, Counter> rejected;
    private transient LongCounter deadLetterTotal;

    @Override
    public void open(OpenContext openContext) {
        framesIn = getRuntimeContext().getMetricGroup().counter(PipelineMetrics.FRAMES_IN);
        rejected = new EnumMap<>(ErrorKind.class);
        for (ErrorKind kind : ErrorKind.values()) {
            rejected.put(
                    kind,
                    getRuntimeContext()
                            .getMetricGroup()
                            .addGroup(PipelineMetrics.ERROR_KIND_GROUP, kind.name())
                            .counter(PipelineMetrics.DEAD_LETTERS));
        }
        deadLetterTotal = JobTotals.deadLetters(getRuntimeContext(), UID);
    }

    @Override
    public void processElement(RawFrame raw, Context ctx, Collector<DecodedImage> out) {
        framesIn.inc();
        DecodedImage image;
        try {
            image = decode(raw, ctx.timestamp());
        } catch (Rejected r) {
            reject(ctx, raw, r.imageId, r.kind, r.getMessage());
            return;
        } catch (RuntimeException e) {
            // A failure nobody foresaw (a decoder bug, a library's unchecked exception on strange
            // bytes) is
            // still this record's: failing the task would restart the job into the same record
            // forever.
            reject(ctx, raw, null, ErrorKind.CORRUPT_RECORD, "decoding failed unexpectedly: " + e);
            return;
        }
        // Outside the try: what the operators after this one throw (chained, they run inside
        // collect
        // and output) is theirs, not this record's.
        out.collect(image);
    }

    /** Why a record goes to the dead letters; thrown by {@link #decode}, no stack trace. */
    private static final class Rejected extends Exception {
        private static final long serialVersionUID = 1L;
        final ErrorKind kind;
        final String imageId;

        Rejected(ErrorKind kind, String imageId, String message) {
            super(message, null, false, false);
            this.kind = kind;
            this.imageId = imageId;
        }
    }

    /**
     * @param eventTime the time {@link CaptureTimes} gave the record in the source
     */
    private DecodedImage decode(RawFrame raw, Long eventTime) throws Rejected {
        if (raw.value() == null) {
            throw new Rejected(
                    ErrorKind.CORRUPT_RECORD, null, "the Kafka record has no value (a tombstone)");
        }
        ImageRecord record;
        try {
            record = codec.decode(raw.value());
        } catch (WireFormatException e) {
            ErrorKind kind =
                    e.problem() == WireFormatException.Problem.UNKNOWN_SCHEMA_FINGERPRINT
                            ? ErrorKind.UNKNOWN_SCHEMA
                            : ErrorKind.CORRUPT_RECORD;
            throw new Rejected(kind, null, e.getMessage());
        }
        long captureTime = record.getCaptureTime().toEpochMilli();
        if (eventTime == null || eventTime == CaptureTimes.UNREADABLE) {
            // The source found the capture time implausible and gave it no event time: the
            // label-stats
            // window refuses such a frame outright. One decision, made there, so the two never
            // disagree.
            throw new Rejected(
                    ErrorKind.CORRUPT_RECORD,
                    record.getId(),
                    "capture time "
                            + captureTime
                            + " ms is not a time a camera could have taken the frame ("
                            + CaptureTimes.PLAUSIBLE
                            + ")");
        }
        int width = record.getWidth();
        int height = record.getHeight();
        int channels = record.getChannels();
        if (width < 1
                || height < 1
                || (long) width * height > MAX_PIXELS
                || channels < 1
                || channels > 4
                || channels == 2) {
            throw new Rejected(
                    ErrorKind.WRONG_SHAPE,
                    record.getId(),
                    "impossible shape "
                            + height
                            + "x"
                            + width
                            + "x"
                            + channels
                            + " (at most "
                            + MAX_PIXELS
                            + " pixels in all, 1, 3 or 4 channels)");
        }
        byte[] bytes = new byte[record.getImageBytes().remaining()];
        record.getImageBytes().duplicate().get(bytes);
        byte[] pixels;
        int decodedChannels;
        if (record.getEncoding() == ImageEncoding.RAW_U8) {
            if (bytes.length != height * width * channels) {
                throw new Rejected(
                        ErrorKind.WRONG_SHAPE,
                        record.getId(),
                        "RAW_U8 "
                                + height
                                + "x"
                                + width
                                + "x"
                                + channels
                                + " needs "
                                + height * width * channels
                                + " bytes, got "
                                + bytes.length
                                + (bytes.length < height * width * channels ? " (truncated)" : ""));
            }
            pixels = bytes;
            decodedChannels = channels;
        } else {
            Pixels decoded;
            try {
                decoded =
                        ImageCodec.decode(
                                bytes,
                                ImageFormat.valueOf(record.getEncoding().name()),
                                height,
                                width);
            } catch (ImageSizeException e) {
                throw new Rejected(
                        ErrorKind.WRONG_SHAPE,
                        record.getId(),
                        "the record claims "
                                + height
                                + "x"
                                + width
                                + " but its "
                                + record.getEncoding()
                                + " header says "
                                + e.declaredHeight()
                                + "x"
                                + e.declaredWidth());
            } catch (UndecodableImageException e) {
                throw new Rejected(ErrorKind.UNDECODABLE_IMAGE, record.getId(), e.getMessage());
            }
            if (decoded.shape().height() != height || decoded.shape().width() != width) {
                throw new Rejected(
                        ErrorKind.WRONG_SHAPE,
                        record.getId(),
                        "the record claims "
                                + height
                                + "x"
                                + width
                                + " but its "
                                + record.getEncoding()
                                + " is "
                                + decoded.shape().height()
                                + "x"
                                + decoded.shape().width());
            }
            pixels = decoded.data();
            decodedChannels = decoded.shape().channels();
        }
        return new DecodedImage(
                record.getId(),
                record.getSource(),
                captureTime,
                record.getGroundTruthLabel(),
                height,
                width,
                decodedChannels,
                pixels,
                raw);
    }

    private void reject(Context ctx, RawFrame raw, String imageId, ErrorKind kind, String message) {
        rejected.get(kind).inc();
        deadLetterTotal.add(1L);
        ctx.output(
                DEAD_LETTERS,
                new DeadLetterRecord(UID, kind, message, System.currentTimeMillis(), imageId, raw));
    }
}
