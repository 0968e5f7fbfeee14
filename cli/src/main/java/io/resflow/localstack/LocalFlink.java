package io.resflow.localstack;

import io.resflow.pipeline.classify.KafkaIo;
import io.resflow.runtime.cache.ResflowCache;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.CoreOptions;
import org.apache.flink.configuration.MetricOptions;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.core.plugin.PluginUtils;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.minicluster.MiniClusterConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.NetUtils;

/**
 * A Flink cluster inside this JVM (Flink's MiniCluster) with its web UI and the Prometheus
 * reporter, as ./resflow demo and classify use it. Jobs are submitted through its REST endpoint,
 * like to any cluster.
 *
 * <p>The cluster is built here rather than by {@code createLocalEnvironment} because only this way
 * it gets a plugin manager: Flink's Prometheus reporter bundles an old Prometheus client without
 * relocating it, so it must load from {@code FLINK_PLUGINS_DIR} in its own class loader (as on a
 * real cluster) instead of clashing with the trainer's client on the class path.
 */
public final class LocalFlink implements AutoCloseable {

    /** The reporter's name: its settings are {@code metrics.reporter.prom.*}. */
    private static final String PROMETHEUS_REPORTER = "prom";

    /**
     * Flink's Prometheus reporter; a plugin, so not on this class path (see the class comment), and
     * named rather than referenced.
     */
    private static final String PROMETHEUS_FACTORY =
            "org.apache.flink.metrics.prometheus.PrometheusReporterFactory";

    /**
     * The reporter's port or ports ({@code PrometheusReporterFactory.ARG_PORT}): the plugin
     * declares no option for it that this class path could see.
     */
    private static final ConfigOption<String> PROMETHEUS_PORT =
            ConfigOptions.key("port")
                    .stringType()
                    .noDefaultValue()
                    .withDescription("Port, ports or port range of Prometheus' /metrics.");

    private final MiniCluster cluster;
    private final URI restAddress;
    private final OptionalInt metricsPort;
    private final Thread closeOnExit;

    private LocalFlink(
            MiniCluster cluster, URI restAddress, OptionalInt metricsPort, Thread closeOnExit) {
        this.cluster = cluster;
        this.restAddress = restAddress;
        this.metricsPort = metricsPort;
        this.closeOnExit = closeOnExit;
    }

    /**
     * @param metricsPorts port or range for Prometheus' /metrics, e.g. "9249-9259"
     * @param webPorts port or range for the web UI and REST API, e.g. "8081-8091"
     */
    public static LocalFlink start(int slots, String metricsPorts, String webPorts)
            throws Exception {
        // The reporter takes the first free port of a range without saying which; picked here, the
        // port is known (another process may hold the first one). The reporter still gets the rest
        // of the range, in case another process takes the picked port before the reporter binds
        // it.
        List<Integer> freeFirst = freeFirst(metricsPorts);
        OptionalInt metricsPort =
                freeFirst.isEmpty() ? OptionalInt.empty() : OptionalInt.of(freeFirst.get(0));
        Configuration conf =
                configuration(
                        slots,
                        freeFirst.isEmpty()
                                ? metricsPorts
                                : freeFirst.stream()
                                        .map(String::valueOf)
                                        .collect(Collectors.joining(",")),
                        webPorts);
        MiniCluster cluster =
                new MiniCluster(
                        new MiniClusterConfiguration.Builder()
                                .setConfiguration(conf)
                                .setNumTaskManagers(1)
                                .setNumSlotsPerTaskManager(slots)
                                .setPluginManager(
                                        PluginUtils.createPluginManagerFromRootFolder(conf))
                                .build());
        // Ctrl-C ends the JVM without closing what try-with-resources holds: the cluster would
        // leave
        // its RPC system's jar (21 MB) and upload folder in the temp directory every time.
        Thread closeOnExit =
                new Thread(
                        () -> {
                            try {
                                cluster.closeAsync().get(30, TimeUnit.SECONDS);
                            } catch (Exception e) {
                                // The JVM is ending either way.
                            }
                        },
                        "local-flink-shutdown");
        Runtime.getRuntime().addShutdownHook(closeOnExit);
        try {
            cluster.start();
            return new LocalFlink(
                    cluster, cluster.getRestAddress().get(), metricsPort, closeOnExit);
        } catch (Exception e) {
            Runtime.getRuntime().removeShutdownHook(closeOnExit);
            cluster.close();
            throw e;
        }
    }

    /** The cluster's settings: loopback web UI, the Prometheus reporter, a bounded restart. */
    static Configuration configuration(int slots, String reporterPorts, String webPorts) {
        Configuration conf = new Configuration();
        conf.set(TaskManagerOptions.NUM_TASK_SLOTS, slots);
        conf.set(RestOptions.BIND_ADDRESS, "127.0.0.1");
        conf.set(RestOptions.ADDRESS, "127.0.0.1");
        conf.set(RestOptions.BIND_PORT, webPorts);
        Configuration prometheus = MetricOptions.forReporter(conf, PROMETHEUS_REPORTER);
        prometheus.set(MetricOptions.REPORTER_FACTORY_CLASS, PROMETHEUS_FACTORY);
        prometheus.set(PROMETHEUS_PORT, reporterPorts);
        // Checkpoints in a folder, as on a real cluster, not in the JobManager's memory: a frame of
        // a few MB waiting for scoring exceeded the memory backend's 5 MB (issue 17), and a
        // checkpoint kept on disk outlives the local job that wrote it.
        conf.set(CheckpointingOptions.CHECKPOINT_STORAGE, "filesystem");
        conf.set(
                CheckpointingOptions.CHECKPOINTS_DIRECTORY, checkpointsFolder().toUri().toString());
        // Jobs submitted here with their jars use this class path's Kafka, as on any cluster with
        // Kafka in lib/ (KafkaIo.PARENT_FIRST_PATTERNS).
        conf.set(
                CoreOptions.ALWAYS_PARENT_FIRST_LOADER_PATTERNS_ADDITIONAL,
                List.of(KafkaIo.PARENT_FIRST_PATTERNS));
        // A failing job is retried a few times, then stops with its error: never a restart loop.
        conf.set(RestartStrategyOptions.RESTART_STRATEGY, "fixed-delay");
        conf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS, 3);
        conf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY, Duration.ofSeconds(2));
        return conf;
    }

    /**
     * Where local clusters keep their jobs' checkpoints: {@code checkpoints} in ResFlow's folder.
     */
    static java.nio.file.Path checkpointsFolder() {
        return ResflowCache.root().resolve("checkpoints");
    }

    /**
     * The ports of {@code range} from the first free one on (where the reporter binds: every
     * interface).
     */
    private static List<Integer> freeFirst(String range) {
        Iterator<Integer> ports;
        try {
            ports = NetUtils.getPortRangeFromString(range);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(
                    "metrics port range " + range + ": " + e.getMessage(), e);
        }
        List<Integer> fromFirstFree = new ArrayList<>();
        while (ports.hasNext()) {
            int port = ports.next();
            if (fromFirstFree.isEmpty()) {
                try (ServerSocket probe = new ServerSocket(port)) {
                    fromFirstFree.add(port);
                } catch (IOException taken) {
                    // Try the next one.
                }
            } else {
                fromFirstFree.add(port);
            }
        }
        return fromFirstFree;
    }

    /**
     * Prometheus' /metrics of this cluster, e.g. http://127.0.0.1:9249/metrics; empty when the
     * whole range was taken.
     */
    public Optional<String> metricsUrl() {
        return metricsPort.isPresent()
                ? Optional.of("http://127.0.0.1:" + metricsPort.getAsInt() + "/metrics")
                : Optional.empty();
    }

    /** The web UI, e.g. http://127.0.0.1:8081. */
    public String webUrl() {
        return "http://" + restAddress.getHost() + ":" + restAddress.getPort();
    }

    /** An environment that submits to this cluster; the classes are already on its class path. */
    public StreamExecutionEnvironment environment() {
        return StreamExecutionEnvironment.createRemoteEnvironment(
                restAddress.getHost(), restAddress.getPort());
    }

    @Override
    public void close() throws Exception {
        try {
            Runtime.getRuntime().removeShutdownHook(closeOnExit);
        } catch (IllegalStateException shuttingDown) {
            // The hook closes the cluster.
            return;
        }
        cluster.close();
    }
}
