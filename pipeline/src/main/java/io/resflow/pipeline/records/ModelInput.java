package io.resflow.pipeline.records;

/**
 * One image converted to the model's input: size, channels and layout from the model's metadata,
 * values scaled by its pixel scale.
 *
 * @param values float32 values of this one image in the model's layout (C x H x W for NCHW)
 */
public record ModelInput(
        String id,
        String source,
        long captureTime,
        Integer groundTruthLabel,
        float[] values,
        RawFrame original) {}
