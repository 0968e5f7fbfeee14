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

    /** Index of the most probable class. */
    public int top1() {
        int best = 0;
        for (int i = 1; i < probabilities.length; i++) {
            if (probabilities[i] > probabilities[best]) {
                best = i;
            }
        }
        return best;
    }
}
