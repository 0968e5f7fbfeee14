package io.resflow.pipeline.records;

import io.resflow.schema.ErrorKind;

/**
 * The outcome of scoring one frame: either probabilities with their batch and timings, or the
 * reason scoring failed (then {@code probabilities} is null, {@code failure} says why and {@code
 * failureKind} is MODEL_ERROR or TIMEOUT).
 *
 * @param modelName the model that scored it, null when the labeller's own applies
 * @param modelVersion the version that scored it (versions change while the job runs), or null
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
        RawFrame original,
        String modelName,
        String modelVersion) {

    /** A frame scored by whichever model the labeller names. */
    public ScoredFrame(
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
        this(
                id,
                source,
                captureTime,
                groundTruthLabel,
                probabilities,
                batchSize,
                queueWaitMicros,
                inferenceMicros,
                failure,
                failureKind,
                original,
                null,
                null);
    }

    public boolean failed() {
        return failure != null;
    }
}
