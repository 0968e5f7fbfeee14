package io.resflow.pipeline.classify;

import static org.assertj.core.api.Assertions.assertThat;

import io.resflow.datasets.FashionMnist;
import io.resflow.datasets.LabelledImages;
import io.resflow.kafka.embedded.EmbeddedKafkaExtension;
import io.resflow.pipeline.kafka.CommittedTopicReader;
import io.resflow.pipeline.kafka.Topics;
import io.resflow.pipeline.replay.CameraFeedReplay;
import io.resflow.pipeline.replay.DatasetFrames;
import io.resflow.schema.ImageEncoding;
import io.resflow.schema.Prediction;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Stop the job mid-stream with a savepoint (frames still waiting in half-full batches), start it
 * again from the savepoint, and check a read_committed consumer sees every frame's label exactly
 * once: nothing in flight is lost, nothing is labelled twice.
 */
class ClassifyJobRestartITCase {

    private static final int FRAMES = 1_200;

    @Order(1)
    @RegisterExtension
    static final EmbeddedKafkaExtension KAFKA =
            new EmbeddedKafkaExtension(b -> b.optTopics(Topics.DEFAULTS.partitions(2, 2)));

    @Order(2)
    @RegisterExtension
    static final MiniClusterExtension FLINK =
            new MiniClusterExtension(
                    new MiniClusterResourceConfiguration.Builder()
                            .setNumberTaskManagers(1)
                            .setNumberSlotsPerTaskManager(2)
                            .build());

    @TempDir static Path modelDir;

    @TempDir static Path savepoints;

    @Test
    void restartFromASavepointMidStreamLabelsEveryFrameExactlyOnce() throws Exception {
        FashionMnist mnist = FashionMnist.atDefaultLocation();
        CentroidSavedModel.export(mnist.load(FashionMnist.Split.TRAIN).head(2_000), modelDir);
        // Half the frames go out while the first job runs, the other half from the moment it has
        // stopped, while
        // the second one starts: frames keep coming across the restart whatever the machine's speed
        // (with one
        // replay of all frames, a slow start sometimes had every frame labelled before the stop).
        LabelledImages half = mnist.load(FashionMnist.Split.TEST).head(FRAMES / 2);
        Thread beforeStop = cameras(half, "restart-a");
        Thread afterStop = cameras(half, "restart-b");

        JobClient first = start(null);
        beforeStop.start();
        awaitLabels(100, Duration.ofMinutes(2));
        String savepoint =
                first.stopWithSavepoint(
                                false, savepoints.toUri().toString(), SavepointFormatType.CANONICAL)
                        .get();
        int labelledBeforeStop = readLabels(0, Duration.ofSeconds(1)).size();
        assertThat(labelledBeforeStop)
                .as("the job was stopped mid-stream")
                .isBetween(100, FRAMES / 2);

        afterStop.start();
        JobClient second = start(savepoint);
        beforeStop.join();
        afterStop.join();
        try {
            List<Prediction> labels = awaitLabels(FRAMES, Duration.ofMinutes(3));
            Set<String> ids = new HashSet<>();
            for (Prediction p : labels) {
                assertThat(ids.add(p.getImageId()))
                        .as("label for %s twice", p.getImageId())
                        .isTrue();
            }
            assertThat(ids).hasSize(FRAMES);
        } finally {
            second.cancel().get();
        }
    }

    /** 4 cameras sending {@code frames} at 80 frames/s in all, as run {@code runId}. */
    private static Thread cameras(LabelledImages frames, String runId) {
        CameraFeedReplay replay =
                CameraFeedReplay.builder()
                        .setBootstrapServers(KAFKA.bootstrapServers())
                        .setFrames(new DatasetFrames(frames, ImageEncoding.RAW_U8))
                        .optCameras(4)
                        .optFramesPerSecond(20)
                        .optRunId(runId)
                        .build();
        return new Thread(replay::run, "cameras-" + runId);
    }

    private static JobClient start(String savepoint) throws Exception {
        Configuration conf = new Configuration();
        conf.set(ClassifyJobOptions.BOOTSTRAP_SERVERS, KAFKA.bootstrapServers());
        conf.set(ClassifyJobOptions.MODEL_PATH, modelDir.toString());
        conf.set(ClassifyJobOptions.PARALLELISM, 2);
        conf.set(ClassifyJobOptions.MAX_BATCH_SIZE, 32);
        // A long batch delay keeps frames waiting in half-full batches when the savepoint is taken.
        conf.set(ClassifyJobOptions.MAX_BATCH_DELAY, Duration.ofMillis(200));
        conf.set(ClassifyJobOptions.CHECKPOINT_INTERVAL, Duration.ofMillis(500));
        ClassifyJobConfig config = ClassifyJobConfig.from(conf);
        Configuration cluster = new Configuration();
        if (savepoint != null) {
            cluster.set(StateRecoveryOptions.SAVEPOINT_PATH, savepoint);
        }
        StreamExecutionEnvironment env =
                StreamExecutionEnvironment.getExecutionEnvironment(cluster);
        return ClassifyJob.onKafka(config).executeAsync(env);
    }

    private static List<Prediction> awaitLabels(int atLeast, Duration timeout) {
        List<Prediction> labels = readLabels(atLeast, timeout);
        assertThat(labels).as("labels within %s", timeout).hasSizeGreaterThanOrEqualTo(atLeast);
        return labels;
    }

    /**
     * Labels on the topic: at least {@code atLeast} (or whatever comes within the timeout, for 0).
     */
    private static List<Prediction> readLabels(int atLeast, Duration timeout) {
        try (CommittedTopicReader<Prediction> reader =
                CommittedTopicReader.open(
                        KAFKA.bootstrapServers(), Topics.LABELS, Prediction.class)) {
            if (atLeast == 0) {
                return List.copyOf(reader.pollFor(timeout));
            }
            reader.awaitCount(atLeast, timeout);
            // Duplicates would arrive right behind the count.
            return List.copyOf(reader.pollFor(Duration.ofSeconds(1)));
        }
    }
}
