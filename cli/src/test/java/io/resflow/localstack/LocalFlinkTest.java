package io.resflow.localstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import io.resflow.pipeline.classify.KafkaIo;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.CoreOptions;
import org.junit.jupiter.api.Test;

class LocalFlinkTest {

    /**
     * The keys as Flink's docs and the Prometheus plugin read them, written through typed options.
     */
    @Test
    void theClusterReportsToPrometheusOnTheGivenPortsAndRetriesThreeTimes() {
        assertThat(LocalFlink.configuration(4, "9250,9251", "8081-8091").toMap())
                .contains(
                        entry("taskmanager.numberOfTaskSlots", "4"),
                        entry("rest.bind-address", "127.0.0.1"),
                        entry("rest.address", "127.0.0.1"),
                        entry("rest.bind-port", "8081-8091"),
                        entry(
                                "metrics.reporter.prom.factory.class",
                                "org.apache.flink.metrics.prometheus.PrometheusReporterFactory"),
                        entry("metrics.reporter.prom.port", "9250,9251"),
                        entry("restart-strategy.type", "fixed-delay"),
                        entry("restart-strategy.fixed-delay.attempts", "3"),
                        entry("restart-strategy.fixed-delay.delay", "2 s"));
    }

    /** Not the JobManager's memory: a few large frames in flight would not fit its 5 MB. */
    @Test
    void checkpointsGoToAFolder() {
        Configuration conf = LocalFlink.configuration(4, "9250,9251", "8081-8091");
        assertThat(conf.get(CheckpointingOptions.CHECKPOINT_STORAGE)).isEqualTo("filesystem");
        assertThat(conf.get(CheckpointingOptions.CHECKPOINTS_DIRECTORY))
                .isEqualTo(LocalFlink.checkpointsFolder().toUri().toString())
                .startsWith("file:/");
    }

    /** A job submitted with its jars uses this class path's Kafka (KafkaClassLoadingITCase). */
    @Test
    void kafkaLoadsParentFirst() {
        assertThat(
                        LocalFlink.configuration(1, "9249", "8081")
                                .get(CoreOptions.ALWAYS_PARENT_FIRST_LOADER_PATTERNS_ADDITIONAL))
                .containsExactly(KafkaIo.PARENT_FIRST_PATTERNS);
    }
}
