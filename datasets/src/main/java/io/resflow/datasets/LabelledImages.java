package io.resflow.datasets;

import java.util.List;
import java.util.Objects;

/**
 * A labelled set of same-sized 8-bit images held in memory, pixels row-major HWC.
 *
 * <p>Small on purpose: the trainer wraps it as a DJL dataset, the replay tool turns it into {@code
 * ImageRecord}s. Fashion-MNIST's 70,000 28x28 images take 55 MB.
 */
public final class LabelledImages {

    private final String name;
    private final ImageShape shape;
    private final byte[] pixels;
    private final int[] labels;
    private final List<String> classNames;

    public LabelledImages(
            String name,
            int height,
            int width,
            int channels,
            byte[] pixels,
            int[] labels,
            List<String> classNames) {
        this(name, new ImageShape(height, width, channels), pixels, labels, classNames);
    }

    /**
     * @param pixels {@code labels.length} images of {@code shape}, row-major HWC, one after another
     */
    public LabelledImages(
            String name, ImageShape shape, byte[] pixels, int[] labels, List<String> classNames) {
        this.name = Objects.requireNonNull(name, "name");
        this.shape = Objects.requireNonNull(shape, "shape");
        int imageSize = shape.values();
        if (pixels.length != (long) labels.length * imageSize) {
            throw new IllegalArgumentException(
                    name
                            + ": "
                            + labels.length
                            + " labels need "
                            + (long) labels.length * imageSize
                            + " pixel bytes, got "
                            + pixels.length);
        }
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] < 0 || labels[i] >= classNames.size()) {
                throw new IllegalArgumentException(
                        name
                                + ": label "
                                + labels[i]
                                + " of image "
                                + i
                                + " is outside 0.."
                                + (classNames.size() - 1));
            }
        }
        this.pixels = pixels;
        this.labels = labels;
        this.classNames = List.copyOf(classNames);
    }

    public String name() {
        return name;
    }

    public int size() {
        return labels.length;
    }

    /** The shape every image of the set has. */
    public ImageShape shape() {
        return shape;
    }

    public List<String> classNames() {
        return classNames;
    }

    public int label(int index) {
        return labels[Objects.checkIndex(index, labels.length)];
    }

    /** A copy of one image's pixels, row-major HWC. */
    public byte[] image(int index) {
        Objects.checkIndex(index, labels.length);
        byte[] image = new byte[shape().values()];
        System.arraycopy(pixels, index * shape().values(), image, 0, shape().values());
        return image;
    }

    /** Reads one pixel without copying, for bulk conversions; values are 0..255. */
    public int pixel(int index, int offsetInImage) {
        return pixels[index * shape().values() + offsetInImage] & 0xFF;
    }

    /**
     * Images {@code first .. first+count-1} as one NCHW float array (channel planes, the layout
     * models take), each 0..255 pixel multiplied by {@code scale}.
     */
    public float[] toNchw(int first, int count, float scale) {
        Objects.checkFromIndexSize(first, count, labels.length);
        int imageSize = shape().values();
        float[] values = new float[count * imageSize];
        for (int i = 0; i < count; i++) {
            shape.hwcToChw(pixels, (first + i) * imageSize, scale, values, i * imageSize);
        }
        return values;
    }

    /** The first {@code n} images (or all, when there are fewer), sharing nothing with this set. */
    public LabelledImages head(int n) {
        int count = Math.min(Math.max(n, 0), size());
        byte[] headPixels = new byte[count * shape().values()];
        System.arraycopy(pixels, 0, headPixels, 0, headPixels.length);
        int[] headLabels = new int[count];
        System.arraycopy(labels, 0, headLabels, 0, count);
        return new LabelledImages(name, shape, headPixels, headLabels, classNames);
    }
}
