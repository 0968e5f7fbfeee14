package io.resflow.runtime.tensorflow;

/**
 * TensorFlow cannot run in this JVM: no usable native libraries were found or the engine failed to
 * start. The message lists what was tried.
 */
public class TensorFlowUnavailableException extends IllegalStateException {

    private static final long serialVersionUID = 1L;

    public TensorFlowUnavailableException(String message) {
        super(message);
    }

    public TensorFlowUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
