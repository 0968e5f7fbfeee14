package io.resflow.pipeline.replay;

import java.nio.ByteBuffer;
import java.util.Random;
import java.util.zip.CRC32;

/**
 * The kinds of bad input the replay can plant among good frames, so a demo or a test shows the
 * pipeline routing each to dead letters while it keeps running.
 */
public enum CorruptFrames {
    /** Valid Avro whose image bytes are not a PNG/JPEG (or too short for RAW_U8). */
    UNDECODABLE_IMAGE,
    /** Valid Avro and a valid image, but not the shape it claims. */
    WRONG_SHAPE,
    /** Random bytes instead of an Avro single-object record. */
    NOT_AVRO,
    /**
     * A PNG whose header declares a 20000x20000 image (a decompression bomb: decoded, 400 MB and
     * more), in a record claiming the frame's true size. Frames in other encodings get WRONG_SHAPE.
     */
    OVERSIZED_IMAGE;

    /** The size an {@link #OVERSIZED_IMAGE} declares. */
    static final int OVERSIZED = 20_000;

    /** Which kind the n-th planted frame is: the kinds take turns. */
    public static CorruptFrames forOrdinal(long n) {
        return values()[(int) (n % values().length)];
    }

    /**
     * {@code png} with its header (IHDR) declaring {@code width} x {@code height}, checksum kept
     * valid.
     */
    static byte[] declaringSize(byte[] png, int width, int height) {
        byte[] copy = png.clone();
        ByteBuffer bytes = ByteBuffer.wrap(copy);
        // After the 8-byte signature: IHDR's length (4), type (4), width (4), height (4), 5 more
        // bytes, CRC (4).
        if (copy.length < 33 || bytes.getInt(8) != 13 || bytes.getInt(12) != 0x49484452) {
            throw new IllegalArgumentException("not a PNG starting with its IHDR chunk");
        }
        bytes.putInt(16, width).putInt(20, height);
        CRC32 crc = new CRC32();
        crc.update(copy, 12, 17);
        bytes.putInt(29, (int) crc.getValue());
        return copy;
    }

    static byte[] garbage(Random random, int length) {
        byte[] bytes = new byte[length];
        random.nextBytes(bytes);
        bytes[0] = 0x00; // never the Avro marker byte, never a PNG or JPEG signature
        return bytes;
    }
}
