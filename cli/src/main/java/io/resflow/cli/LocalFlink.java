package io.resflow.cli;

import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * A Flink cluster inside this JVM (Flink's MiniCluster, what {@code createLocalEnvironment}
 * starts), with its web UI and the Prometheus reporter, as ./resflow demo and classify use it.
 */
final class LocalFlink {

    static final String PROMETHEUS_REPORTER = "metrics.reporter.prom.";

    private LocalFlink() {}

    /**
     * @param metricsPorts port or range for Prometheus' /metrics, e.g. "9249-9259"
     * @param webPorts port or range for the web UI, e.g. "8081-8091"
     */
    static StreamExecutionEnvironment environment(int slots, String metricsPorts, String webPorts) {
        Configuration conf = new Configuration();
        conf.set(TaskManagerOptions.NUM_TASK_SLOTS, slots);
        conf.set(RestOptions.BIND_ADDRESS, "127.0.0.1");
        conf.set(RestOptions.BIND_PORT, webPorts);
        conf.setString(PROMETHEUS_REPORTER + "factory.class", "org.apache.flink.metrics.prometheus.PrometheusReporterFactory");
        conf.setString(PROMETHEUS_REPORTER + "port", metricsPorts);
        // A failing job is retried a few times, then stops with its error: never a restart loop.
        conf.setString("restart-strategy.type", "fixed-delay");
        conf.setString("restart-strategy.fixed-delay.attempts", "3");
        conf.setString("restart-strategy.fixed-delay.delay", "2 s");
        return StreamExecutionEnvironment.createLocalEnvironmentWithWebUI(conf);
    }
}
