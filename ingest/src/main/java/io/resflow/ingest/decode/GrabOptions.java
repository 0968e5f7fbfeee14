package io.resflow.ingest.decode;

import java.time.Duration;

/**
 * How to open a stream.
 *
 * @param rtspTransport {@code tcp} or {@code udp}
 * @param timeout how long opening or a read may block before the stream counts as gone
 * @param realTime read files at their own frame rate, as a camera would send them
 */
public record GrabOptions(String rtspTransport, Duration timeout, boolean realTime) {

    public GrabOptions {
        if (!"tcp".equals(rtspTransport) && !"udp".equals(rtspTransport)) {
            throw new IllegalArgumentException(
                    "RTSP transport is tcp or udp, got '" + rtspTransport + "'");
        }
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("the stream timeout must be positive");
        }
    }
}
