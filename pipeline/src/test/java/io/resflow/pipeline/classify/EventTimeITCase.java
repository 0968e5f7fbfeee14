package io.resflow.pipeline.classify;

import static org.assertj.core.api.Assertions.assertThat;

import io.resflow.datasets.FashionMnist;
import io.resflow.datasets.LabelledImages;
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
 * Event time is kept per Kafka partition: one camera whose clock runs three hours ahead must not
 * make every other camera read by the same subtask late (their label-stats windows would be
 * dropped), nor stop the job: a broker refuses records stamped more than an hour ahead, so the
 * outputs must not carry the capture time as their Kafka timestamp. A frame that is really too late
 * for its window is labelled and counted as {@code lateForStats}.
 */
class EventTimeITCase {

    private static final int AHEAD = 30;
    private static final int ON_TIME = 60;

    @Order(1)
    @RegisterExtension
    static final EmbeddedKafkaExtension KAFKA = new EmbeddedKafkaExtension(b -> b
            .optTopic(Topics.IMAGES, 2)
            .optTopic(Topics.LABELS, 1)
            .optTopic(Topics.DEAD_LETTERS, 1)
            .optTopic(Topics.RETRAINING, 1)
            .optTopic(Topics.LABEL_STATS, 1));

    private static final InMemoryReporter METRICS = InMemoryReporter.createWithRetainedMetrics();

    @Order(2)
    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setConfiguration(METRICS.addToConfiguration(new Configuration()))
            .setNumberTaskManagers(1)
            .setNumberSlotsPerTaskManager(1)
            .build());

    @TempDir
    static Path modelDir;

    @Test
    void aCameraWithItsClockAheadDoesNotMakeTheOthersLate() throws Exception {
        FashionMnist mnist = FashionMnist.atDefaultLocation();
        CentroidSavedModel.export(mnist.load(FashionMnist.Split.TRAIN).head(1_000), modelDir);
        DatasetFrames frames = new DatasetFrames(mnist.load(FashionMnist.Split.TEST).head(AHEAD + ON_TIME + 2),
                ImageEncoding.PNG);
        Instant start = Instant.now().minusSeconds(120);

        Configuration conf = new Configuration();
        conf.set(ClassifyJobOptions.BOOTSTRAP_SERVERS, KAFKA.bootstrapServers());
        conf.set(ClassifyJobOptions.MODEL_PATH, modelDir.toString());
        conf.set(ClassifyJobOptions.PARALLELISM, 1); // one subtask reads both partitions
        conf.set(ClassifyJobOptions.CHECKPOINT_INTERVAL, Duration.ofMillis(500));
        // A partition without frames yet holds the watermark back for the whole test.
        conf.set(ClassifyJobOptions.IDLENESS, Duration.ofMinutes(10));
        ClassifyJobConfig config = ClassifyJobConfig.from(conf);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        new ClassifyJob(config).build(env, KafkaIo.source(config), KafkaIo.sinks(config));
        JobClient job = env.executeAsync(ClassifyJob.JOB_NAME);

        try (KafkaProducer<byte[], byte[]> producer = producer();
                CommittedTopicReader<Prediction> labels = CommittedTopicReader.open(KAFKA.bootstrapServers(),
                        Topics.LABELS, Prediction.class);
                CommittedTopicReader<LabelStats> stats = CommittedTopicReader.open(KAFKA.bootstrapServers(),
                        Topics.LABEL_STATS, LabelStats.class)) {
            // Partition 0: a camera three hours ahead. Its frames are labelled before the other camera sends.
            for (int i = 0; i < AHEAD; i++) {
                send(producer, 0, "ahead", i, frames.frame(i), start.plus(Duration.ofHours(3)).plusMillis(100L * i));
            }
            labels.awaitCount(AHEAD, Duration.ofMinutes(2));
            // Partition 1: on time, 30 s of frames, then one a minute later that moves its watermark past them.
            for (int i = 0; i < ON_TIME; i++) {
                send(producer, 1, "on-time", i, frames.frame(AHEAD + i), start.plusMillis(500L * i));
            }
            send(producer, 1, "on-time", ON_TIME, frames.frame(AHEAD + ON_TIME), start.plusSeconds(60));
            labels.awaitCount(AHEAD + ON_TIME + 1, Duration.ofMinutes(2));

            // Every on-time frame is counted in a fired window: none was late.
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            long counted = 0;
            while (counted < ON_TIME && System.nanoTime() < deadline) {
                stats.pollFor(Duration.ofSeconds(1));
                Map<Instant, Long> lastPerWindow = new HashMap<>();
                stats.records().stream().filter(s -> s.getSource().equals("on-time"))
                        .forEach(s -> lastPerWindow.put(s.getWindowStart(), s.getTotal()));
                counted = lastPerWindow.values().stream().mapToLong(Long::longValue).sum();
            }
            assertThat(counted).as("on-time frames counted in label-stats windows").isEqualTo(ON_TIME);

            // Ten minutes behind its partition's watermark, far past the allowed 30 s: labelled, and counted as late.
            send(producer, 1, "on-time", ON_TIME + 1, frames.frame(AHEAD + ON_TIME + 1), start.minusSeconds(600));
            labels.awaitCount(AHEAD + ON_TIME + 2, Duration.ofMinutes(1));
            long lateDeadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (lateForStats(job) < 1 && System.nanoTime() < lateDeadline) {
                Thread.sleep(200);
            }
            assertThat(lateForStats(job)).isEqualTo(1);
        } finally {
            job.cancel().get();
        }
    }

    private static void send(KafkaProducer<byte[], byte[]> producer, int partition, String camera, int n, Frame frame,
            Instant captured) throws Exception {
        ImageRecord record = frame.toRecord(camera + "-" + n, camera, captured);
        producer.send(new ProducerRecord<>(Topics.IMAGES, partition, camera.getBytes(StandardCharsets.UTF_8),
                SingleObjectCodec.of(ImageRecord.class).encode(record))).get();
    }

    private static long lateForStats(JobClient job) {
        return METRICS.findMetrics(job.getJobID(), PipelineMetrics.LATE_FOR_STATS).values().stream()
                .mapToLong(m -> ((Counter) m).getCount()).sum();
    }

    private static KafkaProducer<byte[], byte[]> producer() {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA.bootstrapServers());
        return new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer());
    }
}
