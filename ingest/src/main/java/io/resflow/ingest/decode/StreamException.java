package io.resflow.ingest.decode;

/**
 * A stream failed; {@link #kind()} is the metric label and says whether reconnecting can help.
 * Messages never contain credentials (they name the camera by its redacted URL).
 */
public final class StreamException extends Exception {

    private static final long serialVersionUID = 1L;

    /** What went wrong, as the {@code kind} label of {@code resflow_ingest_stream_errors_total}. */
    public enum Kind {
        /** Could not connect or open: wrong host, refused, timed out, 404, not a media file. */
        OPEN_FAILED,
        /** The source has no video stream. */
        NO_VIDEO,
        /** FFmpeg has no decoder for the stream's codec. */
        UNSUPPORTED_CODEC,
        /**
         * Reading or decoding failed mid-stream: a dropped connection, a truncated file, garbage.
         */
        READ_FAILED,
        /** The stream stopped sending within the read timeout. */
        TIMED_OUT;

        public String label() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    private final Kind kind;

    public StreamException(Kind kind, String message) {
        super(message);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }
}
