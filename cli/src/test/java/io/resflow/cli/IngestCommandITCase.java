package io.resflow.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.resflow.kafka.embedded.EmbeddedKafkaExtension;
import io.resflow.pipeline.kafka.Topics;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code ./resflow ingest} end to end: a video file and a camera file into a real broker. */
class IngestCommandITCase {

    @RegisterExtension
    static final EmbeddedKafkaExtension KAFKA =
            new EmbeddedKafkaExtension(b -> b.optTopic(Topics.IMAGES, 1));

    @TempDir Path dir;

    private record Run(int exitCode, String out, String err) {}

    private static Run run(String... args) {
        CommandLine commandLine = ResFlow.commandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        commandLine.setOut(new PrintWriter(out));
        commandLine.setErr(new PrintWriter(err));
        int exitCode = commandLine.execute(args);
        return new Run(exitCode, out.toString(), err.toString());
    }

    /** Two seconds of FFmpeg's test pattern at 10 fps, H.264, by Debian's ffmpeg. */
    private Path testPattern() throws Exception {
        Path video = dir.resolve("pattern.mp4");
        if (!Files.isExecutable(Path.of("/usr/bin/ffmpeg"))) {
            throw new IllegalStateException(
                    "this test encodes its video with Debian's ffmpeg: apt-get install ffmpeg");
        }
        Process ffmpeg =
                new ProcessBuilder(
                                List.of(
                                        "/usr/bin/ffmpeg",
                                        "-y",
                                        "-loglevel",
                                        "error",
                                        "-f",
                                        "lavfi",
                                        "-i",
                                        "testsrc=size=320x240:rate=10",
                                        "-t",
                                        "2",
                                        "-c:v",
                                        "libx264",
                                        "-pix_fmt",
                                        "yuv420p",
                                        video.toString()))
                        .redirectErrorStream(true)
                        .start();
        String output = new String(ffmpeg.getInputStream().readAllBytes());
        assertThat(ffmpeg.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(ffmpeg.exitValue()).as(output).isZero();
        return video;
    }

    @Test
    void ingestsFilesUntilTheyEndAndReportsPerCamera() throws Exception {
        Path video = testPattern();
        Path cameras = dir.resolve("cameras.txt");
        Files.writeString(cameras, "# the lobby\nlobby=" + video + "\n");
        java.io.ByteArrayOutputStream captured = new java.io.ByteArrayOutputStream();
        java.io.PrintStream original = System.out;
        Run run;
        System.setOut(new java.io.PrintStream(captured, true));
        try {
            run =
                    run(
                            "ingest",
                            "--bootstrap-servers",
                            KAFKA.bootstrapServers(),
                            "--camera",
                            "door=" + video,
                            "--cameras",
                            cameras.toString(),
                            "--fps",
                            "5");
        } finally {
            System.setOut(original);
        }
        String out = captured.toString();
        assertThat(run.exitCode()).as(run.err()).isZero();
        // 2 s at 10 fps decoded, 5 fps kept.
        assertThat(out)
                .contains("INGEST camera=door decoded=20 sent=10 dropped=0")
                .contains("INGEST camera=lobby decoded=20 sent=10 dropped=0");
    }

    @Test
    void noCamerasIsAUserError() {
        Run run = run("ingest", "--bootstrap-servers", KAFKA.bootstrapServers());
        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err()).contains("no cameras: give --camera id=URL");
    }

    @Test
    void aBadCameraSpecIsRefusedWithoutItsPassword() {
        Run run =
                run(
                        "ingest",
                        "--bootstrap-servers",
                        KAFKA.bootstrapServers(),
                        "--camera",
                        "rtsp://admin:s3cret@cam/stream");
        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err()).contains("id=URL").doesNotContain("s3cret");
    }
}
