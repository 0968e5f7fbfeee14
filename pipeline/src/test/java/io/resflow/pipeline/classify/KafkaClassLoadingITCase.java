package io.resflow.pipeline.classify;

import static org.assertj.core.api.Assertions.assertThat;

import io.resflow.datasets.FashionMnist;
import io.resflow.kafka.embedded.EmbeddedKafkaExtension;
import io.resflow.pipeline.kafka.Topics;
import java.net.URI;
import java.nio.file.Path;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.CoreOptions;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.minicluster.MiniClusterConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
import org.apache.flink.util.ExceptionUtils;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A cluster whose class path (Flink's {@code lib/}) holds the Kafka connector and kafka-clients, as
 * many installations do, and a job that ships kafka-clients in its jar: Flink loads the job's
 * classes child-first, so the job's copy of Kafka's classes meets the connector's copy, and
 * deserializing the job's Kafka source fails with a ClassCastException between the two {@code
 * OffsetResetStrategy} classes. {@link KafkaIo#PARENT_FIRST_PATTERNS} in the cluster's {@code
 * classloader.parent-first-patterns.additional} makes the job use the cluster's copy.
 */
class KafkaClassLoadingITCase {

    @RegisterExtension
    static final EmbeddedKafkaExtension KAFKA =
            new EmbeddedKafkaExtension(b -> b.optTopic(Topics.IMAGES, 1));

    @TempDir static Path modelDir;

    private static ClassifyJobConfig config;

    @BeforeAll
    static void model() throws Exception {
        CentroidSavedModel.export(
                FashionMnist.atDefaultLocation().load(FashionMnist.Split.TRAIN).head(200),
                modelDir);
        Configuration settings = new Configuration();
        settings.set(ClassifyJobOptions.BOOTSTRAP_SERVERS, KAFKA.bootstrapServers());
        settings.set(ClassifyJobOptions.MODEL_PATH, modelDir.toString());
        settings.set(ClassifyJobOptions.BOUNDED, true);
        config = ClassifyJobConfig.from(settings);
    }

    @Test
    void withoutTheParentFirstPatternTheTwoCopiesOfKafkaClash() {
        Throwable failure =
                org.assertj.core.api.Assertions.catchThrowable(
                        () -> runSourceWithKafkaInTheJobJar(new Configuration()));
        // The cluster sends its exception back as text.
        assertThat(ExceptionUtils.stringifyException(failure))
                .contains(
                        "ClassCastException: cannot assign instance of "
                                + OffsetResetStrategy.class.getName());
    }

    @Test
    void withThePatternTheJobUsesTheClustersKafka() throws Exception {
        Configuration cluster = new Configuration();
        cluster.set(
                CoreOptions.ALWAYS_PARENT_FIRST_LOADER_PATTERNS_ADDITIONAL,
                java.util.List.of(KafkaIo.PARENT_FIRST_PATTERNS));
        runSourceWithKafkaInTheJobJar(cluster);
    }

    /** The job's Kafka source, bounded on an empty topic, submitted with kafka-clients as a jar. */
    private static void runSourceWithKafkaInTheJobJar(Configuration clusterSettings)
            throws Exception {
        Configuration conf = new Configuration(clusterSettings);
        conf.set(RestOptions.BIND_ADDRESS, "127.0.0.1");
        conf.set(RestOptions.BIND_PORT, "0");
        conf.set(RestartStrategyOptions.RESTART_STRATEGY, "none");
        String kafkaClientsJar =
                Path.of(
                                OffsetResetStrategy.class
                                        .getProtectionDomain()
                                        .getCodeSource()
                                        .getLocation()
                                        .toURI())
                        .toString();
        try (MiniCluster cluster =
                new MiniCluster(
                        new MiniClusterConfiguration.Builder()
                                .setConfiguration(conf)
                                .setNumTaskManagers(1)
                                .setNumSlotsPerTaskManager(1)
                                .build())) {
            cluster.start();
            URI rest = cluster.getRestAddress().get();
            StreamExecutionEnvironment env =
                    StreamExecutionEnvironment.createRemoteEnvironment(
                            rest.getHost(), rest.getPort(), kafkaClientsJar);
            env.fromSource(KafkaIo.source(config), WatermarkStrategy.noWatermarks(), "kafka")
                    .sinkTo(new DiscardingSink<>());
            env.execute("kafka-class-loading");
        }
    }
}
