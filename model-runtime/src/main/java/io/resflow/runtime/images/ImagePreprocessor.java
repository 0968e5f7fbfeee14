package io.resflow.runtime.images;

import io.resflow.datasets.ImageShape;
import io.resflow.runtime.metadata.InputSpec;
import java.io.Serializable;
import java.util.Objects;

/**
 * The one preprocessing of images for training and serving (issue 15): the trainer's readers store
 * what {@link #toShape} gives, the job feeds the model what {@link #toModelInput} gives, so a model
 * is served the tensors it was trained on.
 *
 * <p>In order: alpha dropped (not composited); RGB to grey by ITU-R BT.601 luma (0.299, 0.587,
 * 0.114, as PIL's {@code convert("L")}) rounded to a byte, since the trainer holds bytes; grey to
 * RGB by repetition; one bilinear resize ({@link BilinearResize}) to the model's height and width.
 * That is 8-bit HWC at the model's shape; {@link #toModelInput} then lays it out NCHW and
 * multiplies by the model's pixel scale. Normalisation by mean and standard deviation happens
 * inside the SavedModel's graph ({@link InputSpec}). An image already of the model's shape is
 * passed through untouched (Fashion-MNIST's 28x28 grey frames).
 *
 * <pre>{@code
 * ImagePreprocessor preprocessor = ImagePreprocessor.forInput(metadata.input());
 * float[] input = preprocessor.toModelInput(ImageCodec.decode(png, ImageFormat.PNG));
 * }</pre>
 */
public final class ImagePreprocessor implements Serializable {

    private static final long serialVersionUID = 1L;

    private final ImageShape shape;
    private final float pixelScale;

    /**
     * @param shape the model's input: any height and width, 1 or 3 channels
     * @param pixelScale the factor 0..255 values are multiplied by
     */
    public ImagePreprocessor(ImageShape shape, float pixelScale) {
        checkModelShape(shape);
        if (!(pixelScale > 0) || Float.isInfinite(pixelScale)) {
            throw new IllegalArgumentException(
                    "pixel scale must be a positive finite number, got " + pixelScale);
        }
        this.shape = shape;
        this.pixelScale = pixelScale;
    }

    /** The preprocessing a model's metadata describes. */
    public static ImagePreprocessor forInput(InputSpec input) {
        return new ImagePreprocessor(input.shape(), input.pixelScale());
    }

    /** The model's input shape. */
    public ImageShape shape() {
        return shape;
    }

    /** True when an image of this shape needs no resize (channels can always be converted). */
    public boolean matchesSize(ImageShape image) {
        return shape.sameSize(image);
    }

    /** One image as the model's input: C x H x W floats, 0..255 values times the pixel scale. */
    public float[] toModelInput(Pixels image) {
        float[] values = new float[shape.values()];
        shape.hwcToChw(toShape(image, shape).data(), 0, pixelScale, values, 0);
        return values;
    }

    /**
     * The image converted and resized to {@code target} (1 or 3 channels), as the class comment
     * says; the image itself when it already has that shape.
     */
    public static Pixels toShape(Pixels image, ImageShape target) {
        checkModelShape(target);
        ImageShape from = image.shape();
        if (from.equals(target)) {
            return image;
        }
        byte[] data = image.data();
        int channels = from.channels();
        if (channels == 4) {
            data = dropAlpha(data);
            channels = 3;
        }
        // To grey before resizing (one channel is cheaper to resize than three); from grey after
        // it. Bilinear interpolation treats channels alike, so the order does not change a value.
        if (target.channels() == 1 && channels == 3) {
            data = toGrey(data);
            channels = 1;
        }
        if (!from.sameSize(target)) {
            data = BilinearResize.resize(data, from.withChannels(channels), target);
        }
        if (target.channels() == 3 && channels == 1) {
            data = greyToRgb(data);
        }
        return new Pixels(target, data);
    }

    private static void checkModelShape(ImageShape shape) {
        Objects.requireNonNull(shape, "shape");
        if (shape.channels() != 1 && shape.channels() != 3) {
            throw new IllegalArgumentException("model input must be HxWx1 or HxWx3, got " + shape);
        }
    }

    /** ITU-R BT.601 luma, rounded to the nearest byte. */
    static byte luma(int r, int g, int b) {
        return (byte) Math.round(0.299 * r + 0.587 * g + 0.114 * b);
    }

    private static byte[] toGrey(byte[] rgb) {
        byte[] grey = new byte[rgb.length / 3];
        for (int i = 0; i < grey.length; i++) {
            grey[i] = luma(rgb[3 * i] & 0xFF, rgb[3 * i + 1] & 0xFF, rgb[3 * i + 2] & 0xFF);
        }
        return grey;
    }

    private static byte[] greyToRgb(byte[] grey) {
        byte[] rgb = new byte[grey.length * 3];
        for (int i = 0; i < grey.length; i++) {
            rgb[3 * i] = grey[i];
            rgb[3 * i + 1] = grey[i];
            rgb[3 * i + 2] = grey[i];
        }
        return rgb;
    }

    private static byte[] dropAlpha(byte[] rgba) {
        byte[] rgb = new byte[rgba.length / 4 * 3];
        for (int i = 0, j = 0; i < rgba.length; i += 4, j += 3) {
            rgb[j] = rgba[i];
            rgb[j + 1] = rgba[i + 1];
            rgb[j + 2] = rgba[i + 2];
        }
        return rgb;
    }

    @Override
    public String toString() {
        return "ImagePreprocessor[" + shape + ", pixelScale " + pixelScale + "]";
    }
}
