package io.resflow.pipeline.scoring;

/** A model loaded but failed on its warm-up batches: it cannot score. */
public final class WarmUpException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public WarmUpException(String message, Throwable cause) {
        super(message, cause);
    }
}
