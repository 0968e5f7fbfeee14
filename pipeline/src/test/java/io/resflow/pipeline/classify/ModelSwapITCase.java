package io.resflow.pipeline.classify;

import static org.assertj.core.api.Assertions.assertThat;

import io.resflow.datasets.FashionMnist;
import io.resflow.datasets.LabelledImages;
import io.resflow.kafka.embedded.EmbeddedKafkaExtension;
import io.resflow.pipeline.deployment.ModelUpdates;
import io.resflow.pipeline.kafka.AvroSerde;
import io.resflow.pipeline.kafka.CommittedTopicReader;
import io.resflow.pipeline.kafka.ModelUpdateRecords;
import io.resflow.pipeline.kafka.Topics;
import io.resflow.pipeline.records.ModelUpdateRecord;
import io.resflow.pipeline.registry.ModelRegistry;
import io.resflow.pipeline.replay.CameraFeedReplay;
import io.resflow.pipeline.replay.DatasetFrames;
import io.resflow.runtime.metadata.InputSpec;
import io.resflow.runtime.metadata.ModelMetadata;
import io.resflow.schema.DeadLetter;
import io.resflow.schema.ImageEncoding;
import io.resflow.schema.ModelUpdate;
import io.resflow.schema.ModelUpdateKind;
import io.resflow.schema.Prediction;
import io.resflow.schema.RefusalReason;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.InjectMiniCluster;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Models change while the stream runs (issue 16): a version deployed on the control topic replaces
 * the primary between two frames, survives a failure, and bad candidates are refused with their
 * reason while the primary keeps serving. Real broker, real MiniCluster (2 slots), real SavedModels
 * in a registry on the local file system.
 */
class ModelSwapITCase {

    private static final String MODEL = "fashion-centroids";
    private static final int CAMERAS = 4;

    @Order(1)
    @RegisterExtension
    static final EmbeddedKafkaExtension KAFKA = new EmbeddedKafkaExtension();

    @Order(2)
    @RegisterExtension
    static final MiniClusterExtension FLINK =
            new MiniClusterExtension(
                    new MiniClusterResourceConfiguration.Builder()
                            .setNumberTaskManagers(1)
                            .setNumberSlotsPerTaskManager(2)
                            .build());

    @TempDir static Path registryRoot;
    @TempDir static Path exports;

    private static ModelRegistry registry;
    private static LabelledImages frames;

    @BeforeAll
    static void registerVersions() throws Exception {
        FashionMnist mnist = FashionMnist.atDefaultLocation();
        LabelledImages train = mnist.load(FashionMnist.Split.TRAIN);
        registry = ModelRegistry.at(registryRoot);
        // v1 and v2: centroids of different training images, so they are different models.
        registry.register(MODEL, CentroidSavedModel.export(train.head(500), exports.resolve("a")));
        registry.register(
                MODEL, CentroidSavedModel.export(train.head(2_000), exports.resolve("b")));
        frames = mnist.load(FashionMnist.Split.TEST).head(600);
    }

    /** Acceptance (a): exactly one label per frame; per camera v1 before the switch, v2 after. */
    @Test
    void aVersionDeployedMidStreamTakesOverBetweenTwoFramesOfEachCamera(
            @InjectMiniCluster MiniCluster cluster) throws Exception {
        Topics.JobTopics topics = topics("swap");
        JobClient job = start(topics, false);
        try {
            Thread cameras = cameras(topics, frames, 15, "swap");
            cameras.start();
            awaitCount(topics.labels(), Prediction.class, 150, Duration.ofMinutes(2));
            ModelUpdateRecord deploy = ModelUpdates.deployPrimary(MODEL, "2", null, "test");
            send(topics, deploy);
            List<ModelUpdateRecord> loaded = awaitAnswers(topics, deploy.id(), 2);
            cameras.join();

            assertThat(loaded)
                    .allSatisfy(a -> assertThat(a.kind()).isEqualTo(ModelUpdateKind.LOADED))
                    .extracting(ModelUpdateRecord::issuer)
                    .containsExactlyInAnyOrder("job/0", "job/1");
            List<Prediction> labels = exactlyOncePerFrame(topics, frames.size());
            assertVersionsSwitchOncePerCamera(labels, "1", "2");
            assertThat(labels).extracting(Prediction::getModelVersion).contains("1", "2");
            assertThat(restarted(cluster, job)).isFalse();
        } finally {
            job.cancel().get();
        }
    }

    /** Acceptance (b): after a swap and a failure, the restored job serves the swapped version. */
    @Test
    void aJobRestoredAfterAFailureServesTheVersionItServedBefore(
            @InjectMiniCluster MiniCluster cluster) throws Exception {
        Topics.JobTopics topics = topics("failover");
        JobClient job = start(topics, true);
        try {
            Thread cameras = cameras(topics, frames, 10, "failover");
            cameras.start();
            awaitCount(topics.labels(), Prediction.class, 100, Duration.ofMinutes(2));
            ModelUpdateRecord deploy = ModelUpdates.deployPrimary(MODEL, "2", null, "test");
            send(topics, deploy);
            // Answers are committed with a checkpoint taken after the swap: it holds version 2.
            awaitAnswers(topics, deploy.id(), 2);

            cluster.terminateTaskManager(0).get();
            cluster.startTaskManager();
            cameras.join();

            List<Prediction> labels = exactlyOncePerFrame(topics, frames.size());
            assertThat(restarted(cluster, job)).as("the failure restarted the job").isTrue();
            assertVersionsSwitchOncePerCamera(labels, "1", "2");
            Map<String, Prediction> lastPerCamera = new TreeMap<>();
            labels.stream()
                    .sorted(Comparator.comparing(Prediction::getImageId))
                    .forEach(p -> lastPerCamera.put(p.getSource(), p));
            assertThat(lastPerCamera.values())
                    .as("the last frame of each camera, sent after the restart")
                    .extracting(Prediction::getModelVersion)
                    .containsOnly("2");
        } finally {
            job.cancel().get();
        }
    }

    /** Acceptance (c): each bad candidate refused with its reason; v1 serves on; no restart. */
    @Test
    void badCandidatesAreRefusedWithTheirReasonWhileThePrimaryKeepsServing(
            @InjectMiniCluster MiniCluster cluster) throws Exception {
        ModelMetadata v1 = ModelRegistry.metadata(registry.location(MODEL, "1"));
        Path candidates = registryRoot.resolve(MODEL);
        // 3: a SavedModel whose graph is garbage.
        Path corrupt = candidates.resolve("3");
        Files.createDirectories(corrupt);
        Files.writeString(corrupt.resolve("saved_model.pb"), "not a protocol buffer");
        v1.toBuilder().setVersion("3").build().write(corrupt);
        // 4: another input shape; 5: another label set; 6: metadata that does not parse.
        v1.toBuilder()
                .setVersion("4")
                .setInput(
                        InputSpec.builder()
                                .setHeight(32)
                                .setWidth(32)
                                .setChannels(1)
                                .setPixelScale(1f / 255)
                                .setMean(v1.input().mean())
                                .setStd(v1.input().std())
                                .build())
                .build()
                .write(candidates.resolve("4"));
        List<String> labels = new ArrayList<>(v1.labels());
        labels.set(0, "T-shirt");
        v1.toBuilder().setVersion("5").setLabels(labels).build().write(candidates.resolve("5"));
        Files.createDirectories(candidates.resolve("6/assets"));
        Files.writeString(candidates.resolve("6/assets/resflow-model.json"), "{\"formatVersion\":");
        // 7: loads and passes every static check, fails its warm-up.
        registry.register(
                MODEL,
                CentroidSavedModel.export(
                        FashionMnist.atDefaultLocation().load(FashionMnist.Split.TRAIN).head(200),
                        exports.resolve("failing"),
                        true));
        assertThat(registry.versions(MODEL)).contains("7");

        Map<String, RefusalReason> expected = new LinkedHashMap<>();
        expected.put("99", RefusalReason.MISSING);
        expected.put("3", RefusalReason.CORRUPT);
        expected.put("4", RefusalReason.INPUT_MISMATCH);
        expected.put("5", RefusalReason.LABELS_MISMATCH);
        expected.put("6", RefusalReason.BAD_METADATA);
        expected.put("1", RefusalReason.ALREADY_SERVING);
        expected.put("7", RefusalReason.WARM_UP_FAILED);

        Topics.JobTopics topics = topics("refusals");
        JobClient job = start(topics, false);
        try {
            LabelledImages some = frames;
            Thread cameras = cameras(topics, some, 10, "refusals");
            cameras.start();
            awaitCount(topics.labels(), Prediction.class, 40, Duration.ofMinutes(2));
            Map<String, RefusalReason> refused = new LinkedHashMap<>();
            for (Map.Entry<String, RefusalReason> candidate : expected.entrySet()) {
                ModelUpdateRecord deploy =
                        ModelUpdates.deployPrimary(MODEL, candidate.getKey(), null, "test");
                send(topics, deploy);
                // One at a time, as an operator would: each waits for its answer.
                ModelUpdateRecord answer = awaitAnswers(topics, deploy.id(), 1).get(0);
                assertThat(answer.kind())
                        .as("answer to %s", candidate)
                        .isEqualTo(ModelUpdateKind.REFUSED);
                assertThat(answer.reason()).isNotBlank();
                refused.put(candidate.getKey(), answer.refusal());
                // Version 3 and 7 are refused by every subtask that tried them; wait for the
                // job to read its own refusal back before the next command.
                Thread.sleep(1_500);
            }
            cameras.join();

            assertThat(refused).isEqualTo(expected);
            List<Prediction> predictions = exactlyOncePerFrame(topics, some.size());
            assertThat(predictions).extracting(Prediction::getModelVersion).containsOnly("1");
            assertThat(restarted(cluster, job)).as("nothing restarted").isFalse();
            assertThat(job.getJobStatus().get()).isEqualTo(JobStatus.RUNNING);
        } finally {
            job.cancel().get();
        }
    }

    private static Topics.JobTopics topics(String name) {
        Topics.JobTopics topics = Topics.JobTopics.after(name);
        KAFKA.kafka().createTopics(topics.partitions(2, 2));
        return topics;
    }

    private static JobClient start(Topics.JobTopics topics, boolean restartOnFailure)
            throws Exception {
        Configuration conf = new Configuration();
        conf.set(ClassifyJobOptions.BOOTSTRAP_SERVERS, KAFKA.bootstrapServers());
        conf.set(
                ClassifyJobOptions.MODEL_PATH, registryRoot.resolve(MODEL).resolve("1").toString());
        conf.set(ClassifyJobOptions.MODEL_REGISTRY, registryRoot.toString());
        ClassifyJobOptions.setTopics(conf, topics);
        conf.set(ClassifyJobOptions.GROUP_ID, topics.images());
        conf.set(ClassifyJobOptions.TRANSACTIONAL_ID_PREFIX, topics.images());
        conf.set(ClassifyJobOptions.PARALLELISM, 2);
        conf.set(ClassifyJobOptions.MAX_BATCH_SIZE, 16);
        conf.set(ClassifyJobOptions.MAX_BATCH_DELAY, Duration.ofMillis(20));
        conf.set(ClassifyJobOptions.CHECKPOINT_INTERVAL, Duration.ofMillis(500));
        ClassifyJobConfig config = ClassifyJobConfig.from(conf);
        Configuration cluster = new Configuration();
        if (restartOnFailure) {
            cluster.set(RestartStrategyOptions.RESTART_STRATEGY, "fixed-delay");
            cluster.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS, 5);
            cluster.set(
                    RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY,
                    Duration.ofSeconds(1));
        } else {
            cluster.set(RestartStrategyOptions.RESTART_STRATEGY, "none");
        }
        StreamExecutionEnvironment env =
                StreamExecutionEnvironment.getExecutionEnvironment(cluster);
        return ClassifyJob.onKafka(config).executeAsync(env, "model-swap-" + topics.images());
    }

    private static Thread cameras(
            Topics.JobTopics topics, LabelledImages images, int perCamera, String runId) {
        CameraFeedReplay replay =
                CameraFeedReplay.builder()
                        .setBootstrapServers(KAFKA.bootstrapServers())
                        .setFrames(new DatasetFrames(images, ImageEncoding.RAW_U8))
                        .optTopic(topics.images())
                        .optCameras(CAMERAS)
                        .optFramesPerSecond(perCamera)
                        .optLimit(images.size())
                        .optRunId(runId)
                        .build();
        return new Thread(replay::run, "cameras-" + runId);
    }

    private static void send(Topics.JobTopics topics, ModelUpdateRecord command) {
        Map<String, Object> props =
                Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA.bootstrapServers());
        try (KafkaProducer<String, ModelUpdate> producer =
                new KafkaProducer<>(
                        props, new StringSerializer(), AvroSerde.of(ModelUpdate.class))) {
            producer.send(
                    new ProducerRecord<>(
                            topics.modelUpdates(),
                            command.modelName(),
                            ModelUpdateRecords.toAvro(command)));
        }
    }

    /** The first {@code count} committed answers to a command on the control topic. */
    private static List<ModelUpdateRecord> awaitAnswers(
            Topics.JobTopics topics, String commandId, int count) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofMinutes(1).toNanos();
        try (CommittedTopicReader<ModelUpdate> reader =
                CommittedTopicReader.open(
                        KAFKA.bootstrapServers(), topics.modelUpdates(), ModelUpdate.class)) {
            while (System.nanoTime() < deadline) {
                List<ModelUpdateRecord> answers =
                        reader.pollFor(Duration.ofMillis(200)).stream()
                                .map(ModelUpdateRecords::fromAvro)
                                .filter(u -> commandId.equals(u.commandId()))
                                .toList();
                if (answers.size() >= count) {
                    return answers.subList(0, count);
                }
            }
        }
        throw new AssertionError("no " + count + " answer(s) to " + commandId + " within 1 min");
    }

    private static <T extends org.apache.avro.specific.SpecificRecord> List<T> awaitCount(
            String topic, Class<T> type, int count, Duration timeout) {
        try (CommittedTopicReader<T> reader =
                CommittedTopicReader.open(KAFKA.bootstrapServers(), topic, type)) {
            return reader.awaitCount(count, timeout);
        }
    }

    /**
     * Every frame has exactly one label or dead letter (none twice); returns the labels. Waits for
     * all of them, then a little more for duplicates.
     */
    private static List<Prediction> exactlyOncePerFrame(Topics.JobTopics topics, int frames) {
        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        try (CommittedTopicReader<Prediction> labels =
                        CommittedTopicReader.open(
                                KAFKA.bootstrapServers(), topics.labels(), Prediction.class);
                CommittedTopicReader<DeadLetter> deadLetters =
                        CommittedTopicReader.open(
                                KAFKA.bootstrapServers(), topics.deadLetters(), DeadLetter.class)) {
            while (labels.records().size() + deadLetters.records().size() < frames
                    && System.nanoTime() < deadline) {
                labels.pollFor(Duration.ofMillis(200));
                deadLetters.pollFor(Duration.ofMillis(50));
            }
            labels.pollFor(Duration.ofSeconds(2));
            deadLetters.pollFor(Duration.ofMillis(500));
            Set<String> ids = new HashSet<>();
            for (Prediction p : labels.records()) {
                assertThat(ids.add(p.getImageId())).as("%s twice", p.getImageId()).isTrue();
            }
            for (DeadLetter d : deadLetters.records()) {
                assertThat(ids.add(d.getImageId())).as("%s twice", d.getImageId()).isTrue();
            }
            assertThat(ids).as("every frame labelled or dead-lettered").hasSize(frames);
            return List.copyOf(labels.records());
        }
    }

    /**
     * Per camera, in frame order: only {@code before} up to one frame, only {@code after} from it.
     */
    private static void assertVersionsSwitchOncePerCamera(
            List<Prediction> labels, String before, String after) {
        Map<String, List<Prediction>> byCamera =
                labels.stream().collect(Collectors.groupingBy(Prediction::getSource));
        assertThat(byCamera).hasSize(CAMERAS);
        byCamera.forEach(
                (camera, predictions) -> {
                    String versions =
                            predictions.stream()
                                    .sorted(Comparator.comparing(Prediction::getImageId))
                                    .map(Prediction::getModelVersion)
                                    .collect(Collectors.joining());
                    assertThat(versions)
                            .as("versions of %s in frame order", camera)
                            .matches(before + "*" + after + "+");
                });
    }

    private static boolean restarted(MiniCluster cluster, JobClient job) throws Exception {
        return cluster.getExecutionGraph(job.getJobID())
                        .get()
                        .getStatusTimestamp(JobStatus.RESTARTING)
                > 0;
    }
}
