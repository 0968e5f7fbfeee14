package io.resflow.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.resflow.datasets.FashionMnist;
import io.resflow.pipeline.classify.CentroidSavedModel;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's main command end to end in this JVM: embedded broker, local Flink cluster, live
 * view. The model here is a quick real SavedModel (nearest centroids) so the test does not train a
 * ResNet; `.ci/run` runs the demo with its own quickly trained ResNet.
 */
class DemoCommandITCase {

    @TempDir static Path model;

    @Test
    void labelsEveryGoodFrameAndDeadLettersEveryCorruptOne() throws Exception {
        CentroidSavedModel.export(
                FashionMnist.atDefaultLocation().load(FashionMnist.Split.TRAIN).head(3_000), model);
        PrintStream originalOut = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        int exitCode;
        try {
            System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
            exitCode =
                    ResFlow.commandLine()
                            .execute(
                                    "demo",
                                    "--images",
                                    "300",
                                    "--corrupt-every",
                                    "10",
                                    "--model",
                                    model.toString(),
                                    "--fps",
                                    "100",
                                    "--web-port",
                                    "18081-18091",
                                    "--metrics-port",
                                    "19249-19259");
        } finally {
            System.setOut(originalOut);
        }
        String out = captured.toString(StandardCharsets.UTF_8);
        originalOut.print(out);

        assertThat(exitCode).isZero();
        Matcher summary =
                Pattern.compile(
                                "SUMMARY images=(\\d+) labels=(\\d+) dead_letters=(\\d+)"
                                        + " accuracy=([0-9.]+) throughput_ips=([0-9.]+)"
                                        + " p50_ms=([0-9.]+) p99_ms=([0-9.]+)")
                        .matcher(out);
        assertThat(summary.find()).as("a SUMMARY line in:%n%s", out).isTrue();
        assertThat(summary.group(1)).isEqualTo("300");
        assertThat(summary.group(2)).isEqualTo("270");
        assertThat(summary.group(3)).isEqualTo("30");
        assertThat(Double.parseDouble(summary.group(4))).isBetween(0.5, 1.0);
        assertThat(Double.parseDouble(summary.group(5))).isPositive();
        assertThat(out).contains("Prometheus metrics: http://127.0.0.1:192");
        // The job's own counters, scraped from Flink's Prometheus reporter before the job stops.
        assertThat(out)
                .containsPattern("Prometheus: framesIn=\\d+ framesLabelled=270 deadLetters=30 ");
    }

    @Test
    void aJobThatCannotLoadItsModelEndsTheDemoWithTheJobsError(@TempDir Path broken)
            throws Exception {
        CentroidSavedModel.export(
                FashionMnist.atDefaultLocation().load(FashionMnist.Split.TRAIN).head(100), broken);
        // The metadata still reads, so the job is submitted; TensorFlow fails on the graph in every
        // attempt.
        java.nio.file.Files.write(broken.resolve("saved_model.pb"), new byte[] {1, 2, 3, 4});
        PrintStream originalErr = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        int exitCode;
        try {
            System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
            exitCode =
                    ResFlow.commandLine()
                            .execute(
                                    "demo",
                                    "--images",
                                    "20",
                                    "--model",
                                    broken.toString(),
                                    "--web-port",
                                    "18081-18091",
                                    "--metrics-port",
                                    "19249-19259");
        } finally {
            System.setErr(originalErr);
        }
        String err = captured.toString(StandardCharsets.UTF_8);
        originalErr.print(err);

        assertThat(exitCode).isEqualTo(1);
        // Not "did not start within 2 minutes": the job's own failure, once its restarts are used
        // up.
        assertThat(err).contains("resflow demo: the classify job ended before it ran:");
    }
}
