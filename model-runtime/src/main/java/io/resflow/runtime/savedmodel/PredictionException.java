package io.resflow.runtime.savedmodel;

/** TensorFlow failed while predicting a batch that passed validation. */
public class PredictionException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public PredictionException(String message, Throwable cause) {
        super(message, cause);
    }
}
