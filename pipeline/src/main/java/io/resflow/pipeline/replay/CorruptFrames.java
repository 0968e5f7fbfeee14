package io.resflow.pipeline.replay;

import java.util.Random;

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
    NOT_AVRO;

    /** Which kind the n-th planted frame is: the kinds take turns. */
    public static CorruptFrames forOrdinal(long n) {
        return values()[(int) (n % values().length)];
    }

    static byte[] garbage(Random random, int length) {
        byte[] bytes = new byte[length];
        random.nextBytes(bytes);
        bytes[0] = 0x00; // never the Avro marker byte, never a PNG or JPEG signature
        return bytes;
    }
}
