package io.resflow.localstack;

import io.resflow.kafka.embedded.EmbeddedKafka;
import io.resflow.pipeline.classify.ClassifyJob;
import io.resflow.pipeline.classify.ClassifyJobConfig;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.apache.flink.core.execution.JobClient;

/**
 * Everything {@code ./resflow demo}, {@code classify} and {@code bench} run on one machine: an
 * embedded Kafka broker when asked for, a local Flink cluster (web UI, Prometheus reporter) and the
 * classify jobs submitted to it. Closing stops the cluster first, with its jobs, then the broker
 * they wrote to; both also stop on Ctrl-C, which skips try-with-resources.
 *
 * <pre>{@code
 * try (LocalStack stack =
 *         LocalStack.builder()
 *                 .optKafka(Topics.DEFAULTS.partitions(4, 4))
 *                 .setSlots(2)
 *                 .start()) {
 *     JobClient job = stack.submit(ClassifyJobConfig.from(settings(stack.bootstrapServers())));
 * }
 * }</pre>
 */
public final class LocalStack implements AutoCloseable {

    private final EmbeddedKafka kafka;
    private final LocalFlink flink;

    private LocalStack(EmbeddedKafka kafka, LocalFlink flink) {
        this.kafka = kafka;
        this.flink = flink;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The embedded broker's {@code bootstrap.servers}, e.g. {@code 127.0.0.1:40123}. */
    public String bootstrapServers() {
        return broker().bootstrapServers();
    }

    /**
     * Creates topics on the embedded broker, name to partitions; existing ones stay as they are.
     */
    public void createTopics(Map<String, Integer> partitionsByName) {
        broker().createTopics(partitionsByName);
    }

    /** The Flink web UI, e.g. http://127.0.0.1:8081. */
    public String webUrl() {
        return flink.webUrl();
    }

    /**
     * The port picked for Prometheus' /metrics, e.g. http://127.0.0.1:9249/metrics; empty when the
     * whole range was taken.
     */
    public Optional<String> metricsUrl() {
        return flink.metricsUrl();
    }

    /** Submits the classify job with Kafka I/O to the local cluster. */
    public JobClient submit(ClassifyJobConfig config) throws Exception {
        return submit(config, ClassifyJob.JOB_NAME);
    }

    /** Submits the classify job with Kafka I/O to the local cluster, named as given. */
    public JobClient submit(ClassifyJobConfig config, String jobName) throws Exception {
        return ClassifyJob.onKafka(config).executeAsync(flink.environment(), jobName);
    }

    /** Stops the cluster, then the broker; the broker is stopped even when the cluster fails to. */
    @Override
    public void close() throws Exception {
        try (EmbeddedKafka last = kafka) {
            flink.close();
        }
    }

    private EmbeddedKafka broker() {
        if (kafka == null) {
            throw new IllegalStateException(
                    "this local stack runs no Kafka broker; start it with optKafka(..)");
        }
        return kafka;
    }

    /** What to start; only the number of slots is required. */
    public static final class Builder {
        private Map<String, Integer> kafkaTopics;
        private int slots;
        private String metricsPorts = "9249-9259";
        private String webPorts = "8081-8091";

        private Builder() {}

        /**
         * Starts an embedded Kafka broker with these topics (name to partitions; none is fine).
         * Without it the jobs use a Kafka of their own.
         */
        public Builder optKafka(Map<String, Integer> topics) {
            this.kafkaTopics = new LinkedHashMap<>(topics);
            return this;
        }

        /** Task slots of the cluster: at least the parallelism of every job that runs at once. */
        public Builder setSlots(int slots) {
            this.slots = slots;
            return this;
        }

        /** Port or range for Prometheus' /metrics (default 9249-9259). */
        public Builder optMetricsPorts(String metricsPorts) {
            this.metricsPorts = metricsPorts;
            return this;
        }

        /** Port or range for the web UI and REST API (default 8081-8091). */
        public Builder optWebPorts(String webPorts) {
            this.webPorts = webPorts;
            return this;
        }

        /** Checks the settings, then starts the broker (if asked for) and the cluster. */
        public LocalStack start() throws Exception {
            if (slots < 1) {
                throw new IllegalArgumentException(
                        "a local Flink cluster needs at least one task slot, got " + slots);
            }
            EmbeddedKafka kafka =
                    kafkaTopics == null
                            ? null
                            : EmbeddedKafka.builder().optTopics(kafkaTopics).build().start();
            try {
                return new LocalStack(kafka, LocalFlink.start(slots, metricsPorts, webPorts));
            } catch (Exception | Error e) {
                if (kafka != null) {
                    kafka.close();
                }
                throw e;
            }
        }
    }
}
