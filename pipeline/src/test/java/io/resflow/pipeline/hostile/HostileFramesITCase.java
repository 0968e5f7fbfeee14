package io.resflow.pipeline.hostile;

import static org.assertj.core.api.Assertions.assertThat;

import io.resflow.datasets.FashionMnist;
import io.resflow.kafka.embedded.EmbeddedKafkaExtension;
import io.resflow.pipeline.classify.CentroidSavedModel;
import io.resflow.pipeline.classify.ClassifyJob;
import io.resflow.pipeline.classify.ClassifyJobConfig;
import io.resflow.pipeline.classify.ClassifyJobOptions;
import io.resflow.pipeline.hostile.HostileFrames.Input;
import io.resflow.pipeline.hostile.HostileFrames.Kind;
import io.resflow.pipeline.kafka.CommittedTopicReader;
import io.resflow.pipeline.kafka.KafkaRecordLimits;
import io.resflow.pipeline.kafka.Topics;
import io.resflow.schema.DeadLetter;
import io.resflow.schema.ErrorKind;
import io.resflow.schema.Prediction;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Over a thousand hostile inputs ({@link HostileFrames}) through the real job: a KRaft broker, a
 * Flink MiniCluster, a TensorFlow SavedModel. Every input ends as exactly one dead letter with the
 * reason its kind calls for, or one label, or is refused by Kafka itself; the job runs with no
 * restart allowed, so it finishing proves it never restarted; the heap is sampled throughout.
 * Prints the figures of RELIABILITY.md ("Hostile inputs") and writes them to {@code
 * target/hostile-frames.md}.
 */
class HostileFramesITCase {

    private static final long SEED = 17;

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

    /** Where an input went in Kafka, or why Kafka refused it. */
    private record Sent(Input input, int partition, long offset, Exception refused) {}

    @Test
    void everyHostileInputEndsAsExactlyOneDeadLetterOrLabelWithoutARestart() throws Exception {
        FashionMnist mnist = FashionMnist.atDefaultLocation();
        CentroidSavedModel.export(mnist.load(FashionMnist.Split.TRAIN).head(2_000), modelDir);
        List<Input> inputs =
                new HostileFrames(SEED, mnist.load(FashionMnist.Split.TEST).head(200)).generate();
        assertThat(inputs).hasSizeGreaterThanOrEqualTo(1_000);

        List<Sent> sent = send(inputs);
        Map<String, Sent> byOffset = new HashMap<>();
        Map<String, Sent> byImageId = new HashMap<>();
        for (Sent s : sent) {
            assertThat(s.refused() == null)
                    .as("%s refused by Kafka: %s", s.input().kind(), s.refused())
                    .isEqualTo(!s.input().expected().refusedByKafka());
            if (s.refused() == null) {
                byOffset.put(s.partition() + "@" + s.offset(), s);
                if (s.input().imageId() != null) {
                    assertThat(byImageId.put(s.input().imageId(), s)).isNull();
                }
            } else {
                assertThat(s.refused()).isInstanceOf(RecordTooLargeException.class);
            }
        }
        int reachedJob = byOffset.size();

        HeapSampler heap = new HeapSampler();
        long started = System.nanoTime();
        heap.start();
        try {
            StreamExecutionEnvironment env =
                    StreamExecutionEnvironment.getExecutionEnvironment(noRestarts());
            ClassifyJob.onKafka(ClassifyJobConfig.from(settings())).execute(env);
        } finally {
            heap.stop();
        }
        double seconds = (System.nanoTime() - started) / 1e9;

        // The bounded job has ended and committed: everything there is to read is on the topics.
        List<DeadLetter> deadLetters = readAll(Topics.DEAD_LETTERS, DeadLetter.class);
        List<Prediction> labels = readAll(Topics.LABELS, Prediction.class);

        Map<String, List<String>> outcomes = new HashMap<>();
        Map<ErrorKind, Integer> deadLettersByKind = new EnumMap<>(ErrorKind.class);
        for (DeadLetter d : deadLetters) {
            assertThat(d.getTopic()).isEqualTo(Topics.IMAGES);
            Sent s = byOffset.get(d.getPartition() + "@" + d.getOffset());
            assertThat(s).as("dead letter of no input: %s", d).isNotNull();
            HostileFrames.Expected expected = s.input().expected();
            assertThat(expected.deadLetterKinds())
                    .as("%s %s: %s", s.input().kind(), s.input().imageId(), d.getMessage())
                    .contains(d.getErrorKind());
            if (expected.messageContains() != null) {
                assertThat(d.getMessage())
                        .as("%s %s", s.input().kind(), s.input().imageId())
                        .contains(expected.messageContains());
            }
            assertThat(d.getStage()).isEqualTo("decode-images");
            outcomes.computeIfAbsent(key(s), k -> new ArrayList<>()).add("dead letter");
            deadLettersByKind.merge(d.getErrorKind(), 1, Integer::sum);
        }
        Map<Kind, Integer> labelsByKind = new EnumMap<>(Kind.class);
        for (Prediction p : labels) {
            Sent s = byImageId.get(p.getImageId());
            assertThat(s).as("label of no input: %s", p.getImageId()).isNotNull();
            assertThat(s.input().expected().mayLabel())
                    .as("%s %s labelled %s", s.input().kind(), p.getImageId(), p.getTop1Label())
                    .isTrue();
            outcomes.computeIfAbsent(key(s), k -> new ArrayList<>()).add("label");
            labelsByKind.merge(s.input().kind(), 1, Integer::sum);
        }
        for (Sent s : byOffset.values()) {
            assertThat(outcomes.get(key(s)))
                    .as("outcomes of %s %s", s.input().kind(), s.input().imageId())
                    .hasSize(1);
        }
        assertThat(deadLetters.size() + labels.size()).isEqualTo(reachedJob);
        // Valid frames, and frames as large as the job allows, are labelled.
        assertThat(labelsByKind.get(Kind.VALID)).isEqualTo(count(inputs, Kind.VALID));

        String figures =
                figures(
                        inputs,
                        sent,
                        deadLettersByKind,
                        labelsByKind,
                        labels.size(),
                        heap,
                        seconds);
        System.out.println(figures);
        Files.createDirectories(Path.of("target"));
        Files.writeString(Path.of("target", "hostile-frames.md"), figures);
        // Bounded: the largest inputs are 16 MiB values and 4096x4096 images; the test JVM has
        // 2 GiB.
        assertThat(heap.maxUsed()).isLessThan(1536L << 20);
    }

    private static String key(Sent s) {
        return s.partition() + "@" + s.offset();
    }

    private static int count(List<Input> inputs, Kind kind) {
        return (int) inputs.stream().filter(i -> i.kind() == kind).count();
    }

    private static Configuration settings() {
        Configuration conf = new Configuration();
        conf.set(ClassifyJobOptions.BOOTSTRAP_SERVERS, KAFKA.bootstrapServers());
        conf.set(ClassifyJobOptions.MODEL_PATH, modelDir.toString());
        conf.set(ClassifyJobOptions.BOUNDED, true);
        conf.set(ClassifyJobOptions.PARALLELISM, 2);
        conf.set(ClassifyJobOptions.MAX_BATCH_SIZE, 32);
        conf.set(ClassifyJobOptions.CHECKPOINT_INTERVAL, Duration.ofSeconds(1));
        return conf;
    }

    /** No restart allowed: a job that ends successfully has restarted 0 times. */
    private static Configuration noRestarts() {
        Configuration conf = new Configuration();
        conf.set(RestartStrategyOptions.RESTART_STRATEGY, "none");
        return conf;
    }

    private static List<Sent> send(List<Input> inputs) throws InterruptedException {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA.bootstrapServers());
        props.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, KafkaRecordLimits.MAX_RECORD_BYTES);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        List<Future<RecordMetadata>> futures = new ArrayList<>();
        List<Sent> sent = new ArrayList<>();
        try (KafkaProducer<byte[], byte[]> producer =
                new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer())) {
            for (Input input : inputs) {
                futures.add(
                        producer.send(
                                new ProducerRecord<>(Topics.IMAGES, input.key(), input.value())));
            }
            producer.flush();
            for (int i = 0; i < inputs.size(); i++) {
                try {
                    RecordMetadata m = futures.get(i).get();
                    sent.add(new Sent(inputs.get(i), m.partition(), m.offset(), null));
                } catch (ExecutionException e) {
                    sent.add(new Sent(inputs.get(i), -1, -1, (Exception) e.getCause()));
                }
            }
        }
        return sent;
    }

    private static <T extends org.apache.avro.specific.SpecificRecord> List<T> readAll(
            String topic, Class<T> type) {
        try (CommittedTopicReader<T> reader =
                CommittedTopicReader.open(KAFKA.bootstrapServers(), topic, type)) {
            return List.copyOf(reader.pollFor(Duration.ofSeconds(5)));
        }
    }

    private static String figures(
            List<Input> inputs,
            List<Sent> sent,
            Map<ErrorKind, Integer> deadLettersByKind,
            Map<Kind, Integer> labelsByKind,
            int labels,
            HeapSampler heap,
            double seconds) {
        StringBuilder s = new StringBuilder();
        s.append(
                String.format(
                        Locale.ROOT,
                        "Hostile inputs (seed %d): %d inputs, %d refused by Kafka, %d dead letters,"
                                + " %d labels, 0 restarts, max heap used %d MiB of %d MiB, job"
                                + " %.1f s%n%n",
                        SEED,
                        inputs.size(),
                        sent.stream().filter(x -> x.refused() != null).count(),
                        deadLettersByKind.values().stream().mapToInt(Integer::intValue).sum(),
                        labels,
                        heap.maxUsed() >> 20,
                        Runtime.getRuntime().maxMemory() >> 20,
                        seconds));
        s.append("| Input kind | Inputs | Labels |\n|---|---:|---:|\n");
        for (Kind kind : Kind.values()) {
            s.append(
                    String.format(
                            Locale.ROOT,
                            "| %s | %d | %d |%n",
                            kind,
                            count(inputs, kind),
                            labelsByKind.getOrDefault(kind, 0)));
        }
        s.append("\n| Dead letter kind | Count |\n|---|---:|\n");
        deadLettersByKind.forEach(
                (kind, n) -> s.append(String.format(Locale.ROOT, "| %s | %d |%n", kind, n)));
        return s.toString();
    }

    /** The most heap in use, sampled every 20 ms (the MiniCluster runs in this JVM). */
    private static final class HeapSampler {
        private final AtomicLong max = new AtomicLong();
        private volatile boolean running = true;
        private final Thread thread =
                new Thread(
                        () -> {
                            Runtime runtime = Runtime.getRuntime();
                            while (running) {
                                max.accumulateAndGet(
                                        runtime.totalMemory() - runtime.freeMemory(), Math::max);
                                try {
                                    Thread.sleep(20);
                                } catch (InterruptedException e) {
                                    return;
                                }
                            }
                        },
                        "heap-sampler");

        void start() {
            thread.setDaemon(true);
            thread.start();
        }

        void stop() throws InterruptedException {
            running = false;
            thread.join();
        }

        long maxUsed() {
            return max.get();
        }
    }
}
