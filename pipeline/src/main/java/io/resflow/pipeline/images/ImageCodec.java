package io.resflow.pipeline.images;

import io.resflow.schema.ImageEncoding;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.awt.image.WritableRaster;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Iterator;
import java.util.Objects;
import java.util.Optional;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.ImageOutputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;

/**
 * Converts between 8-bit pixels (row-major HWC, the layout of {@code RAW_U8}) and the encodings an
 * {@code ImageRecord} may carry, using the JDK's ImageIO codecs for PNG and JPEG (plain 8-bit PNGs,
 * the common case for camera frames, take a shorter path: {@link PlainPngDecoder}).
 */
public final class ImageCodec {

    static {
        // ImageIO buffers streams in temporary files by default; for images already in memory that
        // costs a file per decode and dominates the time of small frames.
        ImageIO.setUseCache(false);
    }

    private ImageCodec() {}

    /** Encodes HWC pixels (1 or 3 channels) as PNG, JPEG (quality 0..1) or RAW_U8. */
    public static byte[] encode(
            byte[] pixels,
            int height,
            int width,
            int channels,
            ImageEncoding encoding,
            float jpegQuality) {
        if (pixels.length != height * width * channels) {
            throw new IllegalArgumentException(
                    height
                            + "x"
                            + width
                            + "x"
                            + channels
                            + " needs "
                            + height * width * channels
                            + " bytes, got "
                            + pixels.length);
        }
        if (encoding == ImageEncoding.RAW_U8) {
            return pixels.clone();
        }
        BufferedImage image = toBufferedImage(pixels, height, width, channels);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            if (encoding == ImageEncoding.PNG) {
                ImageIO.write(image, "png", out);
            } else {
                writeJpeg(image, jpegQuality, out);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Could not encode " + encoding, e);
        }
        return out.toByteArray();
    }

    /** A decoded image: pixels row-major HWC with the image's own channel count (1, 3 or 4). */
    public record Pixels(int height, int width, int channels, byte[] data) {}

    /** An image's height and width in pixels. */
    public record Size(int height, int width) {
        @Override
        public String toString() {
            return height + "x" + width;
        }
    }

    /**
     * Decodes PNG or JPEG bytes of any size, for images from a trusted place (a local folder).
     * Throws {@link UndecodableImageException} naming the problem when the bytes are not a readable
     * image.
     */
    public static Pixels decode(byte[] bytes, ImageEncoding encoding)
            throws UndecodableImageException {
        try {
            return decodeAnySize(bytes, encoding, null);
        } catch (ImageSizeException e) {
            throw new IllegalStateException("no size was expected", e);
        }
    }

    /**
     * Decodes PNG or JPEG bytes that must hold an image of {@code expected} size, checked in the
     * image's header before any pixel is decoded: a stream of a few kilobytes can declare a
     * 20000x20000 image, and decoding it would take the heap of the job that reads it.
     *
     * @throws ImageSizeException the header declares another size
     * @throws UndecodableImageException the bytes are not a readable image
     */
    public static Pixels decode(byte[] bytes, ImageEncoding encoding, Size expected)
            throws UndecodableImageException, ImageSizeException {
        return decodeAnySize(bytes, encoding, Objects.requireNonNull(expected, "expected size"));
    }

    /** {@code expected} null: any size. */
    private static Pixels decodeAnySize(byte[] bytes, ImageEncoding encoding, Size expected)
            throws UndecodableImageException, ImageSizeException {
        if (encoding == ImageEncoding.RAW_U8) {
            throw new IllegalArgumentException(
                    "RAW_U8 has no header to decode; its shape comes from the record");
        }
        if (encoding == ImageEncoding.PNG) {
            Optional<Size> declared = PlainPngDecoder.headerSize(bytes);
            if (declared.isPresent()) {
                checkSize(declared.get(), expected, encoding);
                Optional<Pixels> plain = PlainPngDecoder.decode(bytes);
                if (plain.isPresent()) {
                    return plain.get();
                }
            }
        }
        return decodeWithImageIo(bytes, encoding, expected);
    }

    private static void checkSize(Size declared, Size expected, ImageEncoding encoding)
            throws ImageSizeException {
        if (expected != null && !declared.equals(expected)) {
            throw new ImageSizeException(
                    "the record claims "
                            + expected
                            + " but its "
                            + encoding
                            + " header says "
                            + declared);
        }
    }

    /**
     * Decodes with the JDK's ImageIO reader for the format, whatever the file's features; {@code
     * expected} null: any size.
     */
    static Pixels decodeWithImageIo(byte[] bytes, ImageEncoding encoding, Size expected)
            throws UndecodableImageException, ImageSizeException {
        ImageReader reader = (encoding == ImageEncoding.PNG ? PNG_READERS : JPEG_READERS).get();
        BufferedImage image;
        try (ImageInputStream in =
                new MemoryCacheImageInputStream(new ByteArrayInputStream(bytes))) {
            reader.setInput(in, true, true);
            // Reads the header only (PNG's IHDR, JPEG's frame header).
            checkSize(new Size(reader.getHeight(0), reader.getWidth(0)), expected, encoding);
            image = reader.read(0);
        } catch (IOException | RuntimeException e) {
            // ImageIO's decoders throw IIOException, but also IndexOutOfBounds and friends on
            // corrupt streams: every one of them means the same thing to the caller.
            throw new UndecodableImageException(
                    encoding
                            + " data could not be decoded ("
                            + bytes.length
                            + " bytes): "
                            + e.getMessage(),
                    e);
        } finally {
            reader.setInput(null);
        }
        if (image == null) {
            throw new UndecodableImageException(
                    "No image reader recognises these " + bytes.length + " bytes as " + encoding);
        }
        return toPixels(image);
    }

    /**
     * One reader per thread and format, found once: {@code ImageIO.read} asks every registered
     * reader whether it recognises the stream, which costs more than decoding a small frame.
     */
    private static final ThreadLocal<ImageReader> PNG_READERS =
            ThreadLocal.withInitial(() -> reader("png"));

    private static final ThreadLocal<ImageReader> JPEG_READERS =
            ThreadLocal.withInitial(() -> reader("jpeg"));

    private static ImageReader reader(String format) {
        Iterator<ImageReader> readers = ImageIO.getImageReadersByFormatName(format);
        if (!readers.hasNext()) {
            throw new IllegalStateException("This JVM has no " + format + " reader");
        }
        return readers.next();
    }

    private static Pixels toPixels(BufferedImage image) {
        int height = image.getHeight();
        int width = image.getWidth();
        if (image.getType() == BufferedImage.TYPE_BYTE_GRAY) {
            byte[] data = new byte[height * width];
            image.getRaster().getDataElements(0, 0, width, height, data);
            return new Pixels(height, width, 1, data);
        }
        boolean alpha = image.getColorModel().hasAlpha();
        int channels = alpha ? 4 : 3;
        byte[] data = new byte[height * width * channels];
        int i = 0;
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                int argb = image.getRGB(x, y);
                data[i++] = (byte) (argb >> 16);
                data[i++] = (byte) (argb >> 8);
                data[i++] = (byte) argb;
                if (alpha) {
                    data[i++] = (byte) (argb >>> 24);
                }
            }
        }
        return new Pixels(height, width, channels, data);
    }

    private static BufferedImage toBufferedImage(
            byte[] pixels, int height, int width, int channels) {
        switch (channels) {
            case 1 -> {
                BufferedImage image =
                        new BufferedImage(width, height, BufferedImage.TYPE_BYTE_GRAY);
                byte[] target = ((DataBufferByte) image.getRaster().getDataBuffer()).getData();
                System.arraycopy(pixels, 0, target, 0, pixels.length);
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
                        rgb[0] = pixels[o] & 0xFF;
                        rgb[1] = pixels[o + 1] & 0xFF;
                        rgb[2] = pixels[o + 2] & 0xFF;
                        raster.setPixel(x, y, rgb);
                    }
                }
                return image;
            }
            default ->
                    throw new IllegalArgumentException(
                            "Only 1 or 3 channels can be encoded, got " + channels);
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
