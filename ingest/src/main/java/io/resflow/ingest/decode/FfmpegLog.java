package io.resflow.ingest.decode;

import static org.bytedeco.ffmpeg.global.avutil.AV_LOG_ERROR;
import static org.bytedeco.ffmpeg.global.avutil.AV_LOG_WARNING;
import static org.bytedeco.ffmpeg.global.avutil.av_log_set_level;
import static org.bytedeco.ffmpeg.global.avutil.setLogCallback;

import io.resflow.ingest.cameras.Urls;
import java.nio.charset.StandardCharsets;
import org.bytedeco.ffmpeg.avutil.LogCallback;
import org.bytedeco.javacpp.BytePointer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * FFmpeg's own log lines go through SLF4J instead of stderr, with any URL credentials removed
 * (FFmpeg quotes URLs in some messages): errors at WARN, warnings at DEBUG (H.264 over UDP warns
 * about every lost packet).
 */
final class FfmpegLog extends LogCallback {

    private static final Logger LOG = LoggerFactory.getLogger("io.resflow.ingest.ffmpeg");
    private static final FfmpegLog INSTANCE = new FfmpegLog();
    private static boolean installed;

    private FfmpegLog() {}

    static synchronized void install() {
        if (!installed) {
            av_log_set_level(AV_LOG_WARNING);
            setLogCallback(INSTANCE);
            installed = true;
        }
    }

    @Override
    public void call(int level, BytePointer message) {
        String line = Urls.redactText(message.getString(StandardCharsets.UTF_8)).strip();
        if (line.isEmpty()) {
            return;
        }
        if (level <= AV_LOG_ERROR) {
            LOG.warn("ffmpeg: {}", line);
        } else {
            LOG.debug("ffmpeg: {}", line);
        }
    }
}
