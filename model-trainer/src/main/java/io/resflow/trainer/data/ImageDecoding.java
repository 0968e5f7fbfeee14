package io.resflow.trainer.data;

import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.awt.image.Raster;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import javax.imageio.ImageIO;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;

/**
 * Turns encoded (JPEG, PNG) or raw images into the row-major HWC unsigned bytes of one fixed size
 * and channel count, the layout {@link io.resflow.datasets.LabelledImages} holds.
 *
 * <p>Decoding uses {@code javax.imageio}. Conversions: grey to RGB repeats the grey value; RGB to
 * grey uses the ITU-R BT.601 luma weights (0.299, 0.587, 0.114), as PIL's {@code convert("L")}
 * does; an alpha channel is dropped, not composited. Pixels are read from the raster rather than
 * through Java2D colour conversion, because Java treats 8-bit grey images as linear and would
 * change their values. Resizing is bilinear (Java2D); it aliases when shrinking by more than 2x, so
 * feed images near the model's size.
 */
public final class ImageDecoding {

    private ImageDecoding() {}

    /**
     * Decodes JPEG or PNG bytes.
     *
     * @throws IOException with a message saying what is wrong (callers prefix the file name)
     */
    public static BufferedImage decode(byte[] encoded) throws IOException {
        BufferedImage image;
        // A memory-cached stream: ImageIO's default for plain input streams is a temp-file cache,
        // one file per image, which is slow and fails on a read-only temp directory.
        // ImageIO.read closes it (and it holds only heap memory).
        try {
            ImageInputStream in =
                    new MemoryCacheImageInputStream(new ByteArrayInputStream(encoded));
            image = ImageIO.read(in);
        } catch (IOException | RuntimeException e) {
            throw new IOException("unreadable image (" + e.getMessage() + ")", e);
        }
        if (image == null) {
            throw new IOException(
                    "unreadable image (no JPEG or PNG decoder recognises the "
                            + encoded.length
                            + " bytes)");
        }
        return image;
    }

    /** How many colour components (1 grey, 2 grey+alpha, 3 RGB, 4 RGBA) the image carries. */
    public static int channelsOf(BufferedImage image) {
        return image.getColorModel().getNumComponents();
    }

    /**
     * The image as HWC bytes of the given size and channel count (1 or 3).
     *
     * @param image any image {@code javax.imageio} returned
     */
    public static byte[] toHwc(BufferedImage image, int height, int width, int channels) {
        checkTargetChannels(channels);
        int sourceChannels = channelsOf(image) <= 2 ? 1 : 3;
        byte[] pixels = readPixels(image, sourceChannels);
        return resizeAndConvert(
                pixels,
                image.getHeight(),
                image.getWidth(),
                sourceChannels,
                height,
                width,
                channels);
    }

    /**
     * Raw HWC bytes (1 grey, 3 RGB or 4 RGBA channels) resized and converted to the given size and
     * channel count (1 or 3).
     */
    public static byte[] resizeAndConvert(
            byte[] hwc,
            int sourceHeight,
            int sourceWidth,
            int sourceChannels,
            int height,
            int width,
            int channels) {
        checkTargetChannels(channels);
        if (hwc.length != (long) sourceHeight * sourceWidth * sourceChannels) {
            throw new IllegalArgumentException(
                    sourceHeight
                            + "x"
                            + sourceWidth
                            + "x"
                            + sourceChannels
                            + " pixels need "
                            + (long) sourceHeight * sourceWidth * sourceChannels
                            + " bytes, got "
                            + hwc.length);
        }
        byte[] pixels = hwc;
        int current = sourceChannels;
        if (current == 4) {
            pixels = dropAlpha(pixels);
            current = 3;
        } else if (current != 1 && current != 3) {
            throw new IllegalArgumentException(
                    "source channels must be 1, 3 or 4, got " + sourceChannels);
        }
        // Convert first when going to grey: resizing one channel is cheaper than three.
        if (channels == 1 && current == 3) {
            pixels = toGrey(pixels);
            current = 1;
        }
        if (sourceHeight != height || sourceWidth != width) {
            pixels = resize(pixels, sourceHeight, sourceWidth, current, height, width);
        }
        if (channels == 3 && current == 1) {
            pixels = greyToRgb(pixels);
        }
        return pixels;
    }

    private static void checkTargetChannels(int channels) {
        if (channels != 1 && channels != 3) {
            throw new IllegalArgumentException(
                    "channels must be 1 (grey) or 3 (RGB), got " + channels);
        }
    }

    /** Grey (1) or RGB (3) HWC bytes of the decoded image, read without colour-space conversion. */
    private static byte[] readPixels(BufferedImage image, int channels) {
        int h = image.getHeight();
        int w = image.getWidth();
        byte[] out = new byte[h * w * channels];
        Raster raster = image.getRaster();
        boolean plainComponents =
                !(image.getColorModel() instanceof java.awt.image.IndexColorModel)
                        && raster.getNumBands() == image.getColorModel().getNumComponents();
        if (channels == 1 && plainComponents) {
            // Grey or grey+alpha: band 0 is the grey level, at 8 or 16 bits.
            int bits = image.getColorModel().getComponentSize(0);
            int[] row = new int[w];
            for (int y = 0; y < h; y++) {
                raster.getSamples(0, y, w, 1, 0, row);
                for (int x = 0; x < w; x++) {
                    out[y * w + x] = (byte) (bits > 8 ? row[x] >>> (bits - 8) : row[x]);
                }
            }
            return out;
        }
        // Colour (and palette) images: getRGB gives exact sRGB values for them.
        int[] argb = image.getRGB(0, 0, w, h, null, 0, w);
        for (int i = 0; i < argb.length; i++) {
            int p = argb[i];
            if (channels == 1) {
                out[i] = luma((p >> 16) & 0xFF, (p >> 8) & 0xFF, p & 0xFF);
            } else {
                out[3 * i] = (byte) (p >> 16);
                out[3 * i + 1] = (byte) (p >> 8);
                out[3 * i + 2] = (byte) p;
            }
        }
        return out;
    }

    private static byte luma(int r, int g, int b) {
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

    /** Bilinear resize with Java2D; source and target share a colour space, so values are kept. */
    private static byte[] resize(byte[] hwc, int h, int w, int channels, int height, int width) {
        int type = channels == 1 ? BufferedImage.TYPE_BYTE_GRAY : BufferedImage.TYPE_3BYTE_BGR;
        BufferedImage source = new BufferedImage(w, h, type);
        source.getRaster().setPixels(0, 0, w, h, toInts(hwc));
        BufferedImage target = new BufferedImage(width, height, type);
        Graphics2D g = target.createGraphics();
        try {
            g.setRenderingHint(
                    RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
            g.setRenderingHint(RenderingHints.KEY_RENDERING, RenderingHints.VALUE_RENDER_QUALITY);
            g.drawImage(source, 0, 0, width, height, null);
        } finally {
            g.dispose();
        }
        int[] samples = target.getRaster().getPixels(0, 0, width, height, (int[]) null);
        byte[] out = new byte[samples.length];
        for (int i = 0; i < samples.length; i++) {
            out[i] = (byte) samples[i];
        }
        return out;
    }

    private static int[] toInts(byte[] bytes) {
        int[] ints = new int[bytes.length];
        for (int i = 0; i < bytes.length; i++) {
            ints[i] = bytes[i] & 0xFF;
        }
        return ints;
    }
}
