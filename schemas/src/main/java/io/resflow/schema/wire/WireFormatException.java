package io.resflow.schema.wire;

import java.util.Optional;

/**
 * Bytes that are not a record this reader can decode. {@link #problem()} says which of the three
 * ways it failed, so callers can route the bytes (e.g. to a dead-letter topic) by kind.
 */
public final class WireFormatException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** How the bytes failed to decode. */
    public enum Problem {
        /**
         * No Avro single-object header (marker {@code C3 01} + 8-byte fingerprint): not our wire
         * format.
         */
        NOT_SINGLE_OBJECT_ENCODED,
        /**
         * A well-formed header whose schema fingerprint is none of the reader's released versions.
         */
        UNKNOWN_SCHEMA_FINGERPRINT,
        /** A known schema, but the body does not decode with it (truncated or corrupted bytes). */
        CORRUPT_PAYLOAD
    }

    private final Problem problem;
    private final Long fingerprint;

    WireFormatException(Problem problem, Long fingerprint, String message, Throwable cause) {
        super(message, cause);
        this.problem = problem;
        this.fingerprint = fingerprint;
    }

    public Problem problem() {
        return problem;
    }

    /** The schema fingerprint the header named, when there was a header. */
    public Optional<Long> fingerprint() {
        return Optional.ofNullable(fingerprint);
    }

    static String hex(long fingerprint) {
        return String.format("0x%016x", fingerprint);
    }
}
