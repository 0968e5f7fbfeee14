package io.resflow.pipeline.classify;

import io.resflow.pipeline.kafka.KafkaClientConfig;
import io.resflow.pipeline.kafka.Topics;
import io.resflow.pipeline.scoring.ScorerSettings;
import io.resflow.runtime.metadata.ModelMetadata;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.Configuration;

/**
 * The validated settings of one {@link ClassifyJob} run, with the model's metadata read once on the
 * client, so a missing or malformed model fails here with a clear message instead of restarting the
 * job over and over on the cluster.
 */
public final class ClassifyJobConfig {

    /** Values in the largest batch array: the JVM's array limit. */
    private static final long MAX_BATCH_VALUES = Integer.MAX_VALUE - 8;

    private final Configuration configuration;
    private final ModelMetadata metadata;
    private final KafkaClientConfig kafkaClient;

    private ClassifyJobConfig(
            Configuration configuration, ModelMetadata metadata, KafkaClientConfig kafkaClient) {
        this.configuration = configuration;
        this.metadata = metadata;
        this.kafkaClient = kafkaClient;
    }

    /**
     * Checks every setting and reads the model metadata; the exception lists all problems at once.
     */
    public static ClassifyJobConfig from(Configuration configuration) {
        List<String> problems = new ArrayList<>();
        if (configuration
                .getOptional(ClassifyJobOptions.BOOTSTRAP_SERVERS)
                .filter(s -> !s.isBlank())
                .isEmpty()) {
            problems.add("--" + ClassifyJobOptions.BOOTSTRAP_SERVERS.key() + " is required");
        }
        ModelMetadata metadata = null;
        Optional<String> model = configuration.getOptional(ClassifyJobOptions.MODEL_PATH);
        if (model.isEmpty()) {
            problems.add(
                    "--"
                            + ClassifyJobOptions.MODEL_PATH.key()
                            + " (a SavedModel directory) is required");
        } else if (!Files.isDirectory(Path.of(model.get()))) {
            problems.add(
                    "model directory "
                            + model.get()
                            + " does not exist; train one with ./resflow train");
        } else {
            try {
                metadata = ModelMetadata.read(Path.of(model.get()));
            } catch (IOException e) {
                problems.add("model " + model.get() + " is not usable: " + e.getMessage());
            }
        }
        KafkaClientConfig kafkaClient = KafkaClientConfig.none();
        try {
            kafkaClient =
                    KafkaClientConfig.loadOrNone(
                            configuration
                                    .getOptional(ClassifyJobOptions.KAFKA_CONFIG)
                                    .map(Path::of)
                                    .orElse(null));
        } catch (IllegalArgumentException e) {
            problems.add(e.getMessage());
        }
        problems.addAll(settingProblems(configuration, metadata));
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(
                    "Cannot start the classify job: " + String.join("; ", problems));
        }
        return new ClassifyJobConfig(configuration, metadata, kafkaClient);
    }

    /**
     * Checks the settings that need neither the model nor Kafka, e.g. before the demo spends
     * minutes training its model and starting a broker; {@link #from} checks them again, with the
     * rest.
     */
    public static void checkSettings(Configuration configuration) {
        List<String> problems = settingProblems(configuration, null);
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(
                    "Cannot start the classify job: " + String.join("; ", problems));
        }
    }

    /**
     * @param metadata the model's, or null to skip the checks that need it
     */
    private static List<String> settingProblems(
            Configuration configuration, ModelMetadata metadata) {
        List<String> problems = new ArrayList<>();
        positive(configuration, ClassifyJobOptions.PARALLELISM, problems);
        positive(configuration, ClassifyJobOptions.MAX_BATCH_SIZE, problems);
        positive(configuration, ClassifyJobOptions.TOP_K, problems);
        positive(configuration, ClassifyJobOptions.CONCURRENT_BATCHES, problems);
        if (configuration.get(ClassifyJobOptions.INFERENCE_THREADS) < 0) {
            problems.add(
                    "--inference-threads must be 0 (one per CPU) or more, got "
                            + configuration.get(ClassifyJobOptions.INFERENCE_THREADS));
        }
        if (configuration.get(ClassifyJobOptions.ASYNC_CAPACITY)
                < configuration.get(ClassifyJobOptions.MAX_BATCH_SIZE)) {
            problems.add(
                    "--async-capacity must be at least --max-batch-size, or batches can never"
                            + " fill");
        }
        double threshold = configuration.get(ClassifyJobOptions.CONFIDENCE_THRESHOLD);
        if (threshold < 0 || threshold > 1) {
            problems.add("--confidence-threshold must be within 0..1, got " + threshold);
        }
        if (configuration.get(ClassifyJobOptions.STATS_WINDOW).isZero()
                || configuration.get(ClassifyJobOptions.STATS_WINDOW).isNegative()) {
            problems.add("--stats-window must be positive");
        }
        if (metadata != null
                && (long) configuration.get(ClassifyJobOptions.MAX_BATCH_SIZE)
                                * metadata.input().shape().values()
                        > MAX_BATCH_VALUES) {
            problems.add(
                    "--max-batch-size "
                            + configuration.get(ClassifyJobOptions.MAX_BATCH_SIZE)
                            + " of "
                            + metadata.input().describeShape()
                            + " images is more than one Java array holds; at most "
                            + MAX_BATCH_VALUES / metadata.input().shape().values());
        }
        Duration batchDelay = configuration.get(ClassifyJobOptions.MAX_BATCH_DELAY);
        if (batchDelay.isNegative()) {
            problems.add("--max-batch-delay must not be negative, got " + batchDelay);
        }
        // Flink's async operator sets no timer for a timeout of 0: a stuck model would stall the
        // job silently.
        if (configuration.get(ClassifyJobOptions.ASYNC_TIMEOUT).compareTo(batchDelay) <= 0) {
            problems.add(
                    "--async-timeout must be longer than --max-batch-delay ("
                            + batchDelay
                            + "): a frame waits up to the delay for its batch and then for the"
                            + " model, and would otherwise always time out");
        }
        for (ConfigOption<Duration> option :
                List.of(ClassifyJobOptions.OUT_OF_ORDERNESS, ClassifyJobOptions.ALLOWED_LATENESS)) {
            if (configuration.get(option).isNegative()) {
                // Checked only on the TaskManagers otherwise, where it fails the source in every
                // restart.
                problems.add(
                        "--"
                                + option.key()
                                + " must not be negative, got "
                                + configuration.get(option));
            }
        }
        if (configuration.get(ClassifyJobOptions.IDLENESS).isZero()
                || configuration.get(ClassifyJobOptions.IDLENESS).isNegative()) {
            problems.add("--" + ClassifyJobOptions.IDLENESS.key() + " must be positive");
        }
        if (configuration.get(ClassifyJobOptions.CHECKPOINT_INTERVAL).toMillis() < 10) {
            problems.add(
                    "--checkpoint-interval must be at least 10ms: the exactly-once sinks commit on"
                            + " checkpoints");
        }
        if (configuration
                        .get(ClassifyJobOptions.TRANSACTION_TIMEOUT)
                        .compareTo(
                                configuration
                                        .get(ClassifyJobOptions.CHECKPOINT_INTERVAL)
                                        .multipliedBy(2))
                < 0) {
            problems.add(
                    "--transaction-timeout must be at least twice --checkpoint-interval: a"
                        + " transaction stays open from one checkpoint until the next one commits"
                        + " it");
        }
        return problems;
    }

    /**
     * Reads {@code --key value} (or {@code --key=value}) pairs of {@link ClassifyJobOptions}; an
     * unknown key is refused with the list of known ones.
     */
    public static Configuration parseArgs(String... args) {
        java.util.Set<String> known = new java.util.TreeSet<>();
        ClassifyJobOptions.all().forEach(option -> known.add(option.key()));
        java.util.Map<String, String> values = new java.util.HashMap<>();
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (!arg.startsWith("--")) {
                throw new IllegalArgumentException("expected --key value, got '" + arg + "'");
            }
            String key;
            String value;
            int equals = arg.indexOf('=');
            if (equals > 0) {
                key = arg.substring(2, equals);
                value = arg.substring(equals + 1);
            } else {
                key = arg.substring(2);
                if (i + 1 >= args.length) {
                    throw new IllegalArgumentException("--" + key + " needs a value");
                }
                value = args[++i];
            }
            if (!known.contains(key)) {
                throw new IllegalArgumentException(
                        "unknown option --"
                                + key
                                + "; the options are --"
                                + String.join(", --", known));
            }
            values.put(key, value);
        }
        return Configuration.fromMap(values);
    }

    private static void positive(
            Configuration configuration, ConfigOption<Integer> option, List<String> problems) {
        if (configuration.get(option) < 1) {
            problems.add(
                    "--" + option.key() + " must be at least 1, got " + configuration.get(option));
        }
    }

    public <T> T get(ConfigOption<T> option) {
        return configuration.get(option);
    }

    /** The topics the job reads and writes. */
    public Topics.JobTopics topics() {
        return ClassifyJobOptions.topics(configuration);
    }

    public Path modelPath() {
        return Path.of(configuration.get(ClassifyJobOptions.MODEL_PATH));
    }

    /** How the shared batch scorer batches and runs the model. */
    public ScorerSettings scorerSettings() {
        return new ScorerSettings(
                configuration.get(ClassifyJobOptions.MAX_BATCH_SIZE),
                configuration.get(ClassifyJobOptions.MAX_BATCH_DELAY),
                configuration.get(ClassifyJobOptions.CONCURRENT_BATCHES),
                configuration.get(ClassifyJobOptions.INFERENCE_THREADS),
                configuration.get(ClassifyJobOptions.INFERENCE_THREAD_SPINNING),
                configuration.get(ClassifyJobOptions.DEVICE));
    }

    /** The Kafka client settings of {@code --kafka-config}, as references into its file. */
    public KafkaClientConfig kafkaClient() {
        return kafkaClient;
    }

    public ModelMetadata metadata() {
        return metadata;
    }

    /** A copy of the raw settings, e.g. for {@code setGlobalJobParameters}. */
    public Configuration configuration() {
        return new Configuration(configuration);
    }
}
