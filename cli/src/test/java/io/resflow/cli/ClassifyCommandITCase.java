package io.resflow.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.resflow.datasets.FashionMnist;
import io.resflow.kafka.embedded.EmbeddedKafkaExtension;
import io.resflow.pipeline.classify.CentroidSavedModel;
import io.resflow.pipeline.kafka.CommittedTopicReader;
import io.resflow.pipeline.kafka.Topics;
import io.resflow.pipeline.replay.CameraFeedReplay;
import io.resflow.pipeline.replay.DatasetFrames;
import io.resflow.pipeline.replay.ReplayReport;
import io.resflow.schema.ImageEncoding;
import io.resflow.schema.Prediction;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * `resflow classify --bounded` on a local cluster against a real broker: what a user sees, the
 * labels, the totals.
 */
class ClassifyCommandITCase {

    private static final int FRAMES = 40;

    @RegisterExtension
    static final EmbeddedKafkaExtension KAFKA =
            new EmbeddedKafkaExtension(b -> b.optTopics(Topics.DEFAULTS.partitions(2, 1)));

    @TempDir static Path model;

    @Test
    void aBoundedRunLabelsWhatIsOnTheTopicAndSaysWhereItsMetricsAre() throws Exception {
        FashionMnist mnist = FashionMnist.atDefaultLocation();
        CentroidSavedModel.export(mnist.load(FashionMnist.Split.TRAIN).head(1_000), model);
        ReplayReport sent =
                CameraFeedReplay.builder()
                        .setBootstrapServers(KAFKA.bootstrapServers())
                        .setFrames(
                                new DatasetFrames(
                                        mnist.load(FashionMnist.Split.TEST).head(FRAMES),
                                        ImageEncoding.PNG))
                        .optCorruptEvery(10)
                        .build()
                        .run();
        long corrupt = sent.corrupt();
        assertThat(corrupt).isPositive();

        PrintStream originalOut = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        int exitCode;
        try {
            System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
            exitCode =
                    ResFlow.commandLine()
                            .execute(
                                    "classify",
                                    "--bootstrap-servers",
                                    KAFKA.bootstrapServers(),
                                    "--model",
                                    model.toString(),
                                    "--bounded",
                                    "--parallelism",
                                    "1",
                                    "--checkpoint-interval",
                                    "500 ms",
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
        assertThat(out)
                .contains("Prometheus metrics: http://127.0.0.1:192")
                .containsPattern(
                        "Job \\S+ finished after \\d+ s: labels="
                                + (FRAMES - corrupt)
                                + " dead_letters="
                                + corrupt);
        try (CommittedTopicReader<Prediction> labels =
                CommittedTopicReader.open(
                        KAFKA.bootstrapServers(), Topics.LABELS, Prediction.class)) {
            labels.awaitCount((int) (FRAMES - corrupt), Duration.ofSeconds(30));
            assertThat(labels.records()).hasSize((int) (FRAMES - corrupt));
        }
    }
}
