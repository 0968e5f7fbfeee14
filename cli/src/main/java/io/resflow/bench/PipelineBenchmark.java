package io.resflow.bench;

import io.resflow.datasets.LabelledImages;
import io.resflow.kafka.embedded.EmbeddedKafka;
import io.resflow.localflink.LocalFlink;
import io.resflow.pipeline.classify.ClassifyJob;
import io.resflow.pipeline.classify.ClassifyJobConfig;
import io.resflow.pipeline.classify.ClassifyJobOptions;
import io.resflow.pipeline.classify.KafkaIo;
import io.resflow.pipeline.kafka.AvroSerde;
import io.resflow.pipeline.replay.CameraFeedReplay;
import io.resflow.pipeline.replay.DatasetFrames;
import io.resflow.pipeline.scoring.ScorerSettings;
import io.resflow.schema.ImageEncoding;
import io.resflow.schema.Prediction;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * The whole classify job measured from the outside: frames in Kafka, a local Flink cluster, labels
 * read back (read_committed) and timed by the pipeline's own stamps.
 */
final class PipelineBenchmark {

    /** One stretch of a throughput run: the frames published under one run id, scored one after the other. */
    record Segment(String name, long labels, double imagesPerSecond, double meanBatchSize, double jitLoad) {}

    /**
     * One long job over a backlog of segments: the first warms the job up, the others are measured.
     * {@code labelsPerSecond} and {@code jitLoadPerSecond} are the whole run in one-second buckets of
     * scoring time, for the plot.
     */
    record Throughput(int maxBatchSize, ImageEncoding encoding, Segment warmUp, List<Segment> measured,
            double[] labelsPerSecond, double[] jitLoadPerSecond) {

        /** The median of the measured segments: one disturbed segment does not move it. */
        double imagesPerSecond() {
            return Percentiles.median(measured.stream().mapToDouble(Segment::imagesPerSecond).toArray());
        }

        double meanBatchSize() {
            return measured.stream().mapToDouble(Segment::meanBatchSize).average().orElse(0);
        }
    }

    record Latency(double offeredRate, long labels, double achievedRate, double p50Millis, double p99Millis,
            double meanBatchSize, double jitLoad) {}

    private static final Duration LATENCY_WARM_UP = Duration.ofSeconds(5);

    private final EmbeddedKafka kafka;
    private final LocalFlink flink;
    private final JitMonitor jit;
    private final Path model;
    private final LabelledImages images;
    private final int parallelism;
    private final ScorerSettings scorer;
    private int run;

    PipelineBenchmark(EmbeddedKafka kafka, LocalFlink flink, JitMonitor jit, Path model, LabelledImages images,
            int parallelism, ScorerSettings scorer) {
        this.kafka = kafka;
        this.flink = flink;
        this.jit = jit;
        this.model = model;
        this.images = images;
        this.parallelism = parallelism;
        this.scorer = scorer;
    }

    /**
     * Throughput on a backlog at steady state: {@code 1 + measuredSegments} segments of
     * {@code framesPerSegment} frames are put in Kafka before one bounded job starts, so batches can
     * fill and the job runs long enough to leave start-up and the JIT's warm-up behind in the first
     * segment. Each segment's rate is its labels over the span of their scoring times.
     */
    Throughput throughput(int maxBatchSize, int framesPerSegment, int measuredSegments, ImageEncoding encoding)
            throws Exception {
        String topic = nextTopic();
        List<String> segments = new ArrayList<>();
        for (int s = 0; s <= measuredSegments; s++) {
            String runId = topic + (s == 0 ? "-warmup" : "-segment" + s);
            CameraFeedReplay.builder().setBootstrapServers(kafka.bootstrapServers())
                    .setFrames(new DatasetFrames(images.head(framesPerSegment), encoding)).optTopic(topic)
                    .optRunId(runId).build().run();
            segments.add(runId);
        }
        ClassifyJobConfig config = ClassifyJobConfig.from(settings(topic, maxBatchSize, true));
        StreamExecutionEnvironment env = flink.environment();
        new ClassifyJob(config).build(env, KafkaIo.source(config), KafkaIo.sinks(config));
        env.execute(ClassifyJob.JOB_NAME + "-bench-" + topic);
        int frames = framesPerSegment * segments.size();
        List<Prediction> labels = readLabels(topic + "-labels", frames, Duration.ofSeconds(60));
        List<Segment> measured = new ArrayList<>();
        for (String runId : segments) {
            measured.add(segment(runId, labels.stream().filter(p -> p.getImageId().startsWith(runId + "-")).toList()));
        }
        long first = labels.stream().mapToLong(p -> p.getScoredTime().toEpochMilli()).min().orElse(0);
        double[] perSecond = perSecond(labels, first);
        double[] jitPerSecond = new double[perSecond.length];
        for (int i = 0; i < jitPerSecond.length; i++) {
            jitPerSecond[i] = jit.load(first + i * 1000L, first + (i + 1) * 1000L);
        }
        return new Throughput(maxBatchSize, encoding, measured.remove(0), measured, perSecond, jitPerSecond);
    }

    private Segment segment(String runId, List<Prediction> labels) {
        long first = labels.stream().mapToLong(p -> p.getScoredTime().toEpochMilli()).min().orElse(0);
        long last = labels.stream().mapToLong(p -> p.getScoredTime().toEpochMilli()).max().orElse(0);
        double seconds = Math.max(1, last - first) / 1000.0;
        return new Segment(runId, labels.size(), labels.size() / seconds, meanBatch(labels), jit.load(first, last));
    }

    private static double[] perSecond(List<Prediction> labels, long first) {
        long last = labels.stream().mapToLong(p -> p.getScoredTime().toEpochMilli()).max().orElse(0);
        double[] buckets = new double[(int) ((last - first) / 1000) + 1];
        for (Prediction p : labels) {
            buckets[(int) ((p.getScoredTime().toEpochMilli() - first) / 1000)]++;
        }
        return buckets;
    }

    /** End-to-end latency (capture to label) while cameras send at a steady {@code rate}. */
    Latency latency(int maxBatchSize, double rate, Duration duration) throws Exception {
        String topic = nextTopic();
        ClassifyJobConfig config = ClassifyJobConfig.from(settings(topic, maxBatchSize, false));
        StreamExecutionEnvironment env = flink.environment();
        new ClassifyJob(config).build(env, KafkaIo.source(config), KafkaIo.sinks(config));
        JobClient job = env.executeAsync(ClassifyJob.JOB_NAME + "-bench-" + topic);
        try {
            // Warm up until labels flow, so start-up is not measured.
            int warmUp = 100;
            CameraFeedReplay.builder().setBootstrapServers(kafka.bootstrapServers())
                    .setFrames(new DatasetFrames(images.head(warmUp), ImageEncoding.PNG)).optTopic(topic)
                    .optRunId(topic + "-warmup").build().run();
            readLabels(topic + "-labels", warmUp, Duration.ofMinutes(2));
            int cameras = 4;
            // Then a few seconds at the offered rate: the job's first seconds still compile and fill buffers.
            int atRate = (int) Math.min(images.size(), Math.round(rate * LATENCY_WARM_UP.toSeconds()));
            CameraFeedReplay.builder().setBootstrapServers(kafka.bootstrapServers())
                    .setFrames(new DatasetFrames(images.head(atRate), ImageEncoding.PNG)).optTopic(topic)
                    .optCameras(cameras).optFramesPerSecond(rate / cameras)
                    .optRunId(topic + "-warmup-at-rate").build().run();
            warmUp += atRate;
            int frames = (int) Math.min(images.size(), Math.round(rate * duration.toSeconds()));
            CameraFeedReplay.builder().setBootstrapServers(kafka.bootstrapServers())
                    .setFrames(new DatasetFrames(images.head(frames), ImageEncoding.PNG)).optTopic(topic)
                    .optCameras(cameras).optFramesPerSecond(rate / cameras)
                    .optRunId(topic + "-measured").build().run();
            List<Prediction> labels = readLabels(topic + "-labels", warmUp + frames, Duration.ofMinutes(2)).stream()
                    .filter(p -> p.getImageId().startsWith(topic + "-measured")).toList();
            long[] micros = labels.stream().mapToLong(p -> p.getLatency().getEndToEndMicros()).sorted().toArray();
            long firstCapture = labels.stream().mapToLong(p -> p.getCaptureTime().toEpochMilli()).min().orElse(0);
            long lastScored = labels.stream().mapToLong(p -> p.getScoredTime().toEpochMilli()).max().orElse(0);
            return new Latency(rate, labels.size(), labels.size() / (Math.max(1, lastScored - firstCapture) / 1000.0),
                    Percentiles.of(micros, 0.50) / 1000.0, Percentiles.of(micros, 0.99) / 1000.0, meanBatch(labels),
                    jit.load(firstCapture, lastScored));
        } finally {
            job.cancel().get();
        }
    }

    private String nextTopic() {
        String topic = "bench" + (++run);
        kafka.createTopic(topic, Math.max(2, parallelism));
        for (String suffix : List.of("-labels", "-dead-letters", "-retraining", "-label-stats")) {
            kafka.createTopic(topic + suffix, 1);
        }
        return topic;
    }

    private Configuration settings(String topic, int maxBatchSize, boolean bounded) {
        Configuration conf = new Configuration();
        conf.set(ClassifyJobOptions.BOOTSTRAP_SERVERS, kafka.bootstrapServers());
        conf.set(ClassifyJobOptions.MODEL_PATH, model.toAbsolutePath().toString());
        conf.set(ClassifyJobOptions.IMAGES_TOPIC, topic);
        conf.set(ClassifyJobOptions.LABELS_TOPIC, topic + "-labels");
        conf.set(ClassifyJobOptions.DEAD_LETTERS_TOPIC, topic + "-dead-letters");
        conf.set(ClassifyJobOptions.RETRAINING_TOPIC, topic + "-retraining");
        conf.set(ClassifyJobOptions.LABEL_STATS_TOPIC, topic + "-label-stats");
        conf.set(ClassifyJobOptions.GROUP_ID, topic);
        conf.set(ClassifyJobOptions.TRANSACTIONAL_ID_PREFIX, topic);
        conf.set(ClassifyJobOptions.BOUNDED, bounded);
        conf.set(ClassifyJobOptions.PARALLELISM, parallelism);
        conf.set(ClassifyJobOptions.MAX_BATCH_SIZE, maxBatchSize);
        conf.set(ClassifyJobOptions.MAX_BATCH_DELAY, scorer.maxBatchDelay());
        // One record at a time means one prediction at a time, not several single-image batches side by side.
        conf.set(ClassifyJobOptions.CONCURRENT_BATCHES, maxBatchSize == 1 ? 1 : scorer.concurrentBatches());
        conf.set(ClassifyJobOptions.INFERENCE_THREADS, scorer.inferenceThreads());
        conf.set(ClassifyJobOptions.INFERENCE_THREAD_SPINNING, scorer.threadSpinning());
        conf.set(ClassifyJobOptions.DEVICE, scorer.device());
        conf.set(ClassifyJobOptions.ASYNC_CAPACITY, Math.max(4 * maxBatchSize, 64));
        conf.set(ClassifyJobOptions.CHECKPOINT_INTERVAL, Duration.ofSeconds(1));
        return conf;
    }


    private List<Prediction> readLabels(String topic, int expected, Duration timeout) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        props.put(ConsumerConfig.GROUP_ID_CONFIG, topic + "-reader-" + System.nanoTime());
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        AvroSerde<Prediction> serde = AvroSerde.of(Prediction.class);
        List<Prediction> labels = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props)) {
            consumer.subscribe(List.of(topic));
            long deadline = System.nanoTime() + timeout.toNanos();
            while (labels.size() < expected && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    labels.add(serde.deserialize(topic, record.value()));
                }
            }
        }
        if (labels.size() < expected) {
            throw new IllegalStateException("only " + labels.size() + " of " + expected + " labels arrived on " + topic
                    + " within " + timeout);
        }
        return labels;
    }

    private static double meanBatch(List<Prediction> labels) {
        return labels.stream().mapToInt(Prediction::getBatchSize).average().orElse(0);
    }
}
