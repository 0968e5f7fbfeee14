package io.resflow.pipeline.classify;

import io.resflow.pipeline.kafka.Topics;
import io.resflow.pipeline.scoring.DeviceChoice;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.ReadableConfig;

/**
 * Every setting of {@link ClassifyJob}, typed, with its default and description in one place. The
 * launcher builds {@code ./resflow classify --help} from this list, and the Kubernetes manifests
 * are checked against it.
 */
public final class ClassifyJobOptions {

    public static final ConfigOption<String> BOOTSTRAP_SERVERS =
            ConfigOptions.key("bootstrap-servers")
                    .stringType()
                    .noDefaultValue()
                    .withDescription("Kafka bootstrap servers, host:port[,host:port].");

    public static final ConfigOption<String> KAFKA_CONFIG =
            ConfigOptions.key("kafka-config")
                    .stringType()
                    .noDefaultValue()
                    .withDescription(
                            "Properties file of Kafka client settings (security.protocol, ssl.*,"
                                + " sasl.*) as Kafka's own clients take them; each Kafka client"
                                + " reads it where it runs, so on a cluster it must be at this path"
                                + " on the JobManager and TaskManagers (a mounted Secret). Only the"
                                + " path enters the job's parameters.");

    public static final ConfigOption<String> MODEL_PATH =
            ConfigOptions.key("model")
                    .stringType()
                    .noDefaultValue()
                    .withDescription(
                            "Directory of the SavedModel to serve (with"
                                    + " assets/resflow-model.json).");

    public static final ConfigOption<String> IMAGES_TOPIC =
            ConfigOptions.key("images-topic")
                    .stringType()
                    .defaultValue(Topics.IMAGES)
                    .withDescription("Topic of incoming ImageRecords.");

    public static final ConfigOption<String> LABELS_TOPIC =
            ConfigOptions.key("labels-topic")
                    .stringType()
                    .defaultValue(Topics.LABELS)
                    .withDescription("Topic for Predictions.");

    public static final ConfigOption<String> DEAD_LETTERS_TOPIC =
            ConfigOptions.key("dead-letters-topic")
                    .stringType()
                    .defaultValue(Topics.DEAD_LETTERS)
                    .withDescription("Topic for DeadLetters.");

    public static final ConfigOption<String> RETRAINING_TOPIC =
            ConfigOptions.key("retraining-topic")
                    .stringType()
                    .defaultValue(Topics.RETRAINING)
                    .withDescription(
                            "Topic for low-confidence or mislabelled ImageRecords (the retraining"
                                    + " feed).");

    public static final ConfigOption<String> LABEL_STATS_TOPIC =
            ConfigOptions.key("label-stats-topic")
                    .stringType()
                    .defaultValue(Topics.LABEL_STATS)
                    .withDescription("Topic for windowed LabelStats.");

    public static final ConfigOption<String> MODEL_UPDATES_TOPIC =
            ConfigOptions.key("model-updates-topic")
                    .stringType()
                    .defaultValue(Topics.MODEL_UPDATES)
                    .withDescription(
                            "Control topic (ModelUpdate, one partition): DEPLOY and ROLLBACK"
                                    + " commands in, the job's LOADED and REFUSED answers out.");

    public static final ConfigOption<String> MODEL_REGISTRY =
            ConfigOptions.key("model-registry")
                    .stringType()
                    .noDefaultValue()
                    .withDescription(
                            "Root of the model registry (<root>/<model>/<version>/, a path or a"
                                    + " file-system URI such as s3://bucket/models) where DEPLOY"
                                    + " commands without a location find their version.");

    public static final ConfigOption<String> GROUP_ID =
            ConfigOptions.key("group-id")
                    .stringType()
                    .defaultValue("resflow-classify")
                    .withDescription("Kafka consumer group; offsets are committed on checkpoints.");

    public static final ConfigOption<String> TRANSACTIONAL_ID_PREFIX =
            ConfigOptions.key("transactional-id-prefix")
                    .stringType()
                    .defaultValue("resflow-classify")
                    .withDescription(
                            "Prefix of the Kafka transactional ids of the exactly-once sinks;"
                                    + " unique per job.");

    public static final ConfigOption<Boolean> BOUNDED =
            ConfigOptions.key("bounded")
                    .booleanType()
                    .defaultValue(false)
                    .withDescription(
                            "Stop after the records that are in the images topic when the job"
                                    + " starts.");

    public static final ConfigOption<Integer> PARALLELISM =
            ConfigOptions.key("parallelism")
                    .intType()
                    .defaultValue(1)
                    .withDescription("Parallelism of every operator.");

    public static final ConfigOption<Integer> MAX_BATCH_SIZE =
            ConfigOptions.key("max-batch-size")
                    .intType()
                    .defaultValue(64)
                    .withDescription("Most images scored in one model call.");

    public static final ConfigOption<Duration> MAX_BATCH_DELAY =
            ConfigOptions.key("max-batch-delay")
                    .durationType()
                    .defaultValue(Duration.ofMillis(10))
                    .withDescription(
                            "Longest an image waits for its batch to fill before the batch is"
                                    + " scored anyway.");

    public static final ConfigOption<Integer> CONCURRENT_BATCHES =
            ConfigOptions.key("concurrent-batches")
                    .intType()
                    .defaultValue(1)
                    .withDescription(
                            "Batches scored at the same time per TaskManager and device; 2 lets one"
                                    + " batch fill while another is in the model.");

    public static final ConfigOption<Integer> INFERENCE_THREADS =
            ConfigOptions.key("inference-threads")
                    .intType()
                    .defaultValue(0)
                    .withDescription(
                            "CPU threads in each of TensorFlow's two pools (intra-op: one operation"
                                + " split over threads; inter-op: operations and batches side by"
                                + " side); 0: one per CPU the TaskManager's JVM may use (in a"
                                + " container, its CPU limit; TensorFlow's own default would count"
                                + " the node's cores).");

    public static final ConfigOption<Boolean> INFERENCE_THREAD_SPINNING =
            ConfigOptions.key("inference-thread-spinning")
                    .booleanType()
                    .defaultValue(false)
                    .withDescription(
                            "Let TensorFlow's idle threads spin instead of sleeping (TensorFlow's"
                                + " own default). Off by default: spinning threads take CPU that"
                                + " decoding and Kafka need on shared cores (measured on 2 cores:"
                                + " more pipeline throughput and no worse latency without it); on"
                                + " can help a dedicated inference host.");

    public static final ConfigOption<Integer> ASYNC_CAPACITY =
            ConfigOptions.key("async-capacity")
                    .intType()
                    .defaultValue(512)
                    .withDescription(
                            "Images in flight per scoring subtask; at least a few batches' worth.");

    public static final ConfigOption<Duration> ASYNC_TIMEOUT =
            ConfigOptions.key("async-timeout")
                    .durationType()
                    .defaultValue(Duration.ofSeconds(60))
                    .withDescription("An image not scored within this time goes to dead letters.");

    public static final ConfigOption<DeviceChoice> DEVICE =
            ConfigOptions.key("device")
                    .enumType(DeviceChoice.class)
                    .defaultValue(DeviceChoice.AUTO)
                    .withDescription(
                            "AUTO: a GPU when the TaskManager has GPUs (subtasks take them in turn;"
                                + " TensorFlow places the graph on the first visible GPU, so give"
                                + " each TaskManager one GPU), else CPU. CPU: always the CPU. GPU:"
                                + " a GPU or the job does not start (a TaskManager whose engine"
                                + " sees none fails with what to check, instead of scoring on its"
                                + " CPU).");

    public static final ConfigOption<Boolean> RESIZE =
            ConfigOptions.key("resize")
                    .booleanType()
                    .defaultValue(true)
                    .withDescription(
                            "Resize images of another size to the model's input; if false they"
                                    + " become dead letters.");

    public static final ConfigOption<Integer> TOP_K =
            ConfigOptions.key("top-k")
                    .intType()
                    .defaultValue(3)
                    .withDescription("Classes listed per prediction.");

    public static final ConfigOption<Double> CONFIDENCE_THRESHOLD =
            ConfigOptions.key("confidence-threshold")
                    .doubleType()
                    .defaultValue(0.6)
                    .withDescription(
                            "Predictions whose top-1 score is below this go to the retraining feed"
                                    + " too.");

    public static final ConfigOption<Duration> STATS_WINDOW =
            ConfigOptions.key("stats-window")
                    .durationType()
                    .defaultValue(Duration.ofSeconds(10))
                    .withDescription("Length of the event-time tumbling windows of label-stats.");

    public static final ConfigOption<Duration> OUT_OF_ORDERNESS =
            ConfigOptions.key("out-of-orderness")
                    .durationType()
                    .defaultValue(Duration.ofSeconds(2))
                    .withDescription(
                            "How late a frame's capture time may be behind the newest one before"
                                    + " the watermark passes it.");

    public static final ConfigOption<Duration> ALLOWED_LATENESS =
            ConfigOptions.key("allowed-lateness")
                    .durationType()
                    .defaultValue(Duration.ofSeconds(30))
                    .withDescription(
                            "Late frames still update a fired label-stats window for this long (the"
                                    + " window is emitted again).");

    public static final ConfigOption<Duration> IDLENESS =
            ConfigOptions.key("idle-source-timeout")
                    .durationType()
                    .defaultValue(Duration.ofSeconds(5))
                    .withDescription(
                            "A Kafka partition without frames for this long stops holding the"
                                + " watermark back (each partition keeps its own; the lowest is the"
                                + " job's).");

    public static final ConfigOption<Duration> CHECKPOINT_INTERVAL =
            ConfigOptions.key("checkpoint-interval")
                    .durationType()
                    .defaultValue(Duration.ofSeconds(5))
                    .withDescription(
                            "Checkpoint interval; labels become visible to read_committed consumers"
                                    + " at each checkpoint.");

    // Not derived from the checkpoint interval: after a failure, a checkpoint's transactions are
    // committed only once
    // the job is back (heartbeat timeout, new pod, model load), and Kafka aborts any older than
    // this, which Flink's
    // KafkaSink logs and drops: that checkpoint's labels and dead letters would be lost. Longer is
    // safer; the cost
    // is that a job that never comes back holds read_committed consumers of its topics until the
    // timeout.
    public static final ConfigOption<Duration> TRANSACTION_TIMEOUT =
            ConfigOptions.key("transaction-timeout")
                    .durationType()
                    .defaultValue(Duration.ofMinutes(15))
                    .withDescription(
                            "How long a checkpoint's Kafka transactions may wait for their commit,"
                                + " also across a restart; must exceed the checkpoint interval plus"
                                + " the longest recovery, and not exceed the brokers'"
                                + " transaction.max.timeout.ms (15 minutes by default).");

    private ClassifyJobOptions() {}

    /** The six topic options as {@code settings} has them (their defaults when not set). */
    public static Topics.JobTopics topics(ReadableConfig settings) {
        return new Topics.JobTopics(
                settings.get(IMAGES_TOPIC),
                settings.get(LABELS_TOPIC),
                settings.get(DEAD_LETTERS_TOPIC),
                settings.get(RETRAINING_TOPIC),
                settings.get(LABEL_STATS_TOPIC),
                settings.get(MODEL_UPDATES_TOPIC));
    }

    /** Sets the six topic options to {@code topics}. */
    public static void setTopics(Configuration settings, Topics.JobTopics topics) {
        settings.set(IMAGES_TOPIC, topics.images());
        settings.set(LABELS_TOPIC, topics.labels());
        settings.set(DEAD_LETTERS_TOPIC, topics.deadLetters());
        settings.set(RETRAINING_TOPIC, topics.retraining());
        settings.set(LABEL_STATS_TOPIC, topics.labelStats());
        settings.set(MODEL_UPDATES_TOPIC, topics.modelUpdates());
    }

    /** Every option above, in declaration order. */
    public static List<ConfigOption<?>> all() {
        List<ConfigOption<?>> options = new ArrayList<>();
        for (Field field : ClassifyJobOptions.class.getDeclaredFields()) {
            if (Modifier.isStatic(field.getModifiers())
                    && ConfigOption.class.isAssignableFrom(field.getType())) {
                try {
                    options.add((ConfigOption<?>) field.get(null));
                } catch (IllegalAccessException e) {
                    throw new IllegalStateException(e);
                }
            }
        }
        return options;
    }
}
