package io.resflow.pipeline.deployment;

import io.resflow.pipeline.records.ModelVersion;
import io.resflow.runtime.metadata.ModelMetadata;
import io.resflow.schema.RefusalReason;
import java.util.Optional;

/**
 * Whether a candidate's metadata lets it replace the serving model without a restart: the job's
 * preprocessing is built for one input (shape, layout, scaling) and its label statistics and
 * downstream consumers for one label set, so a candidate must match both, and name itself as the
 * version it is deployed as.
 */
public final class CandidateCheck {

    private CandidateCheck() {}

    /** The refusal, or empty when {@code candidate} may serve in place of {@code serving}. */
    public static Optional<Refusal> check(
            ModelMetadata serving, ModelVersion requested, ModelMetadata candidate) {
        if (!candidate.name().equals(requested.name())
                || !candidate.version().equals(requested.version())) {
            return Optional.of(
                    new Refusal(
                            RefusalReason.BAD_METADATA,
                            "the folder "
                                    + requested.location()
                                    + " holds "
                                    + candidate.name()
                                    + ":"
                                    + candidate.version()
                                    + ", not "
                                    + requested));
        }
        if (!candidate.input().equals(serving.input())) {
            return Optional.of(
                    new Refusal(
                            RefusalReason.INPUT_MISMATCH,
                            requested
                                    + " takes "
                                    + candidate.input()
                                    + " but the job prepares "
                                    + serving.input()
                                    + ": deploy it with a new job (savepoint upgrade)"));
        }
        if (!candidate.labels().equals(serving.labels())) {
            return Optional.of(
                    new Refusal(
                            RefusalReason.LABELS_MISMATCH,
                            requested
                                    + " has labels "
                                    + candidate.labels()
                                    + " but the job serves "
                                    + serving.labels()));
        }
        return Optional.empty();
    }
}
