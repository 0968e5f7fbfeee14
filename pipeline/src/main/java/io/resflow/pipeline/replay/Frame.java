package io.resflow.pipeline.replay;

import io.resflow.schema.ImageEncoding;
import io.resflow.schema.ImageRecord;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.Map;

/**
 * One image as a camera would send it: encoded bytes, claimed shape, and the true label if known.
 */
public record Frame(
        byte[] bytes, ImageEncoding encoding, int width, int height, int channels, Integer label) {

    /**
     * This frame as the record {@code id} that camera {@code source} sends, captured at {@code
     * captured}.
     */
    public ImageRecord toRecord(String id, String source, Instant captured) {
        return ImageRecord.newBuilder()
                .setId(id)
                .setSource(source)
                .setCaptureTime(captured)
                .setEncoding(encoding)
                .setWidth(width)
                .setHeight(height)
                .setChannels(channels)
                .setImageBytes(ByteBuffer.wrap(bytes))
                .setGroundTruthLabel(label)
                .setHeaders(Map.of())
                .build();
    }
}
