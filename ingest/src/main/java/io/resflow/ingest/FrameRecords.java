package io.resflow.ingest;

import io.resflow.datasets.ImageShape;
import io.resflow.ingest.cameras.Camera;
import io.resflow.ingest.decode.DecodedFrame;
import io.resflow.ingest.decode.StreamInfo;
import io.resflow.runtime.images.ImageCodec;
import io.resflow.runtime.images.ImageFormat;
import io.resflow.runtime.images.ImagePreprocessor;
import io.resflow.runtime.images.Pixels;
import io.resflow.schema.ImageEncoding;
import io.resflow.schema.ImageRecord;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * A decoded frame as an {@code ImageRecord}: JPEG at a quality, or RAW_U8 already at a model's
 * input shape (so the job skips decoding and resizing). Headers: {@code url} (without credentials),
 * {@code codec}, {@code resolution} (the stream's, WxH), {@code captureClock} ({@code rtcp_ntp} or
 * {@code arrival}) and {@code streamSeconds} (the frame's time on the stream's clock).
 */
final class FrameRecords {

    static final String HEADER_URL = "url";
    static final String HEADER_CODEC = "codec";
    static final String HEADER_RESOLUTION = "resolution";
    static final String HEADER_CAPTURE_CLOCK = "captureClock";
    static final String HEADER_STREAM_SECONDS = "streamSeconds";

    private final float jpegQuality;
    private final Optional<ImageShape> modelShape;

    /**
     * @param jpegQuality 0..1, for JPEG
     * @param modelShape when present, RAW_U8 at this shape instead of JPEG
     */
    FrameRecords(float jpegQuality, Optional<ImageShape> modelShape) {
        if (!(jpegQuality > 0 && jpegQuality <= 1)) {
            throw new IllegalArgumentException("JPEG quality is in (0, 1], got " + jpegQuality);
        }
        this.jpegQuality = jpegQuality;
        this.modelShape = modelShape;
    }

    ImageRecord toRecord(Camera camera, StreamInfo info, DecodedFrame frame, String id) {
        Pixels pixels = frame.pixels();
        ImageEncoding encoding;
        byte[] bytes;
        if (modelShape.isPresent()) {
            pixels = ImagePreprocessor.toShape(pixels, modelShape.get());
            encoding = ImageEncoding.RAW_U8;
            bytes = pixels.data();
        } else {
            encoding = ImageEncoding.JPEG;
            bytes = ImageCodec.encode(pixels, ImageFormat.JPEG, jpegQuality);
        }
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put(HEADER_URL, camera.safeUrl());
        headers.put(HEADER_CODEC, info.codec());
        headers.put(
                HEADER_RESOLUTION,
                frame.pixels().shape().width() + "x" + frame.pixels().shape().height());
        headers.put(HEADER_CAPTURE_CLOCK, frame.clock().name().toLowerCase(Locale.ROOT));
        headers.put(
                HEADER_STREAM_SECONDS, String.format(Locale.ROOT, "%.3f", frame.streamSeconds()));
        return ImageRecord.newBuilder()
                .setId(id)
                .setSource(camera.id())
                .setCaptureTime(java.time.Instant.ofEpochMilli(frame.captureTimeMillis()))
                .setEncoding(encoding)
                .setWidth(pixels.shape().width())
                .setHeight(pixels.shape().height())
                .setChannels(pixels.shape().channels())
                .setImageBytes(java.nio.ByteBuffer.wrap(bytes))
                .setHeaders(headers)
                .build();
    }
}
