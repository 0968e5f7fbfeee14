package io.resflow.ingest.decode;

import io.resflow.runtime.images.Pixels;

/**
 * One decoded video frame, RGB.
 *
 * @param pixels the image, 3 channels
 * @param streamSeconds the frame's time on the stream's own clock (pts), for sampling; arrival time
 *     for streams without timestamps
 * @param captureTimeMillis wall-clock capture time: from the stream's clock where it maps to real
 *     time (RTSP with RTCP sender reports), else the time the frame arrived
 * @param clock which of the two {@code captureTimeMillis} is
 */
public record DecodedFrame(
        Pixels pixels, double streamSeconds, long captureTimeMillis, CaptureClock clock) {

    /** Where a frame's capture time comes from; sent in the {@code captureClock} header. */
    public enum CaptureClock {
        /** The camera's RTCP sender report (NTP wall clock) plus the frame's RTP timestamp. */
        RTCP_NTP,
        /** When ingest decoded the frame: files, MJPEG and RTSP before its first sender report. */
        ARRIVAL
    }
}
