package io.resflow.pipeline.records;

/**
 * A model input with the version chosen to score it: chosen before the frame reaches the scorer, so
 * a swap falls between two frames, and the prediction names the version that scored it.
 */
public record VersionedInput(ModelInput input, ModelVersion model) {}
