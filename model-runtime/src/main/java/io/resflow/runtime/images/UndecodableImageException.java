package io.resflow.runtime.images;

/** The bytes are not a readable image of the format they were said to be. */
public final class UndecodableImageException extends Exception {

    private static final long serialVersionUID = 1L;

    public UndecodableImageException(String message) {
        super(message);
    }

    public UndecodableImageException(String message, Throwable cause) {
        super(message, cause);
    }
}
