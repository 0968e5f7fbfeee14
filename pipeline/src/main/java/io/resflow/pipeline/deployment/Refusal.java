package io.resflow.pipeline.deployment;

import io.resflow.pipeline.scoring.WarmUpException;
import io.resflow.runtime.metadata.ModelMetadataException;
import io.resflow.runtime.savedmodel.InvalidSavedModelException;
import io.resflow.schema.RefusalReason;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.file.NoSuchFileException;

/** Why a candidate version is not served: the kind, for machines, and a message, for a person. */
public record Refusal(RefusalReason reason, String message) {

    /** A load or warm-up failure as a refusal, by what failed. */
    public static Refusal of(Throwable failure) {
        Throwable cause = failure;
        while ((cause instanceof java.util.concurrent.CompletionException
                        || cause instanceof java.util.concurrent.ExecutionException
                        || cause instanceof java.io.UncheckedIOException)
                && cause.getCause() != null) {
            cause = cause.getCause();
        }
        RefusalReason reason;
        if (cause instanceof WarmUpException) {
            reason = RefusalReason.WARM_UP_FAILED;
        } else if (cause instanceof ModelMetadataException) {
            reason = RefusalReason.BAD_METADATA;
        } else if (cause instanceof FileNotFoundException || cause instanceof NoSuchFileException) {
            reason = RefusalReason.MISSING;
        } else if (cause instanceof InvalidSavedModelException || cause instanceof IOException) {
            reason = RefusalReason.CORRUPT;
        } else {
            reason = RefusalReason.OTHER;
        }
        return new Refusal(reason, String.valueOf(cause.getMessage()));
    }
}
