package io.resflow.ingest.servers;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The Debian packages the ingest tests use as real servers and encoders. Missing ones fail the test
 * with the command that installs them: a skipped server test would pass CI without testing.
 */
public final class Prerequisites {

    public static final String PYTHON = "/usr/bin/python3";
    public static final String FFMPEG = "/usr/bin/ffmpeg";

    private static final String INSTALL =
            "apt-get install ffmpeg gstreamer1.0-rtsp gir1.2-gst-rtsp-server-1.0 python3-gi"
                    + " gstreamer1.0-plugins-base gstreamer1.0-plugins-good"
                    + " gstreamer1.0-plugins-bad gstreamer1.0-plugins-ugly (.ci/run installs them)";

    private Prerequisites() {}

    public static void requireFfmpeg() {
        if (!Files.isExecutable(Path.of(FFMPEG))) {
            throw new IllegalStateException(
                    "The ingest tests encode their H.264 videos with Debian's ffmpeg, and "
                            + FFMPEG
                            + " is missing. Install: "
                            + INSTALL);
        }
    }

    public static void requireGstreamerRtspServer() {
        String check =
                "import gi\n"
                        + "gi.require_version('Gst', '1.0')\n"
                        + "gi.require_version('GstRtspServer', '1.0')\n"
                        + "from gi.repository import Gst, GstRtspServer\n"
                        + "Gst.init(None)\n"
                        + "missing = [e for e in ['filesrc', 'qtdemux', 'h264parse', 'rtph264pay']"
                        + " if Gst.ElementFactory.find(e) is None]\n"
                        + "assert not missing, 'missing GStreamer elements: %s' % missing\n";
        String problem;
        try {
            Process process =
                    new ProcessBuilder(List.of(PYTHON, "-c", check))
                            .redirectErrorStream(true)
                            .start();
            String output = new String(process.getInputStream().readAllBytes());
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                problem = "the check did not finish";
            } else {
                problem = process.exitValue() == 0 ? null : output.strip();
            }
        } catch (IOException e) {
            problem = PYTHON + " could not run: " + e.getMessage();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            problem = "interrupted";
        }
        if (problem != null) {
            throw new IllegalStateException(
                    "The RTSP tests serve their video with GStreamer's RTSP server from Python,"
                            + " which is not usable here: "
                            + problem
                            + "\nInstall: "
                            + INSTALL);
        }
    }
}
