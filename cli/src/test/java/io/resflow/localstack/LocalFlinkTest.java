package io.resflow.localstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

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
                        entry("classloader.parent-first-patterns.additional", "org.apache.kafka."),
                        entry("restart-strategy.type", "fixed-delay"),
                        entry("restart-strategy.fixed-delay.attempts", "3"),
                        entry("restart-strategy.fixed-delay.delay", "2 s"));
    }
}
