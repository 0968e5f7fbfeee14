package io.resflow.runtime.images;

import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;

/**
 * Checks that a PNG is whole before it is decoded: every chunk inside the bytes with its CRC right,
 * up to the IEND chunk. Neither decoder does: ImageIO's reader ignores CRCs and a missing IEND, and
 * a flipped bit in compressed data can still inflate to pixels. A camera's dropped connection cuts
 * a frame short; such a frame must be a dead letter, not a label of a picture that is partly not
 * there (issue 17).
 */
final class PngChunks {

    private static final byte[] SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};

    private PngChunks() {}

    /**
     * Returns when {@code png} holds its chunks whole up to IEND (bytes after IEND are ignored, as
     * by every decoder), and when it does not start like a PNG at all (the decoder then says so);
     * no bytes at all, or the start of the signature only, are a PNG cut short.
     *
     * @throws UndecodableImageException the bytes end before IEND (truncated) or a chunk fails its
     *     CRC (corrupt)
     */
    static void checkWhole(byte[] png) throws UndecodableImageException {
        if (png.length < SIGNATURE.length && ImageFormat.startsWith(SIGNATURE, png)) {
            throw truncated(png, "it ends inside the PNG signature");
        }
        if (!ImageFormat.startsWith(png, SIGNATURE)) {
            return;
        }
        CRC32 crc = new CRC32();
        int pos = SIGNATURE.length;
        while (true) {
            if (png.length - pos < 8) {
                throw truncated(png, "it ends at byte " + png.length + " before its IEND chunk");
            }
            int length = readInt(png, pos);
            String type = new String(png, pos + 4, 4, StandardCharsets.ISO_8859_1);
            if (length < 0) {
                throw corrupt(png, "chunk " + printable(type) + " declares a negative length");
            }
            if (type.equals("IEND") && length != 0) {
                throw corrupt(png, "chunk IEND declares " + length + " bytes of data, it has none");
            }
            long end = (long) pos + 12 + length;
            if (end > png.length) {
                throw truncated(
                        png,
                        "chunk "
                                + printable(type)
                                + " at byte "
                                + pos
                                + " needs "
                                + (end - pos)
                                + " bytes, only "
                                + (png.length - pos)
                                + " are left (or its length is corrupt)");
            }
            crc.reset();
            crc.update(png, pos + 4, 4 + length);
            if ((int) crc.getValue() != readInt(png, pos + 8 + length)) {
                throw corrupt(
                        png, "chunk " + printable(type) + " at byte " + pos + " fails its CRC");
            }
            if (type.equals("IEND")) {
                return;
            }
            pos = (int) end;
        }
    }

    private static UndecodableImageException truncated(byte[] png, String detail) {
        return new UndecodableImageException(
                "PNG data is truncated (" + png.length + " bytes): " + detail);
    }

    private static UndecodableImageException corrupt(byte[] png, String detail) {
        return new UndecodableImageException(
                "PNG data is corrupt (" + png.length + " bytes): " + detail);
    }

    /** A chunk type as text, its non-letters escaped: bit flips make any byte. */
    private static String printable(String type) {
        StringBuilder s = new StringBuilder(type.length());
        for (char c : type.toCharArray()) {
            if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z')) {
                s.append(c);
            } else {
                s.append(String.format("\\x%02x", (int) c));
            }
        }
        return s.toString();
    }

    private static int readInt(byte[] b, int at) {
        return (b[at] & 0xFF) << 24
                | (b[at + 1] & 0xFF) << 16
                | (b[at + 2] & 0xFF) << 8
                | (b[at + 3] & 0xFF);
    }
}
