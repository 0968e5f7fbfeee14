package io.resflow.ingest.decode;

/**
 * What an opened stream is: the record headers say it.
 *
 * @param codec FFmpeg's codec name (h264, hevc, mjpeg, ...)
 * @param width pixels
 * @param height pixels
 * @param format the demuxer's name (rtsp, mov,mp4,m4a,3gp,3g2,mj2, mpjpeg, ...)
 */
public record StreamInfo(String codec, int width, int height, String format) {}
