package io.resflow.pipeline.images;

/** An image's header declares another size than its record claims; nothing was decoded. */
public final class ImageSizeException extends Exception {

    private static final long serialVersionUID = 1L;

    public ImageSizeException(String message) {
        super(message);
    }
}
