package io.resflow.trainer.export;

/** The exported SavedModel does not reproduce the trained model within the tolerance. */
public final class ParityException extends IllegalStateException {

    private static final long serialVersionUID = 1L;

    private final transient ParityResult result;

    ParityException(String message, ParityResult result) {
        super(message);
        this.result = result;
    }

    /** The measured differences. */
    public ParityResult result() {
        return result;
    }
}
