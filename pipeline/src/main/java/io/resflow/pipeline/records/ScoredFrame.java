package io.resflow.pipeline.records;

import io.resflow.schema.ErrorKind;

/**
 * The outcome of scoring one frame: either probabilities with their batch and timings, or the
 * reason scoring failed (then {@code probabilities} is null, {@code failure} says why and {@code
 * failureKind} is MODEL_ERROR or TIMEOUT).
 */
public record ScoredFrame(
        String id,
        String source,
        long captureTime,
        Integer groundTruthLabel,
        float[] probabilities,
        int batchSize,
        long queueWaitMicros,
        long inferenceMicros,
        String failure,
        ErrorKind failureKind,
        RawFrame original) {

    public boolean failed() {
        return failure != null;
    }
}
