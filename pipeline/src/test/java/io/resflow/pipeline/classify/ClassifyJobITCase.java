package io.resflow.pipeline.classify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Device;
import io.resflow.datasets.FashionMnist;
import io.resflow.datasets.LabelledImages;
import io.resflow.kafka.embedded.EmbeddedKafkaExtension;
import io.resflow.pipeline.kafka.CommittedTopicReader;
import io.resflow.pipeline.kafka.Topics;
import io.resflow.pipeline.replay.CameraFeedReplay;
import io.resflow.pipeline.replay.CorruptFrames;
import io.resflow.pipeline.replay.DatasetFrames;
import io.resflow.pipeline.replay.ReplayReport;
import io.resflow.runtime.savedmodel.SavedModelClassifier;
import io.resflow.runtime.scores.TopClasses;
import io.resflow.schema.DeadLetter;
import io.resflow.schema.ErrorKind;
import io.resflow.schema.ImageEncoding;
import io.resflow.schema.ImageRecord;
import io.resflow.schema.LabelStats;
import io.resflow.schema.Prediction;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The classify job end to end: a real KRaft broker, a real Flink MiniCluster (2 slots), a real
 * TensorFlow SavedModel served by DJL, real Fashion-MNIST frames with corrupt ones planted.
 */
class ClassifyJobITCase {

    private static final int FRAMES = 400;
    private static final int CORRUPT_EVERY = 20;
    private static final int CAMERAS = 3;

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

    private static LabelledImages test;
    private static ReplayReport replayed;
    private static Map<String, Integer> indexById;

    @BeforeAll
    static void exportModelAndReplayFrames() throws Exception {
        FashionMnist mnist = FashionMnist.atDefaultLocation();
        CentroidSavedModel.export(mnist.load(FashionMnist.Split.TRAIN).head(3_000), modelDir);
        test = mnist.load(FashionMnist.Split.TEST).head(FRAMES);
        replayed =
                CameraFeedReplay.builder()
                        .setBootstrapServers(KAFKA.bootstrapServers())
                        .setFrames(new DatasetFrames(test, ImageEncoding.PNG))
                        .optCameras(CAMERAS)
                        .optCorruptEvery(CORRUPT_EVERY)
                        .optRunId("it")
                        .build()
                        .run();
        indexById = new HashMap<>();
        for (int i = 0; i < FRAMES; i++) {
            indexById.put(
                    "it-camera-" + (i % CAMERAS) + "-" + String.format("%06d", i / CAMERAS), i);
        }
    }

    private static Configuration settings() {
        Configuration conf = new Configuration();
        conf.set(ClassifyJobOptions.BOOTSTRAP_SERVERS, KAFKA.bootstrapServers());
        conf.set(ClassifyJobOptions.MODEL_PATH, modelDir.toString());
        conf.set(ClassifyJobOptions.BOUNDED, true);
        conf.set(ClassifyJobOptions.PARALLELISM, 2);
        conf.set(ClassifyJobOptions.MAX_BATCH_SIZE, 32);
        conf.set(ClassifyJobOptions.CHECKPOINT_INTERVAL, Duration.ofMillis(500));
        conf.set(ClassifyJobOptions.CONFIDENCE_THRESHOLD, 0.6);
        return conf;
    }

    @Test
    void labelsEveryGoodFrameOnceAndDeadLettersEveryBadOneWhileRunning() throws Exception {
        ClassifyJobConfig config = ClassifyJobConfig.from(settings());
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        ClassifyJob.onKafka(config).execute(env);

        int corrupt = FRAMES / CORRUPT_EVERY;
        int good = FRAMES - corrupt;
        assertThat(replayed.corrupt()).isEqualTo(corrupt);

        // Exactly once: every good frame labelled, none twice, none missing (read_committed).
        List<Prediction> labels = readCommitted(Topics.LABELS, good, Prediction.class);
        Map<String, Prediction> byId = new HashMap<>();
        for (Prediction p : labels) {
            assertThat(byId.put(p.getImageId(), p))
                    .as("label for %s twice", p.getImageId())
                    .isNull();
        }
        Set<String> planted = new HashSet<>();
        for (int i = CORRUPT_EVERY - 1; i < FRAMES; i += CORRUPT_EVERY) {
            planted.add("it-camera-" + (i % CAMERAS) + "-" + String.format("%06d", i / CAMERAS));
        }
        Set<String> expectedIds = new HashSet<>(indexById.keySet());
        expectedIds.removeAll(planted);
        assertThat(byId.keySet()).containsExactlyInAnyOrderElementsOf(expectedIds);

        // Labels equal a direct DJL predict of the same images.
        try (SavedModelClassifier direct = SavedModelClassifier.open(modelDir, Device.cpu())) {
            int correct = 0;
            for (Prediction p : labels) {
                int index = indexById.get(p.getImageId());
                float[] input = new float[test.shape().values()];
                for (int k = 0; k < input.length; k++) {
                    input[k] = test.pixel(index, k) / 255f;
                }
                float[] probabilities = direct.predict(input, 1)[0];
                int top1 = TopClasses.argMax(probabilities);
                assertThat(p.getTop1Index()).as("top-1 of %s", p.getImageId()).isEqualTo(top1);
                assertThat(p.getTop1Score())
                        .isCloseTo(probabilities[top1], org.assertj.core.data.Offset.offset(1e-5f));
                assertThat(p.getTop1Label()).isEqualTo(test.classNames().get(top1));
                assertThat(p.getTopK()).hasSize(3);
                assertThat(p.getGroundTruthLabel()).isEqualTo(test.label(index));
                assertThat(p.getBatchSize()).isBetween(1, 32);
                assertThat(p.getModelName()).isEqualTo("fashion-centroids");
                if (top1 == test.label(index)) {
                    correct++;
                }
            }
            // A nearest-centroid model gets roughly two thirds of Fashion-MNIST right.
            assertThat((double) correct / labels.size()).isGreaterThan(0.55);
        }
        assertThat(labels).as("batching happened").anyMatch(p -> p.getBatchSize() > 1);

        // Every planted corrupt frame is a dead letter with its reason and original bytes.
        List<DeadLetter> deadLetters =
                readCommitted(Topics.DEAD_LETTERS, corrupt, DeadLetter.class);
        Map<ErrorKind, Long> kinds =
                deadLetters.stream()
                        .collect(
                                Collectors.groupingBy(
                                        DeadLetter::getErrorKind, Collectors.counting()));
        // The planted kinds take turns: undecodable, claiming twice its size, not Avro, a PNG
        // declaring 20000x20000.
        Map<CorruptFrames, Long> plantedKinds =
                java.util.stream.LongStream.range(0, corrupt)
                        .mapToObj(CorruptFrames::forOrdinal)
                        .collect(Collectors.groupingBy(k -> k, Collectors.counting()));
        assertThat(plantedKinds).containsOnlyKeys(CorruptFrames.values());
        assertThat(kinds)
                .containsExactlyInAnyOrderEntriesOf(
                        Map.of(
                                ErrorKind.UNDECODABLE_IMAGE,
                                        plantedKinds.get(CorruptFrames.UNDECODABLE_IMAGE),
                                ErrorKind.WRONG_SHAPE,
                                        plantedKinds.get(CorruptFrames.WRONG_SHAPE)
                                                + plantedKinds.get(CorruptFrames.OVERSIZED_IMAGE),
                                ErrorKind.CORRUPT_RECORD,
                                        plantedKinds.get(CorruptFrames.NOT_AVRO)));
        // Refused from its header, before decoding: the job kept running (every good frame labelled
        // above).
        assertThat(deadLetters)
                .filteredOn(
                        d ->
                                d.getMessage()
                                        .equals(
                                                "the record claims 28x28 but its PNG header"
                                                        + " says 20000x20000"))
                .hasSize(plantedKinds.get(CorruptFrames.OVERSIZED_IMAGE).intValue());
        for (DeadLetter d : deadLetters) {
            assertThat(d.getStage()).isEqualTo("decode-images");
            assertThat(d.getMessage()).isNotBlank();
            assertThat(d.getOriginalValue().remaining()).isPositive();
            if (d.getErrorKind() != ErrorKind.CORRUPT_RECORD) {
                assertThat(planted).contains(d.getImageId());
            } else {
                assertThat(d.getMessage())
                        .contains("Not an Avro single-object encoded ImageRecord");
            }
        }

        // Low-confidence or misclassified frames are in the retraining feed, with their image
        // bytes.
        long expectedRetraining =
                labels.stream()
                        .filter(
                                p ->
                                        p.getTop1Score() < 0.6
                                                || !p.getGroundTruthLabel()
                                                        .equals(p.getTop1Index()))
                        .count();
        assertThat(expectedRetraining).isPositive();
        List<ImageRecord> retraining =
                readCommitted(Topics.RETRAINING, (int) expectedRetraining, ImageRecord.class);
        for (ImageRecord r : retraining) {
            Prediction p = byId.get(r.getId());
            assertThat(p.getTop1Score() < 0.6 || !r.getGroundTruthLabel().equals(p.getTop1Index()))
                    .isTrue();
            assertThat(r.getImageBytes().remaining()).isPositive();
        }

        // Label statistics cover every label; a window fired again for late frames replaces its
        // first count.
        List<LabelStats> stats = readCommitted(Topics.LABEL_STATS, 1, LabelStats.class);
        Map<String, LabelStats> lastPerWindow = new HashMap<>();
        for (LabelStats s : stats) {
            lastPerWindow.put(s.getSource() + "@" + s.getWindowStart(), s);
        }
        assertThat(lastPerWindow.values().stream().mapToLong(LabelStats::getTotal).sum())
                .isEqualTo(good);
        assertThat(lastPerWindow.values())
                .allSatisfy(
                        s -> {
                            assertThat(
                                            s.getCountsByLabel().values().stream()
                                                    .mapToLong(Long::longValue)
                                                    .sum())
                                    .isEqualTo(s.getTotal());
                            assertThat(s.getMeanTop1Score()).isBetween(0.0, 1.0);
                        });
    }

    @Test
    void refusesToStartWithoutAModelAndSaysWhy() {
        Configuration conf = settings();
        conf.set(ClassifyJobOptions.MODEL_PATH, modelDir.resolve("does-not-exist").toString());
        assertThatThrownBy(() -> ClassifyJobConfig.from(conf))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("does-not-exist does not exist");
    }

    private static <T extends org.apache.avro.specific.SpecificRecord> List<T> readCommitted(
            String topic, int atLeast, Class<T> type) {
        List<T> records;
        try (CommittedTopicReader<T> reader =
                CommittedTopicReader.open(KAFKA.bootstrapServers(), topic, type)) {
            reader.awaitCount(atLeast, Duration.ofSeconds(60));
            // Whatever else is there (duplicates would show here) arrives within a few polls.
            records = List.copyOf(reader.pollFor(Duration.ofSeconds(1)));
        }
        if (!topic.equals(Topics.LABEL_STATS)) {
            assertThat(records).as("records on %s", topic).hasSize(atLeast);
        }
        return records;
    }
}
