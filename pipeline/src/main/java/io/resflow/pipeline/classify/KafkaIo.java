package io.resflow.pipeline.classify;

import static io.resflow.pipeline.classify.ClassifyJobOptions.BOOTSTRAP_SERVERS;
import static io.resflow.pipeline.classify.ClassifyJobOptions.BOUNDED;
import static io.resflow.pipeline.classify.ClassifyJobOptions.DEAD_LETTERS_TOPIC;
import static io.resflow.pipeline.classify.ClassifyJobOptions.GROUP_ID;
import static io.resflow.pipeline.classify.ClassifyJobOptions.IMAGES_TOPIC;
import static io.resflow.pipeline.classify.ClassifyJobOptions.LABELS_TOPIC;
import static io.resflow.pipeline.classify.ClassifyJobOptions.LABEL_STATS_TOPIC;
import static io.resflow.pipeline.classify.ClassifyJobOptions.MODEL_UPDATES_TOPIC;
import static io.resflow.pipeline.classify.ClassifyJobOptions.RETRAINING_TOPIC;
import static io.resflow.pipeline.classify.ClassifyJobOptions.TRANSACTIONAL_ID_PREFIX;
import static io.resflow.pipeline.classify.ClassifyJobOptions.TRANSACTION_TIMEOUT;
import static io.resflow.pipeline.kafka.KafkaRecordLimits.MAX_RECORD_BYTES;

import io.resflow.pipeline.kafka.ModelUpdateRecords;
import io.resflow.pipeline.kafka.OutputRecords;
import io.resflow.pipeline.kafka.RawFrameDeserializer;
import io.resflow.pipeline.records.ModelUpdateRecord;
import io.resflow.pipeline.records.RawFrame;
import java.time.Duration;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.KafkaSourceBuilder;
import org.apache.flink.connector.kafka.source.KafkaSourceOptions;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.IsolationLevel;

/** The production wiring of {@link ClassifyJob}: Kafka in, Kafka out, exactly once. */
public final class KafkaIo {

    /**
     * For a cluster's {@code classloader.parent-first-patterns.additional}: Kafka's classes come
     * from the cluster's class path when it has them. A Flink whose {@code lib/} holds the Kafka
     * connector (or kafka-clients) otherwise loads the job jar's copy child-first next to the
     * connector's, and the job fails at submission with a ClassCastException between the two {@code
     * OffsetResetStrategy} classes (KafkaClassLoadingITCase). Without Kafka in {@code lib/} the job
     * jar's copy is used as before: parent-first falls back to the job's classes.
     */
    public static final String PARENT_FIRST_PATTERNS = "org.apache.kafka.";

    /** How often the source looks for new partitions of the images topic. */
    private static final Duration PARTITION_DISCOVERY_INTERVAL = Duration.ofSeconds(10);

    private KafkaIo() {}

    /**
     * Reads the images topic from the group's committed offsets (the earliest offset for a new
     * group); bounded runs stop at the offsets that are latest when the job starts.
     */
    public static KafkaSource<RawFrame> source(ClassifyJobConfig config) {
        KafkaSourceBuilder<RawFrame> builder =
                KafkaSource.<RawFrame>builder()
                        .setBootstrapServers(config.get(BOOTSTRAP_SERVERS))
                        .setTopics(config.get(IMAGES_TOPIC))
                        .setGroupId(config.get(GROUP_ID))
                        .setStartingOffsets(
                                OffsetsInitializer.committedOffsets(OffsetResetStrategy.EARLIEST))
                        .setDeserializer(new RawFrameDeserializer())
                        // Security settings as references into --kafka-config's file: each
                        // client reads it on the JobManager or TaskManager (KafkaClientConfig).
                        .setProperties(config.kafkaClient().clientProperties())
                        .setProperty(
                                ConsumerConfig.ISOLATION_LEVEL_CONFIG,
                                IsolationLevel.READ_COMMITTED.toString())
                        .setProperty(
                                KafkaSourceOptions.PARTITION_DISCOVERY_INTERVAL_MS.key(),
                                Long.toString(PARTITION_DISCOVERY_INTERVAL.toMillis()));
        if (config.get(BOUNDED)) {
            builder.setBounded(OffsetsInitializer.latest());
        }
        return builder.build();
    }

    /**
     * Reads the control topic from {@code startMillis} (the moment the job was built: history
     * before it is what the command line's model replaced) on a fresh start, and from its
     * checkpointed offsets after a restart. Bounded runs stop at the offsets latest at the start.
     */
    public static KafkaSource<ModelUpdateRecord> modelUpdates(
            ClassifyJobConfig config, long startMillis) {
        KafkaSourceBuilder<ModelUpdateRecord> builder =
                KafkaSource.<ModelUpdateRecord>builder()
                        .setBootstrapServers(config.get(BOOTSTRAP_SERVERS))
                        .setTopics(config.get(MODEL_UPDATES_TOPIC))
                        .setGroupId(modelUpdatesGroupId(config.get(GROUP_ID)))
                        .setStartingOffsets(OffsetsInitializer.timestamp(startMillis))
                        .setDeserializer(new ModelUpdateRecords.Deserializer())
                        .setProperties(config.kafkaClient().clientProperties())
                        .setProperty(
                                ConsumerConfig.ISOLATION_LEVEL_CONFIG,
                                IsolationLevel.READ_COMMITTED.toString());
        if (config.get(BOUNDED)) {
            builder.setBounded(OffsetsInitializer.latest());
        }
        return builder.build();
    }

    /** The consumer group the job reads the control topic as: its own, with a suffix. */
    public static String modelUpdatesGroupId(String groupId) {
        return groupId + "-" + MODEL_UPDATES_TOPIC.key();
    }

    public static ClassifyJob.Sinks sinks(ClassifyJobConfig config) {
        return new ClassifyJob.Sinks(
                sink(config, "labels", OutputRecords.labels(config.get(LABELS_TOPIC))),
                sink(
                        config,
                        "dead-letters",
                        OutputRecords.deadLetters(
                                config.get(DEAD_LETTERS_TOPIC), MAX_RECORD_BYTES)),
                sink(config, "retraining", OutputRecords.retraining(config.get(RETRAINING_TOPIC))),
                sink(
                        config,
                        "label-stats",
                        OutputRecords.labelStats(config.get(LABEL_STATS_TOPIC))),
                sink(
                        config,
                        "model-updates",
                        ModelUpdateRecords.serializer(config.get(MODEL_UPDATES_TOPIC))));
    }

    private static <T> KafkaSink<T> sink(
            ClassifyJobConfig config, String name, KafkaRecordSerializationSchema<T> serializer) {
        Duration transactionTimeout = config.get(TRANSACTION_TIMEOUT);
        return KafkaSink.<T>builder()
                .setBootstrapServers(config.get(BOOTSTRAP_SERVERS))
                .setRecordSerializer(serializer)
                .setDeliveryGuarantee(DeliveryGuarantee.EXACTLY_ONCE)
                .setTransactionalIdPrefix(config.get(TRANSACTIONAL_ID_PREFIX) + "-" + name)
                .setKafkaProducerConfig(config.kafkaClient().clientProperties())
                .setProperty(
                        ProducerConfig.TRANSACTION_TIMEOUT_CONFIG,
                        Long.toString(transactionTimeout.toMillis()))
                .setProperty(
                        ProducerConfig.MAX_REQUEST_SIZE_CONFIG, Integer.toString(MAX_RECORD_BYTES))
                .build();
    }
}
