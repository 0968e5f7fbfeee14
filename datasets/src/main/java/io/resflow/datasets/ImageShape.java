package io.resflow.datasets;

import java.io.Serializable;

/**
 * The shape of an 8-bit image: height and width in pixels, and channels per pixel. One type for the
 * datasets, a model's input and the preprocessing between them (issue 15), so none of them repeats
 * the validation or the size arithmetic.
 *
 * <pre>{@code
 * ImageShape fashionMnist = new ImageShape(28, 28, 1);
 * byte[] image = new byte[fashionMnist.values()];   // 784 bytes, row-major HWC
 * }</pre>
 *
 * @param height rows, 1 or more
 * @param width columns, 1 or more
 * @param channels values per pixel, 1 or more
 */
public record ImageShape(int height, int width, int channels) implements Serializable {

    /**
     * @throws IllegalArgumentException a dimension is not positive, or one image would take more
     *     values than an array holds
     */
    public ImageShape {
        if (height <= 0 || width <= 0 || channels <= 0) {
            throw new IllegalArgumentException(
                    "image shape must be positive, got " + height + "x" + width + "x" + channels);
        }
        if ((long) height * width * channels > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(
                    "image shape "
                            + height
                            + "x"
                            + width
                            + "x"
                            + channels
                            + " has more values than an array holds");
        }
    }

    /** Pixels per channel: height x width, the size of one channel plane. */
    public int pixels() {
        return height * width;
    }

    /**
     * Values of one image: height x width x channels (the bytes of an HWC image, the floats of a
     * CHW one).
     */
    public int values() {
        return height * width * channels;
    }

    /** True when {@code other} has the same height and width, whatever its channels. */
    public boolean sameSize(ImageShape other) {
        return height == other.height && width == other.width;
    }

    /** This height and width with {@code channels} channels. */
    public ImageShape withChannels(int channels) {
        return new ImageShape(height, width, channels);
    }

    /**
     * Lays one image of this shape out as models take it: from row-major HWC bytes (values 0..255)
     * at {@code from} to channel planes (CHW) at {@code at}, each value multiplied by {@code
     * scale}. The training data ({@link LabelledImages#toNchw}) and the serving path both lay
     * images out with this, so the two cannot differ.
     */
    public void hwcToChw(byte[] hwc, int from, float scale, float[] chw, int at) {
        int plane = pixels();
        for (int p = 0; p < plane; p++) {
            int pixel = from + p * channels;
            for (int c = 0; c < channels; c++) {
                chw[at + c * plane + p] = (hwc[pixel + c] & 0xFF) * scale;
            }
        }
    }

    /** e.g. "28x28x1" (height x width x channels). */
    @Override
    public String toString() {
        return height + "x" + width + "x" + channels;
    }
}
