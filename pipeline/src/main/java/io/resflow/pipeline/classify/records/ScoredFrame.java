package io.resflow.pipeline.classify.records;

/**
 * The outcome of scoring one frame: either probabilities with their batch and timings, or the
 * reason scoring failed (then {@code probabilities} is null and {@code failure} says why).
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
        RawFrame original) {

    public boolean failed() {
        return failure != null;
    }
}
