package io.resflow.pipeline.images;

/** The bytes of an image record are not a readable image of the encoding it claims. */
public final class UndecodableImageException extends Exception {

    private static final long serialVersionUID = 1L;

    public UndecodableImageException(String message) {
        super(message);
    }

    public UndecodableImageException(String message, Throwable cause) {
        super(message, cause);
    }
}
