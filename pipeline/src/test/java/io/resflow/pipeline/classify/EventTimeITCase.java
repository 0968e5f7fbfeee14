package io.resflow.pipeline.classify;

import static org.assertj.core.api.Assertions.assertThat;

import io.resflow.datasets.FashionMnist;
import io.resflow.kafka.embedded.EmbeddedKafkaExtension;
import io.resflow.pipeline.kafka.CommittedTopicReader;
import io.resflow.pipeline.kafka.Topics;
import io.resflow.pipeline.metrics.PipelineMetrics;
import io.resflow.pipeline.replay.DatasetFrames;
import io.resflow.pipeline.replay.Frame;
import io.resflow.schema.ImageEncoding;
import io.resflow.schema.ImageRecord;
import io.resflow.schema.LabelStats;
import io.resflow.schema.Prediction;
import io.resflow.schema.wire.SingleObjectCodec;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.runtime.testutils.InMemoryReporter;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * One camera whose clock runs three hours ahead must not make the other cameras late (their frames
 * would be labelled but dropped from label-stats windows): neither a camera in its own Kafka
 * partition, nor one read by the same subtask from another partition. The dangerous moment is when
 * the other partitions are idle, so that the fast camera's partition alone sets the watermark. Nor
 * may the fast camera stop the job: a broker refuses records stamped more than an hour ahead, so
 * the outputs must not carry the capture time as their Kafka timestamp. A frame that is really too
 * late for its window is labelled and counted as {@code lateForStats}.
 */
class EventTimeITCase {

    private static final int AHEAD = 30;

    /** Frames per on-time camera. */
    private static final int ON_TIME = 30;

    private static final String SHARES_PARTITION = "shares-partition";
    private static final String OWN_PARTITION = "own-partition";
    private static final Duration IDLENESS = Duration.ofSeconds(2);

    @Order(1)
    @RegisterExtension
    static final EmbeddedKafkaExtension KAFKA =
            new EmbeddedKafkaExtension(b -> b.optTopics(Topics.DEFAULTS.partitions(2, 1)));

    private static final InMemoryReporter METRICS = InMemoryReporter.createWithRetainedMetrics();

    @Order(2)
    @RegisterExtension
    static final MiniClusterExtension FLINK =
            new MiniClusterExtension(
                    new MiniClusterResourceConfiguration.Builder()
                            .setConfiguration(METRICS.addToConfiguration(new Configuration()))
                            .setNumberTaskManagers(1)
                            .setNumberSlotsPerTaskManager(1)
                            .build());

    @TempDir static Path modelDir;

    @Test
    void aCameraWithItsClockAheadDoesNotMakeTheOthersLate() throws Exception {
        FashionMnist mnist = FashionMnist.atDefaultLocation();
        CentroidSavedModel.export(mnist.load(FashionMnist.Split.TRAIN).head(1_000), modelDir);
        DatasetFrames frames =
                new DatasetFrames(
                        mnist.load(FashionMnist.Split.TEST).head(AHEAD + 2 * ON_TIME + 1),
                        ImageEncoding.PNG);

        Configuration conf = new Configuration();
        conf.set(ClassifyJobOptions.BOOTSTRAP_SERVERS, KAFKA.bootstrapServers());
        conf.set(ClassifyJobOptions.MODEL_PATH, modelDir.toString());
        conf.set(ClassifyJobOptions.PARALLELISM, 1); // one subtask reads both partitions
        conf.set(ClassifyJobOptions.CHECKPOINT_INTERVAL, Duration.ofMillis(500));
        conf.set(ClassifyJobOptions.IDLENESS, IDLENESS);
        conf.set(ClassifyJobOptions.STATS_WINDOW, Duration.ofSeconds(5));
        ClassifyJobConfig config = ClassifyJobConfig.from(conf);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        JobClient job = ClassifyJob.onKafka(config).executeAsync(env);

        try (KafkaProducer<byte[], byte[]> producer = producer();
                CommittedTopicReader<Prediction> labels =
                        CommittedTopicReader.open(
                                KAFKA.bootstrapServers(), Topics.LABELS, Prediction.class);
                CommittedTopicReader<LabelStats> stats =
                        CommittedTopicReader.open(
                                KAFKA.bootstrapServers(), Topics.LABEL_STATS, LabelStats.class)) {
            // Partition 0: a camera three hours ahead. Its frames are labelled before any other
            // camera sends.
            Instant ahead = Instant.now().plus(Duration.ofHours(3));
            int n = 0;
            for (int i = 0; i < AHEAD; i++) {
                send(producer, 0, "ahead", i, frames.frame(n++), ahead.plusMillis(100L * i));
            }
            labels.awaitCount(AHEAD, Duration.ofMinutes(2));
            // Frames are labelled, so the scorer has loaded the model: score-images, which owns
            // the scorer, reports modelLoaded 1 under the model's name and version.
            assertThat(METRICS.findMetrics(job.getJobID(), PipelineMetrics.MODEL_LOADED).entrySet())
                    .singleElement()
                    .satisfies(
                            loaded -> {
                                assertThat(loaded.getKey())
                                        .contains("score-images")
                                        .contains(
                                                PipelineMetrics.MODEL_NAME_GROUP
                                                        + "."
                                                        + config.metadata().name()
                                                        + "."
                                                        + PipelineMetrics.MODEL_VERSION_GROUP
                                                        + "."
                                                        + config.metadata().version());
                                assertThat(((Gauge<?>) loaded.getValue()).getValue()).isEqualTo(1);
                            });
            // Partition 1 has had no frames for longer than the idle timeout: partition 0 alone
            // sets the watermark.
            Thread.sleep(3 * IDLENESS.toMillis());

            // Then on-time cameras, captured as they send: first one in the fast camera's
            // partition, then one
            // in the idle partition.
            for (int i = 0; i < ON_TIME; i++) {
                send(producer, 0, SHARES_PARTITION, i, frames.frame(n++), Instant.now());
            }
            labels.awaitCount(AHEAD + ON_TIME, Duration.ofMinutes(1));
            for (int i = 0; i < ON_TIME; i++) {
                send(producer, 1, OWN_PARTITION, i, frames.frame(n++), Instant.now());
            }
            labels.awaitCount(AHEAD + 2 * ON_TIME, Duration.ofMinutes(1));

            // Every on-time frame of both cameras is counted in a fired window: none was late. A
            // window fires
            // once later frames move the watermark past it (idle partitions move none), so a camera
            // in each
            // partition keeps sending one frame a second, as real cameras do.
            int ticks = 0;
            for (String camera : new String[] {SHARES_PARTITION, OWN_PARTITION}) {
                long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
                long counted = 0;
                while (counted < ON_TIME && System.nanoTime() < deadline) {
                    for (int partition = 0; partition < 2; partition++) {
                        send(
                                producer,
                                partition,
                                "ticker-" + partition,
                                ticks,
                                frames.frame(ticks % AHEAD),
                                Instant.now());
                    }
                    ticks++;
                    stats.pollFor(Duration.ofSeconds(1));
                    Map<Instant, Long> lastPerWindow = new HashMap<>();
                    stats.records().stream()
                            .filter(s -> s.getSource().equals(camera))
                            .forEach(s -> lastPerWindow.put(s.getWindowStart(), s.getTotal()));
                    counted = lastPerWindow.values().stream().mapToLong(Long::longValue).sum();
                }
                assertThat(counted)
                        .as(
                                "frames of camera %s counted in label-stats windows (%s late for"
                                        + " stats)",
                                camera, lateForStats(job))
                        .isEqualTo(ON_TIME);
            }
            assertThat(lateForStats(job)).as("frames late for label-stats").isZero();

            // Ten minutes behind the clock, far past the allowed 30 s: labelled, and counted as
            // late.
            send(
                    producer,
                    1,
                    OWN_PARTITION,
                    ON_TIME,
                    frames.frame(n),
                    Instant.now().minusSeconds(600));
            labels.awaitCount(AHEAD + 2 * ON_TIME + 2 * ticks + 1, Duration.ofMinutes(1));
            long lateDeadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (lateForStats(job) < 1 && System.nanoTime() < lateDeadline) {
                Thread.sleep(200);
            }
            assertThat(lateForStats(job)).isEqualTo(1);
        } finally {
            job.cancel().get();
        }
    }

    private static void send(
            KafkaProducer<byte[], byte[]> producer,
            int partition,
            String camera,
            int n,
            Frame frame,
            Instant captured)
            throws Exception {
        ImageRecord record = frame.toRecord(camera + "-" + n, camera, captured);
        producer.send(
                        new ProducerRecord<>(
                                Topics.IMAGES,
                                partition,
                                camera.getBytes(StandardCharsets.UTF_8),
                                SingleObjectCodec.of(ImageRecord.class).encode(record)))
                .get();
    }

    private static long lateForStats(JobClient job) {
        return METRICS.findMetrics(job.getJobID(), PipelineMetrics.LATE_FOR_STATS).values().stream()
                .mapToLong(m -> ((Counter) m).getCount())
                .sum();
    }

    private static KafkaProducer<byte[], byte[]> producer() {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA.bootstrapServers());
        return new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer());
    }
}
