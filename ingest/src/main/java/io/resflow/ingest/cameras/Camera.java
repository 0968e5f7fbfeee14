package io.resflow.ingest.cameras;

import java.util.regex.Pattern;

/**
 * One camera: its id (the Kafka key and the records' source) and where to read it. The URL may
 * carry credentials; {@link #safeUrl()} is the form for logs, headers and metrics.
 *
 * @param id letters, digits, {@code . _ -}; 1..128 characters
 * @param url {@code rtsp://}, {@code rtsps://}, {@code http(s)://} or a file path / {@code file:}
 *     URL
 */
public record Camera(String id, String url) {

    private static final Pattern ID = Pattern.compile("[A-Za-z0-9._-]{1,128}");

    public Camera {
        if (id == null || !ID.matcher(id).matches()) {
            throw new IllegalArgumentException(
                    "a camera id is 1..128 letters, digits, '.', '_' or '-', got '" + id + "'");
        }
        if (url == null || url.isBlank()) {
            throw new IllegalArgumentException("camera " + id + " has no URL");
        }
    }

    /** The URL without user name or password. */
    public String safeUrl() {
        return Urls.redact(url);
    }

    /** True for video files, which {@code --loop} replays and which are read at their own pace. */
    public boolean isFile() {
        return Urls.isFile(url);
    }

    @Override
    public String toString() {
        // Records print their fields; this one must never print the credentials.
        return "Camera[id=" + id + ", url=" + safeUrl() + "]";
    }
}
