package io.resflow.runtime.images;

import io.resflow.datasets.ImageShape;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * Decodes the plain PNGs that cameras and the replay send (8-bit grey or RGB, not interlaced, no
 * transparency or colour-management chunks) straight from the zlib stream. For a 28x28 frame
 * ImageIO spends most of its time setting up streams, metadata and a {@code BufferedImage}, not
 * decoding; this path skips that. Every other PNG returns empty and is left to ImageIO, so the
 * result is always what ImageIO would give (ImageCodecTest compares the two).
 */
final class PlainPngDecoder {

    private static final byte[] SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};

    /** Larger frames are rare on this path and not worth a second code path's risk. */
    private static final long MAX_PIXELS = 16L << 20;

    private static final ThreadLocal<Inflater> INFLATERS = ThreadLocal.withInitial(Inflater::new);

    private PlainPngDecoder() {}

    /**
     * The size a PNG's header (its first chunk, IHDR) declares, read without decoding anything;
     * empty when the bytes do not start like a PNG.
     */
    static Optional<ImageCodec.Size> headerSize(byte[] png) {
        int ihdr = SIGNATURE.length;
        if (png.length < ihdr + 16
                || !startsWithSignature(png)
                || readInt(png, ihdr) != 13
                || !new String(png, ihdr + 4, 4, StandardCharsets.ISO_8859_1).equals("IHDR")) {
            return Optional.empty();
        }
        return Optional.of(new ImageCodec.Size(readInt(png, ihdr + 12), readInt(png, ihdr + 8)));
    }

    /**
     * The pixels of a plain PNG, empty when the file uses anything this path leaves to ImageIO.
     *
     * @throws UndecodableImageException the file is plain but broken (truncated, bad filter, bad
     *     zlib data)
     */
    static Optional<Pixels> decode(byte[] png) throws UndecodableImageException {
        if (png.length < SIGNATURE.length + 25 || !startsWithSignature(png)) {
            return Optional.empty();
        }
        int pos = SIGNATURE.length;
        int width = 0;
        int height = 0;
        int channels = 0;
        int idatStart = -1;
        int idatLength = 0;
        byte[] idat = null;
        boolean sawEnd = false;
        while (pos + 8 <= png.length) {
            int length = readInt(png, pos);
            String type = new String(png, pos + 4, 4, StandardCharsets.ISO_8859_1);
            int data = pos + 8;
            if (length < 0 || (long) data + length + 4 > png.length) {
                return Optional.empty(); // let ImageIO name the problem
            }
            if (pos == SIGNATURE.length) {
                if (!type.equals("IHDR") || length != 13) {
                    return Optional.empty();
                }
                width = readInt(png, data);
                height = readInt(png, data + 4);
                int bitDepth = png[data + 8];
                int colourType = png[data + 9];
                int compression = png[data + 10];
                int filterMethod = png[data + 11];
                int interlace = png[data + 12];
                channels = colourType == 0 ? 1 : colourType == 2 ? 3 : 0;
                if (bitDepth != 8
                        || channels == 0
                        || compression != 0
                        || filterMethod != 0
                        || interlace != 0
                        || width <= 0
                        || height <= 0
                        || (long) width * height > MAX_PIXELS) {
                    return Optional.empty();
                }
            } else if (type.equals("IDAT")) {
                if (idat == null && idatStart < 0) {
                    idatStart = data;
                    idatLength = length;
                } else {
                    // Several IDAT chunks: join them (rare for small frames).
                    if (idat == null) {
                        idat = new byte[idatLength];
                        System.arraycopy(png, idatStart, idat, 0, idatLength);
                    }
                    byte[] joined = new byte[idat.length + length];
                    System.arraycopy(idat, 0, joined, 0, idat.length);
                    System.arraycopy(png, data, joined, idat.length, length);
                    idat = joined;
                }
            } else if (type.equals("IEND")) {
                sawEnd = true;
                break;
            } else if (type.equals("tRNS")
                    || type.equals("iCCP")
                    || type.equals("gAMA")
                    || type.equals("cHRM")
                    || type.equals("sRGB")
                    || type.equals("sBIT")
                    || type.equals("PLTE")
                    || Character.isUpperCase(type.charAt(0))) {
                // Transparency, colour management or an unknown critical chunk: ImageIO's business.
                return Optional.empty();
            }
            pos = data + length + 4;
        }
        if (!sawEnd || (idat == null && idatStart < 0)) {
            return Optional.empty();
        }
        int stride = width * channels;
        byte[] filtered = new byte[(stride + 1) * height];
        Inflater inflater = INFLATERS.get();
        inflater.reset();
        if (idat != null) {
            inflater.setInput(idat);
        } else {
            inflater.setInput(png, idatStart, idatLength);
        }
        try {
            int filled = 0;
            while (filled < filtered.length) {
                int n = inflater.inflate(filtered, filled, filtered.length - filled);
                if (n == 0
                        && (inflater.finished()
                                || inflater.needsInput()
                                || inflater.needsDictionary())) {
                    throw new UndecodableImageException(
                            "PNG data could not be decoded ("
                                    + png.length
                                    + " bytes): the image data ends after "
                                    + filled
                                    + " of "
                                    + filtered.length
                                    + " bytes");
                }
                filled += n;
            }
        } catch (DataFormatException e) {
            throw new UndecodableImageException(
                    "PNG data could not be decoded ("
                            + png.length
                            + " bytes): corrupt compressed data: "
                            + e.getMessage(),
                    e);
        }
        return Optional.of(
                new Pixels(
                        new ImageShape(height, width, channels),
                        unfilter(filtered, height, stride, channels)));
    }

    /**
     * Undoes PNG's per-row filters (none, sub, up, average, Paeth); {@code bpp} is bytes per pixel.
     */
    private static byte[] unfilter(byte[] filtered, int height, int stride, int bpp)
            throws UndecodableImageException {
        byte[] out = new byte[height * stride];
        for (int y = 0; y < height; y++) {
            int in = y * (stride + 1);
            int filter = filtered[in++];
            int row = y * stride;
            int above = row - stride;
            for (int x = 0; x < stride; x++) {
                int a = x >= bpp ? out[row + x - bpp] & 0xFF : 0;
                int b = y > 0 ? out[above + x] & 0xFF : 0;
                int c = x >= bpp && y > 0 ? out[above + x - bpp] & 0xFF : 0;
                int raw = filtered[in + x] & 0xFF;
                int value =
                        switch (filter) {
                            case 0 -> raw;
                            case 1 -> raw + a;
                            case 2 -> raw + b;
                            case 3 -> raw + ((a + b) >>> 1);
                            case 4 -> raw + paeth(a, b, c);
                            default ->
                                    throw new UndecodableImageException(
                                            "PNG data could not be decoded: row "
                                                    + y
                                                    + " has unknown filter type "
                                                    + filter);
                        };
                out[row + x] = (byte) value;
            }
        }
        return out;
    }

    private static int paeth(int a, int b, int c) {
        int p = a + b - c;
        int pa = Math.abs(p - a);
        int pb = Math.abs(p - b);
        int pc = Math.abs(p - c);
        return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
    }

    private static boolean startsWithSignature(byte[] png) {
        return ImageFormat.startsWith(png, SIGNATURE);
    }

    private static int readInt(byte[] b, int at) {
        return (b[at] & 0xFF) << 24
                | (b[at + 1] & 0xFF) << 16
                | (b[at + 2] & 0xFF) << 8
                | (b[at + 3] & 0xFF);
    }
}
