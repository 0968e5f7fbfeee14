package io.resflow.pipeline.classify.functions;

import io.resflow.pipeline.classify.records.DeadLetterRecord;
import io.resflow.pipeline.classify.records.DecodedImage;
import io.resflow.pipeline.classify.records.RawFrame;
import io.resflow.pipeline.images.ImageCodec;
import io.resflow.pipeline.images.ImageSizeException;
import io.resflow.pipeline.images.UndecodableImageException;
import io.resflow.pipeline.metrics.PipelineMetrics;
import io.resflow.schema.ErrorKind;
import io.resflow.schema.ImageEncoding;
import io.resflow.schema.ImageRecord;
import io.resflow.schema.wire.SingleObjectCodec;
import io.resflow.schema.wire.WireFormatException;
import java.util.EnumMap;
import java.util.Map;
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

    public static final OutputTag<DeadLetterRecord> DEAD_LETTERS = new OutputTag<>("decode-dead-letters") {};

    /**
     * At most 4096x4096 pixels in all (16.7 megapixels, any aspect): a decoded frame, its 4-channel
     * copy and its resize take a few hundred MB at this size, side by side in every slot of a
     * TaskManager.
     */
    static final int MAX_PIXELS = 4096 * 4096;

    private final SingleObjectCodec<ImageRecord> codec = SingleObjectCodec.of(ImageRecord.class);

    private transient Counter framesIn;
    private transient Map<ErrorKind, Counter> rejected;

    @Override
    public void open(OpenContext openContext) {
        framesIn = getRuntimeContext().getMetricGroup().counter(PipelineMetrics.FRAMES_IN);
        rejected = new EnumMap<>(ErrorKind.class);
        for (ErrorKind kind : ErrorKind.values()) {
            rejected.put(kind, getRuntimeContext().getMetricGroup().addGroup(PipelineMetrics.ERROR_KIND_GROUP, kind.name())
                    .counter(PipelineMetrics.DEAD_LETTERS));
        }
    }

    @Override
    public void processElement(RawFrame raw, Context ctx, Collector<DecodedImage> out) {
        framesIn.inc();
        DecodedImage image;
        try {
            image = decode(raw, ctx);
        } catch (RuntimeException e) {
            // A failure nobody foresaw (a decoder bug, a library's unchecked exception on strange bytes) is
            // still this record's: failing the task would restart the job into the same record forever.
            reject(ctx, raw, null, ErrorKind.CORRUPT_RECORD, "decoding failed unexpectedly: " + e);
            return;
        }
        // Outside the try: what the operators chained after this one throw is theirs, not this record's.
        if (image != null) {
            out.collect(image);
        }
    }

    /** The decoded frame, or null when it went to the dead letters. */
    private DecodedImage decode(RawFrame raw, Context ctx) {
        if (raw.value() == null) {
            reject(ctx, raw, null, ErrorKind.CORRUPT_RECORD, "the Kafka record has no value (a tombstone)");
            return null;
        }
        ImageRecord record;
        try {
            record = codec.decode(raw.value());
        } catch (WireFormatException e) {
            ErrorKind kind = e.problem() == WireFormatException.Problem.UNKNOWN_SCHEMA_FINGERPRINT
                    ? ErrorKind.UNKNOWN_SCHEMA : ErrorKind.CORRUPT_RECORD;
            reject(ctx, raw, null, kind, e.getMessage());
            return null;
        }
        long captureTime = record.getCaptureTime().toEpochMilli();
        if (!CaptureTimes.isPlausible(captureTime)) {
            // Event-time windows refuse Long.MIN_VALUE (Java's usual "unset") outright, and a time past year
            // 9999 would hold its partition's watermark there for good.
            reject(ctx, raw, record.getId(), ErrorKind.CORRUPT_RECORD, "capture time " + captureTime
                    + " ms is not a time a camera could have taken the frame (" + CaptureTimes.PLAUSIBLE + ")");
            return null;
        }
        int width = record.getWidth();
        int height = record.getHeight();
        int channels = record.getChannels();
        if (width < 1 || height < 1 || (long) width * height > MAX_PIXELS || channels < 1 || channels > 4
                || channels == 2) {
            reject(ctx, raw, record.getId(), ErrorKind.WRONG_SHAPE, "impossible shape " + height + "x" + width + "x"
                    + channels + " (at most " + MAX_PIXELS + " pixels in all, 1, 3 or 4 channels)");
            return null;
        }
        byte[] bytes = new byte[record.getImageBytes().remaining()];
        record.getImageBytes().duplicate().get(bytes);
        byte[] pixels;
        int decodedChannels;
        if (record.getEncoding() == ImageEncoding.RAW_U8) {
            if (bytes.length != height * width * channels) {
                reject(ctx, raw, record.getId(), ErrorKind.WRONG_SHAPE, "RAW_U8 " + height + "x" + width + "x" + channels
                        + " needs " + height * width * channels + " bytes, got " + bytes.length);
                return null;
            }
            pixels = bytes;
            decodedChannels = channels;
        } else {
            ImageCodec.Pixels decoded;
            try {
                decoded = ImageCodec.decode(bytes, record.getEncoding(), new ImageCodec.Size(height, width));
            } catch (ImageSizeException e) {
                reject(ctx, raw, record.getId(), ErrorKind.WRONG_SHAPE, e.getMessage());
                return null;
            } catch (UndecodableImageException e) {
                reject(ctx, raw, record.getId(), ErrorKind.UNDECODABLE_IMAGE, e.getMessage());
                return null;
            }
            if (decoded.height() != height || decoded.width() != width) {
                reject(ctx, raw, record.getId(), ErrorKind.WRONG_SHAPE, "the record claims " + height + "x" + width
                        + " but its " + record.getEncoding() + " is " + decoded.height() + "x" + decoded.width());
                return null;
            }
            pixels = decoded.data();
            decodedChannels = decoded.channels();
        }
        return new DecodedImage(record.getId(), record.getSource(), captureTime, record.getGroundTruthLabel(), height,
                width, decodedChannels, pixels, raw);
    }

    private void reject(Context ctx, RawFrame raw, String imageId, ErrorKind kind, String message) {
        rejected.get(kind).inc();
        ctx.output(DEAD_LETTERS, new DeadLetterRecord(UID, kind, message, System.currentTimeMillis(), imageId, raw));
    }
}
