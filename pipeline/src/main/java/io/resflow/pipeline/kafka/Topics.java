package io.resflow.pipeline.kafka;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The default topic names, in one place: the pipeline, the launcher, the tests and the Kubernetes
 * manifests all take them from here. {@link JobTopics} is the set of six one classify job reads and
 * writes, with the partitions to create them with on a local broker (demo, bench, tests).
 */
public final class Topics {

    /** Camera frames, {@code ImageRecord}, keyed by source. */
    public static final String IMAGES = "images";

    /** Predictions, {@code Prediction}, keyed by source. */
    public static final String LABELS = "labels";

    /** Records the pipeline could not process, {@code DeadLetter}. */
    public static final String DEAD_LETTERS = "dead-letters";

    /**
     * Low-confidence or mislabelled frames with their bytes, {@code ImageRecord}: the retraining
     * feed.
     */
    public static final String RETRAINING = "retraining";

    /** Per-source windowed label counts, {@code LabelStats}. */
    public static final String LABEL_STATS = "label-stats";

    /**
     * Commands about the job's model and the job's answers, {@code ModelUpdate}, keyed by model
     * name: the audit log of every change of model. One partition, so commands keep their order.
     */
    public static final String MODEL_UPDATES = "model-updates";

    /** The classify job's topics under the default names above. */
    public static final JobTopics DEFAULTS =
            new JobTopics(IMAGES, LABELS, DEAD_LETTERS, RETRAINING, LABEL_STATS, MODEL_UPDATES);

    private Topics() {}

    /**
     * The six topics of one classify job: the images it reads, the four outputs it writes, and its
     * control topic, which it reads and writes.
     *
     * <pre>{@code
     * EmbeddedKafka.builder().optTopics(Topics.DEFAULTS.partitions(4, 4)).build().start();
     * }</pre>
     */
    public record JobTopics(
            String images,
            String labels,
            String deadLetters,
            String retraining,
            String labelStats,
            String modelUpdates) {

        public JobTopics {
            List<String> names =
                    Arrays.asList(
                            images, labels, deadLetters, retraining, labelStats, modelUpdates);
            if (names.stream().anyMatch(name -> name == null || name.isBlank())) {
                throw new IllegalArgumentException(
                        "a classify job needs six topic names (images, labels, dead letters,"
                                + " retraining, label stats, model updates), got "
                                + names);
            }
        }

        /**
         * A set of its own named after its images topic ({@code bench1}, {@code bench1-labels},
         * ...): several jobs side by side on one broker, as the benchmark runs them.
         */
        public static JobTopics after(String images) {
            return new JobTopics(
                    images,
                    images + "-" + LABELS,
                    images + "-" + DEAD_LETTERS,
                    images + "-" + RETRAINING,
                    images + "-" + LABEL_STATS,
                    images + "-" + MODEL_UPDATES);
        }

        /** The names, images first, then the outputs. */
        public List<String> names() {
            return List.of(images, labels, deadLetters, retraining, labelStats, modelUpdates);
        }

        /**
         * Name to partitions, in {@link #names()} order, to create the set with: images and labels
         * as given (they carry every frame and scale with the job's parallelism), one for each of
         * the three small outputs, and one for the control topic (its commands keep their order).
         */
        public Map<String, Integer> partitions(int imagesPartitions, int labelsPartitions) {
            Map<String, Integer> partitions = new LinkedHashMap<>();
            partitions.put(images, imagesPartitions);
            partitions.put(labels, labelsPartitions);
            partitions.put(deadLetters, 1);
            partitions.put(retraining, 1);
            partitions.put(labelStats, 1);
            partitions.put(modelUpdates, 1);
            return partitions;
        }
    }
}
