package io.resflow.ingest.decode;

/**
 * A source of decoded frames: one opened camera stream or file. Used by one thread, except {@link
 * #interrupt()}, which any thread may call to end a blocked {@link #grab()}.
 */
public interface FrameGrabber extends AutoCloseable {

    /** The stream as opened. */
    StreamInfo info();

    /**
     * The next decoded frame, or null at the end of a file (live streams have no end: they fail).
     *
     * @throws StreamException the stream broke, timed out or is undecodable
     */
    DecodedFrame grab() throws StreamException;

    /** Makes a blocked or later {@link #grab()} return null soon; safe from any thread. */
    void interrupt();

    /** Frees the stream; by the thread that grabs, after its last {@link #grab()}. */
    @Override
    void close();

    /** Opens grabbers; the FFmpeg one in production, fakes in tests. */
    @FunctionalInterface
    interface Opener {
        FrameGrabber open(String url, GrabOptions options) throws StreamException;
    }
}
