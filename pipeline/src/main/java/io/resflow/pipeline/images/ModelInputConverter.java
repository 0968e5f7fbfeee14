package io.resflow.pipeline.images;

import java.awt.RenderingHints;
import java.awt.geom.AffineTransform;
import java.awt.image.AffineTransformOp;
import java.awt.image.BufferedImage;
import java.awt.image.WritableRaster;
import java.io.Serializable;

/**
 * Turns decoded 8-bit HWC pixels into one image of model input: resized (bilinear) to the model's
 * height and width, converted to its channel count (grey to RGB by repetition, RGB to grey by ITU-R
 * BT.601 luma, alpha dropped), laid out NCHW and multiplied by the model's pixel scale.
 * Normalisation by mean and standard deviation happens inside the SavedModel's graph.
 */
public final class ModelInputConverter implements Serializable {

    private static final long serialVersionUID = 1L;

    private final int height;
    private final int width;
    private final int channels;
    private final float pixelScale;

    public ModelInputConverter(int height, int width, int channels, float pixelScale) {
        if (height < 1 || width < 1 || (channels != 1 && channels != 3)) {
            throw new IllegalArgumentException(
                    "model input must be HxWx1 or HxWx3, got "
                            + height
                            + "x"
                            + width
                            + "x"
                            + channels);
        }
        this.height = height;
        this.width = width;
        this.channels = channels;
        this.pixelScale = pixelScale;
    }

    public int valuesPerImage() {
        return height * width * channels;
    }

    /** True when pixels of this shape need no resize (channel conversion is always possible). */
    public boolean matchesSize(int imageHeight, int imageWidth) {
        return imageHeight == height && imageWidth == width;
    }

    public float[] toModelInput(byte[] pixels, int imageHeight, int imageWidth, int imageChannels) {
        if (pixels.length != imageHeight * imageWidth * imageChannels) {
            throw new IllegalArgumentException(
                    imageHeight
                            + "x"
                            + imageWidth
                            + "x"
                            + imageChannels
                            + " needs "
                            + imageHeight * imageWidth * imageChannels
                            + " bytes, got "
                            + pixels.length);
        }
        if (imageChannels < 1 || imageChannels > 4 || imageChannels == 2) {
            throw new IllegalArgumentException(
                    "images have 1, 3 or 4 channels, got " + imageChannels);
        }
        byte[] sized = pixels;
        int sizedChannels = imageChannels;
        if (!matchesSize(imageHeight, imageWidth)) {
            sized = resize(pixels, imageHeight, imageWidth, imageChannels);
            sizedChannels = imageChannels == 1 ? 1 : 3;
        }
        float[] out = new float[valuesPerImage()];
        int plane = height * width;
        for (int p = 0; p < plane; p++) {
            int o = p * sizedChannels;
            if (channels == 1) {
                float grey =
                        sizedChannels == 1
                                ? (sized[o] & 0xFF)
                                : 0.299f * (sized[o] & 0xFF)
                                        + 0.587f * (sized[o + 1] & 0xFF)
                                        + 0.114f * (sized[o + 2] & 0xFF);
                out[p] = grey * pixelScale;
            } else {
                for (int c = 0; c < 3; c++) {
                    int value = sizedChannels == 1 ? sized[o] & 0xFF : sized[o + c] & 0xFF;
                    out[c * plane + p] = value * pixelScale;
                }
            }
        }
        return out;
    }

    /**
     * Bilinear resize with Java2D; returns HWC with 1 channel for grey input, else 3 (alpha
     * dropped).
     */
    private byte[] resize(byte[] pixels, int imageHeight, int imageWidth, int imageChannels) {
        boolean grey = imageChannels == 1;
        BufferedImage source =
                new BufferedImage(
                        imageWidth,
                        imageHeight,
                        grey ? BufferedImage.TYPE_BYTE_GRAY : BufferedImage.TYPE_3BYTE_BGR);
        WritableRaster in = source.getRaster();
        int[] sample = new int[grey ? 1 : 3];
        for (int y = 0; y < imageHeight; y++) {
            for (int x = 0; x < imageWidth; x++) {
                int o = (y * imageWidth + x) * imageChannels;
                for (int c = 0; c < sample.length; c++) {
                    sample[c] = pixels[o + c] & 0xFF;
                }
                in.setPixel(x, y, sample);
            }
        }
        AffineTransformOp op =
                new AffineTransformOp(
                        AffineTransform.getScaleInstance(
                                (double) width / imageWidth, (double) height / imageHeight),
                        new RenderingHints(
                                RenderingHints.KEY_INTERPOLATION,
                                RenderingHints.VALUE_INTERPOLATION_BILINEAR));
        BufferedImage target = new BufferedImage(width, height, source.getType());
        op.filter(source, target);
        WritableRaster out = target.getRaster();
        byte[] result = new byte[height * width * sample.length];
        int[] pixel = new int[sample.length];
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                out.getPixel(x, y, pixel);
                for (int c = 0; c < pixel.length; c++) {
                    result[(y * width + x) * pixel.length + c] = (byte) pixel[c];
                }
            }
        }
        return result;
    }
}
