package io.resflow.runtime.images;

/** An image's header declares another size than its caller expects; nothing was decoded. */
public final class ImageSizeException extends Exception {

    private static final long serialVersionUID = 1L;

    private final int declaredHeight;
    private final int declaredWidth;

    ImageSizeException(
            ImageFormat format,
            int expectedHeight,
            int expectedWidth,
            int declaredHeight,
            int declaredWidth) {
        super(
                "expected "
                        + expectedHeight
                        + "x"
                        + expectedWidth
                        + " but the "
                        + format
                        + " header says "
                        + declaredHeight
                        + "x"
                        + declaredWidth);
        this.declaredHeight = declaredHeight;
        this.declaredWidth = declaredWidth;
    }

    /** The height the header declares. */
    public int declaredHeight() {
        return declaredHeight;
    }

    /** The width the header declares. */
    public int declaredWidth() {
        return declaredWidth;
    }
}
