package io.resflow.runtime.images;

import io.resflow.datasets.ImageShape;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.DataBufferByte;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;
import java.awt.image.WritableRaster;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.event.IIOReadWarningListener;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.ImageOutputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;

/**
 * The one codec of PNG and JPEG images for training and serving (issue 15): decodes to 8-bit {@link
 * Pixels} with the image's own channels (grey 1, RGB 3, RGBA 4), encodes grey or RGB pixels. Uses
 * the JDK's ImageIO codecs; plain 8-bit PNGs, the common case for camera frames, take a shorter
 * path ({@link PlainPngDecoder}) that gives the same pixels.
 *
 * <p>Pixels are read without colour-space conversion where Java2D would change them: grey images (8
 * or 16 bits, with or without alpha) give their samples (16-bit ones their high byte), because Java
 * treats grey as linear and its sRGB conversion changes every value; colour and palette images give
 * their sRGB values. Grey with alpha decodes to RGBA (the grey repeated), since 2 channels is no
 * shape the preprocessing takes.
 */
public final class ImageCodec {

    static {
        // ImageIO buffers streams in temporary files by default; for images already in memory that
        // costs a file per decode and dominates the time of small frames.
        ImageIO.setUseCache(false);
    }

    private ImageCodec() {}

    /** Encodes grey or RGB pixels as PNG or JPEG ({@code jpegQuality} 0..1, unused for PNG). */
    public static byte[] encode(Pixels pixels, ImageFormat format, float jpegQuality) {
        BufferedImage image = toBufferedImage(pixels);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            if (format == ImageFormat.PNG) {
                ImageIO.write(image, "png", out);
            } else {
                writeJpeg(image, jpegQuality, out);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Could not encode " + format, e);
        }
        return out.toByteArray();
    }

    /** An image's height and width in pixels, as its header declares them. */
    record Size(int height, int width) {}

    /**
     * Decodes PNG or JPEG bytes of any size, for images from a trusted place (a local folder).
     *
     * @throws UndecodableImageException the bytes are not a readable image, with the problem
     */
    public static Pixels decode(byte[] bytes, ImageFormat format) throws UndecodableImageException {
        try {
            return decodeAnySize(bytes, format, null);
        } catch (ImageSizeException e) {
            throw new IllegalStateException("no size was expected", e);
        }
    }

    /**
     * Decodes PNG or JPEG bytes that must hold an image of {@code height x width}, checked in the
     * image's header before any pixel is decoded: a stream of a few kilobytes can declare a
     * 20000x20000 image, and decoding it would take the heap of the job that reads it.
     *
     * @throws ImageSizeException the header declares another size
     * @throws UndecodableImageException the bytes are not a readable image
     */
    public static Pixels decode(byte[] bytes, ImageFormat format, int height, int width)
            throws UndecodableImageException, ImageSizeException {
        return decodeAnySize(bytes, format, new Size(height, width));
    }

    /** {@code expected} null: any size. */
    private static Pixels decodeAnySize(byte[] bytes, ImageFormat format, Size expected)
            throws UndecodableImageException, ImageSizeException {
        Objects.requireNonNull(format, "format");
        if (format == ImageFormat.PNG) {
            Optional<Size> declared = PlainPngDecoder.headerSize(bytes);
            if (declared.isPresent()) {
                checkSize(declared.get(), expected, format);
            }
            PngChunks.checkWhole(bytes);
            if (declared.isPresent()) {
                Optional<Pixels> plain = PlainPngDecoder.decode(bytes);
                if (plain.isPresent()) {
                    return plain.get();
                }
            }
        }
        return decodeWithImageIo(bytes, format, expected);
    }

    private static void checkSize(Size declared, Size expected, ImageFormat format)
            throws ImageSizeException {
        if (expected != null && !declared.equals(expected)) {
            throw new ImageSizeException(
                    format,
                    expected.height(),
                    expected.width(),
                    declared.height(),
                    declared.width());
        }
    }

    /**
     * Decodes with the JDK's ImageIO reader for the format, whatever the file's features; {@code
     * expected} null: any size.
     */
    static Pixels decodeWithImageIo(byte[] bytes, ImageFormat format, Size expected)
            throws UndecodableImageException, ImageSizeException {
        ImageReader reader = (format == ImageFormat.PNG ? PNG_READERS : JPEG_READERS).get();
        // ImageIO's JPEG reader only warns when the data ends early or is corrupt, and fills the
        // rest of the picture with grey: a warning means the pixels are not what was sent.
        List<String> warnings = new ArrayList<>();
        IIOReadWarningListener warningListener = (source, warning) -> warnings.add(warning);
        reader.addIIOReadWarningListener(warningListener);
        BufferedImage image;
        try (ImageInputStream in =
                new MemoryCacheImageInputStream(new ByteArrayInputStream(bytes))) {
            reader.setInput(in, true, true);
            // Reads the header only (PNG's IHDR, JPEG's frame header).
            checkSize(new Size(reader.getHeight(0), reader.getWidth(0)), expected, format);
            image = reader.read(0);
        } catch (IOException | RuntimeException e) {
            // ImageIO's decoders throw IIOException, but also IndexOutOfBounds and friends on
            // corrupt streams: every one of them means the same thing to the caller.
            throw new UndecodableImageException(
                    format
                            + " data could not be decoded ("
                            + bytes.length
                            + " bytes"
                            + diagnosis(bytes, format).map(d -> ", " + d).orElse("")
                            + "): "
                            + e.getMessage(),
                    e);
        } finally {
            reader.removeIIOReadWarningListener(warningListener);
            reader.setInput(null);
        }
        if (!warnings.isEmpty()) {
            boolean truncated =
                    warnings.stream()
                            .anyMatch(w -> w.contains("Truncated") || w.contains("Premature end"));
            throw new UndecodableImageException(
                    format
                            + " data is "
                            + (truncated ? "truncated" : "corrupt")
                            + " ("
                            + bytes.length
                            + " bytes), the image decodes only partly: "
                            + String.join("; ", warnings));
        }
        if (image == null) {
            throw new UndecodableImageException(
                    "No image reader recognises these " + bytes.length + " bytes as " + format);
        }
        return toPixels(image);
    }

    private static final byte[] JPEG_START = {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF};

    /**
     * What the bytes themselves say when a decoder fails, which its own message rarely does: they
     * are another format, or a JPEG cut short (no end-of-image marker).
     */
    private static Optional<String> diagnosis(byte[] bytes, ImageFormat format) {
        Optional<ImageFormat> actual = ImageFormat.detect(bytes);
        if (actual.isPresent() && actual.get() != format) {
            return Optional.of("the bytes are a " + actual.get() + ", not a " + format);
        }
        if (format == ImageFormat.JPEG) {
            boolean startOnly =
                    bytes.length < JPEG_START.length && ImageFormat.startsWith(JPEG_START, bytes);
            boolean noEnd =
                    actual.isPresent()
                            && !(bytes[bytes.length - 2] == (byte) 0xFF
                                    && bytes[bytes.length - 1] == (byte) 0xD9);
            if (startOnly || noEnd) {
                return Optional.of("truncated: no end-of-image marker");
            }
        }
        if (actual.isEmpty()) {
            return Optional.of("they do not start like a " + format);
        }
        return Optional.empty();
    }

    /**
     * One reader per thread and format, found once: {@code ImageIO.read} asks every registered
     * reader whether it recognises the stream, which costs more than decoding a small frame.
     */
    private static final ThreadLocal<ImageReader> PNG_READERS =
            ThreadLocal.withInitial(() -> reader(ImageFormat.PNG));

    private static final ThreadLocal<ImageReader> JPEG_READERS =
            ThreadLocal.withInitial(() -> reader(ImageFormat.JPEG));

    private static ImageReader reader(ImageFormat format) {
        Iterator<ImageReader> readers = ImageIO.getImageReadersByFormatName(format.imageIoName());
        if (!readers.hasNext()) {
            throw new IllegalStateException("This JVM has no " + format + " reader");
        }
        return readers.next();
    }

    /** The decoded image's pixels, read as the class comment says. */
    private static Pixels toPixels(BufferedImage image) {
        int height = image.getHeight();
        int width = image.getWidth();
        ColorModel model = image.getColorModel();
        Raster raster = image.getRaster();
        boolean greySamples =
                !(model instanceof IndexColorModel)
                        && model.getNumComponents() <= 2
                        && raster.getNumBands() == model.getNumComponents();
        if (greySamples) {
            boolean alpha = raster.getNumBands() == 2;
            int channels = alpha ? 4 : 1;
            int greyBits = model.getComponentSize(0);
            int alphaBits = alpha ? model.getComponentSize(1) : 8;
            byte[] data = new byte[height * width * channels];
            int[] grey = new int[width];
            int[] alphas = new int[width];
            int i = 0;
            for (int y = 0; y < height; y++) {
                raster.getSamples(0, y, width, 1, 0, grey);
                if (alpha) {
                    raster.getSamples(0, y, width, 1, 1, alphas);
                }
                for (int x = 0; x < width; x++) {
                    byte g = to8Bits(grey[x], greyBits);
                    data[i++] = g;
                    if (alpha) {
                        data[i++] = g;
                        data[i++] = g;
                        data[i++] = to8Bits(alphas[x], alphaBits);
                    }
                }
            }
            return new Pixels(new ImageShape(height, width, channels), data);
        }
        // Colour and palette images: getRGB gives their exact sRGB values.
        boolean alpha = model.hasAlpha();
        int channels = alpha ? 4 : 3;
        byte[] data = new byte[height * width * channels];
        int[] row = new int[width];
        int i = 0;
        for (int y = 0; y < height; y++) {
            image.getRGB(0, y, width, 1, row, 0, width);
            for (int x = 0; x < width; x++) {
                int argb = row[x];
                data[i++] = (byte) (argb >> 16);
                data[i++] = (byte) (argb >> 8);
                data[i++] = (byte) argb;
                if (alpha) {
                    data[i++] = (byte) (argb >>> 24);
                }
            }
        }
        return new Pixels(new ImageShape(height, width, channels), data);
    }

    /**
     * A sample of {@code bits} bits as 8 bits: 16-bit samples keep their high byte, 1-, 2- and
     * 4-bit ones are stretched to 0..255 (exactly: 255 is a multiple of 1, 3 and 15).
     */
    private static byte to8Bits(int sample, int bits) {
        if (bits == 8) {
            return (byte) sample;
        }
        if (bits > 8) {
            return (byte) (sample >>> (bits - 8));
        }
        return (byte) (sample * 255 / ((1 << bits) - 1));
    }

    private static BufferedImage toBufferedImage(Pixels pixels) {
        ImageShape shape = pixels.shape();
        int height = shape.height();
        int width = shape.width();
        byte[] data = pixels.data();
        switch (shape.channels()) {
            case 1 -> {
                BufferedImage image =
                        new BufferedImage(width, height, BufferedImage.TYPE_BYTE_GRAY);
                byte[] target = ((DataBufferByte) image.getRaster().getDataBuffer()).getData();
                System.arraycopy(data, 0, target, 0, data.length);
                return image;
            }
            case 3 -> {
                BufferedImage image =
                        new BufferedImage(width, height, BufferedImage.TYPE_3BYTE_BGR);
                WritableRaster raster = image.getRaster();
                int[] rgb = new int[3];
                for (int y = 0; y < height; y++) {
                    for (int x = 0; x < width; x++) {
                        int o = (y * width + x) * 3;
                        rgb[0] = data[o] & 0xFF;
                        rgb[1] = data[o + 1] & 0xFF;
                        rgb[2] = data[o + 2] & 0xFF;
                        raster.setPixel(x, y, rgb);
                    }
                }
                return image;
            }
            default ->
                    throw new IllegalArgumentException(
                            "Only 1 or 3 channels can be encoded, got " + shape.channels());
        }
    }

    private static void writeJpeg(BufferedImage image, float quality, ByteArrayOutputStream out)
            throws IOException {
        Iterator<ImageWriter> writers = ImageIO.getImageWritersByFormatName("jpeg");
        if (!writers.hasNext()) {
            throw new IOException("This JVM has no JPEG writer");
        }
        ImageWriter writer = writers.next();
        try (ImageOutputStream stream = ImageIO.createImageOutputStream(out)) {
            writer.setOutput(stream);
            ImageWriteParam param = writer.getDefaultWriteParam();
            param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
            param.setCompressionQuality(quality);
            writer.write(null, new IIOImage(image, null, null), param);
        } finally {
            writer.dispose();
        }
    }
}
