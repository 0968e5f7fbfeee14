package io.resflow.pipeline.kafka;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeTopicsOptions;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.SslAuthenticationException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

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
        return check(bootstrapServers, KafkaClientConfig.none(), topics, List.of(), timeout)
                .missing();
    }

    /**
     * What a command needs to know before it starts: the topics among {@code reads} and {@code
     * writes} that the cluster does not have (or does not show this user), and the existing ones
     * this user may not read or write, as the broker's ACLs say ({@code authorizedOperations}).
     *
     * @throws IllegalArgumentException {@code bootstrapServers} is not a list of host:port, or the
     *     client settings are not usable
     * @throws KafkaUnreachableException no broker answered within {@code timeout}
     * @throws KafkaAuthenticationException the broker refused the client's TLS or SASL credentials
     */
    public static Access check(
            String bootstrapServers,
            KafkaClientConfig client,
            Collection<String> reads,
            Collection<String> writes,
            Duration timeout)
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
        Properties props = client.clientProperties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG,
                Math.toIntExact(timeout.toMillis()));
        props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, Math.toIntExact(timeout.toMillis()));
        Admin admin;
        try {
            admin = Admin.create(props);
        } catch (KafkaException e) {
            Throwable root = rootCause(e);
            if (root instanceof ConfigException config
                    && !String.valueOf(config.getMessage())
                            .contains(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG)) {
                // A setting of the file, or a file its provider cannot read.
                throw new IllegalArgumentException(
                        "Kafka client settings of --kafka-config "
                                + client.file().map(Path::toString).orElse("")
                                + " are not usable: "
                                + client.redact(config.getMessage()));
            }
            // The addresses are well-formed (checked above), so: no name resolves from here.
            throw new KafkaUnreachableException(bootstrapServers, e);
        }
        try {
            // Also the probe that a broker answers and takes the credentials.
            admin.listTopics().names().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            Set<String> wanted = new LinkedHashSet<>(reads);
            wanted.addAll(writes);
            Set<String> missing = new LinkedHashSet<>();
            List<String> denied = new ArrayList<>();
            if (!wanted.isEmpty()) {
                // Described one by one: a topic this user may not see answers "not authorized",
                // one that does not exist "unknown".
                Map<String, KafkaFuture<TopicDescription>> described =
                        admin.describeTopics(
                                        wanted,
                                        new DescribeTopicsOptions()
                                                .includeAuthorizedOperations(true))
                                .topicNameValues();
                for (String topic : wanted) {
                    Set<AclOperation> allowed;
                    try {
                        allowed =
                                described
                                        .get(topic)
                                        .get(timeout.toMillis(), TimeUnit.MILLISECONDS)
                                        .authorizedOperations();
                    } catch (ExecutionException e) {
                        if (e.getCause() instanceof UnknownTopicOrPartitionException) {
                            missing.add(topic);
                            continue;
                        }
                        if (!(e.getCause() instanceof TopicAuthorizationException)) {
                            throw e;
                        }
                        allowed = Set.of();
                    }
                    if (allowed == null) {
                        continue; // The broker did not say.
                    }
                    if (reads.contains(topic) && !allows(allowed, AclOperation.READ)) {
                        denied.add("READ on topic " + topic);
                    }
                    if (writes.contains(topic) && !allows(allowed, AclOperation.WRITE)) {
                        denied.add("WRITE on topic " + topic);
                    }
                }
            }
            return new Access(missing, denied);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof AuthenticationException refused) {
                throw new KafkaAuthenticationException(bootstrapServers, client, refused);
            }
            throw new KafkaUnreachableException(bootstrapServers, timeout, client, e);
        } catch (TimeoutException e) {
            throw new KafkaUnreachableException(bootstrapServers, timeout, client, e);
        } finally {
            admin.close(Duration.ZERO);
        }
    }

    private static boolean allows(Set<AclOperation> allowed, AclOperation operation) {
        return allowed.contains(operation) || allowed.contains(AclOperation.ALL);
    }

    /**
     * What {@link #check} found.
     *
     * @param missing topics the cluster does not have, or does not show this user
     * @param denied e.g. "WRITE on topic labels": operations the broker's ACLs deny this user
     */
    public record Access(Set<String> missing, List<String> denied) {}

    /** The topics among {@code topics} the cluster lacks, asked with {@code client}'s settings. */
    public static Set<String> missingTopics(
            String bootstrapServers, KafkaClientConfig client, String... topics)
            throws InterruptedException {
        return check(bootstrapServers, client, List.of(topics), List.of(), DEFAULT_TIMEOUT)
                .missing();
    }

    /** Like {@link #missingTopics(String, Collection, Duration)} with {@link #DEFAULT_TIMEOUT}. */
    public static Set<String> missingTopics(String bootstrapServers, String... topics)
            throws InterruptedException {
        return missingTopics(bootstrapServers, List.of(topics), DEFAULT_TIMEOUT);
    }

    private static String rootMessage(Throwable e) {
        return rootCause(e).getMessage();
    }

    private static Throwable rootCause(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root;
    }

    /** The broker refused this client's credentials (SASL) or TLS handshake. */
    public static final class KafkaAuthenticationException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        KafkaAuthenticationException(
                String bootstrapServers, KafkaClientConfig client, AuthenticationException cause) {
            // Kafka's message, redacted; not chained, so no stack trace repeats a setting.
            super(
                    "Kafka at "
                            + bootstrapServers
                            + " refused "
                            + (cause instanceof SslAuthenticationException
                                    ? "the TLS handshake"
                                    : "the credentials")
                            + " of --kafka-config "
                            + client.file().map(Path::toString).orElse("(none given)")
                            + ": "
                            + client.redact(cause.getMessage())
                            + (cause instanceof SslAuthenticationException
                                    ? " (check ssl.truststore.* against the broker's CA, and"
                                            + " ssl.keystore.* for mTLS)"
                                    : " (check the user name and password in sasl.jaas.config,"
                                            + " and sasl.mechanism)"));
        }
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

        KafkaUnreachableException(
                String bootstrapServers,
                Duration timeout,
                KafkaClientConfig client,
                Exception cause) {
            super(
                    "Kafka at "
                            + bootstrapServers
                            + " did not answer within "
                            + timeout.toSeconds()
                            + " s"
                            + (rootMessage(cause) == null
                                    ? ""
                                    : " (" + client.redact(rootMessage(cause)) + ")")
                            + ": is a broker running there, and is that an address this machine can"
                            + " reach (host:port of a listener, not of ZooKeeper or a web UI)?"
                            + (client.file().isEmpty()
                                    ? " A listener that needs TLS or SASL answers no client"
                                            + " without them: give its settings with --kafka-config"
                                            + " FILE."
                                    : " Is security.protocol in "
                                            + client.file().get()
                                            + " the listener's?"),
                    client.file().isEmpty() ? cause : null);
        }
    }
}
