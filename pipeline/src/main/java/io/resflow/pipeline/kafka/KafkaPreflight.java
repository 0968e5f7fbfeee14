package io.resflow.pipeline.kafka;

import java.time.Duration;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.KafkaException;

/**
 * Asks a Kafka cluster, before minutes of work against it, whether it answers and which of the
 * given topics it has. Kafka's clients wait a minute for an unreachable broker and then report it
 * as "Topic images not present in metadata" or "Timeout expired while awaiting InitProducerId"; a
 * Flink job restarts several times on top of that. This says what is wrong within seconds.
 */
public final class KafkaPreflight {

    /** host:port, the host a name, IPv4 or bracketed IPv6 address. */
    private static final Pattern HOST_AND_PORT =
            Pattern.compile("(\\[[0-9a-fA-F:.]+]|[^\\s:,\\[\\]]+):\\d{1,5}");

    /**
     * Long enough for a broker under load or a slow DNS lookup; short enough for a person to wait.
     */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(15);

    private KafkaPreflight() {}

    /**
     * @return the topics among {@code topics} that the cluster does not have
     * @throws IllegalArgumentException {@code bootstrapServers} is not a list of host:port
     * @throws KafkaUnreachableException no broker answered within {@code timeout}
     */
    public static Set<String> missingTopics(
            String bootstrapServers, Collection<String> topics, Duration timeout)
            throws InterruptedException {
        for (String server : bootstrapServers.split(",", -1)) {
            if (!HOST_AND_PORT.matcher(server.trim()).matches()) {
                throw new IllegalArgumentException(
                        "--bootstrap-servers "
                                + bootstrapServers
                                + ": '"
                                + server.trim()
                                + "' is not host:port");
            }
        }
        Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG,
                Math.toIntExact(timeout.toMillis()));
        props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, Math.toIntExact(timeout.toMillis()));
        Admin admin;
        try {
            admin = Admin.create(props);
        } catch (KafkaException e) {
            // The addresses are well-formed (checked above), so: no name resolves from here.
            throw new KafkaUnreachableException(bootstrapServers, e);
        }
        try {
            Set<String> existing =
                    admin.listTopics().names().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return topics.stream()
                    .filter(t -> !existing.contains(t))
                    .collect(Collectors.toCollection(LinkedHashSet::new));
        } catch (TimeoutException | ExecutionException e) {
            throw new KafkaUnreachableException(bootstrapServers, timeout, e);
        } finally {
            admin.close(Duration.ZERO);
        }
    }

    /** Like {@link #missingTopics(String, Collection, Duration)} with {@link #DEFAULT_TIMEOUT}. */
    public static Set<String> missingTopics(String bootstrapServers, String... topics)
            throws InterruptedException {
        return missingTopics(bootstrapServers, List.of(topics), DEFAULT_TIMEOUT);
    }

    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getMessage();
    }

    /** No broker at the given address answered in time. */
    public static final class KafkaUnreachableException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        KafkaUnreachableException(String bootstrapServers, KafkaException cause) {
            super(
                    "Kafka at "
                            + bootstrapServers
                            + " cannot be reached from this machine ("
                            + rootMessage(cause)
                            + "): is that host name right, and one this machine can resolve?",
                    cause);
        }

        KafkaUnreachableException(String bootstrapServers, Duration timeout, Exception cause) {
            super(
                    "Kafka at "
                            + bootstrapServers
                            + " did not answer within "
                            + timeout.toSeconds()
                            + " s"
                            + (rootMessage(cause) == null ? "" : " (" + rootMessage(cause) + ")")
                            + ": is a broker running there, and is that an address this machine can"
                            + " reach (host:port of a listener, not of ZooKeeper or a web UI)?",
                    cause);
        }
    }
}
