package io.resflow.pipeline.records;

/**
 * A frame whose Avro record and image both decoded and whose pixels match the shape it claims.
 *
 * @param pixels row-major HWC, 8 bits per channel
 * @param groundTruthLabel the true class index, or null
 * @param original the frame's Kafka record, kept for the retraining feed and dead letters
 */
public record DecodedImage(
        String id,
        String source,
        long captureTime,
        Integer groundTruthLabel,
        int height,
        int width,
        int channels,
        byte[] pixels,
        RawFrame original) {}
