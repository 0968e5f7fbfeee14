package io.resflow.kafka.embedded;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.common.utils.Utils;
import org.apache.kafka.metadata.storage.Formatter;
import org.apache.kafka.server.common.Feature;
import org.apache.kafka.server.common.MetadataVersion;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real, single-node Kafka broker in KRaft mode (combined broker and controller) running in this
 * JVM on loopback, built from Kafka's own server classes: the storage is formatted with Kafka's
 * {@link Formatter}, exactly as {@code kafka-storage.sh format} does, then a {@link
 * KafkaRaftServer} starts on free ports of 127.0.0.1. Nothing is mocked: clients speak the real
 * protocol, transactions and consumer groups work. Settings are for one node (replication factor
 * 1).
 *
 * <pre>{@code
 * try (EmbeddedKafka kafka = EmbeddedKafka.builder().optTopic("images", 4).build().start()) {
 *     producerProps.put("bootstrap.servers", kafka.bootstrapServers());
 * }
 * }</pre>
 */
public final class EmbeddedKafka implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedKafka.class);
    private static final String LOOPBACK = "127.0.0.1";
    private static final int NODE_ID = 1;

    private final Map<String, String> brokerOverrides;
    private final Map<String, Integer> topics;
    private final Path requestedLogDir;
    private final int requestedPort;
    private final Duration startTimeout;
    private final PortPicker portPicker;
    private final Path sslKeystore;
    private final String sslKeystorePassword;

    private Path logDir;
    private int securedPort;
    private boolean ownsLogDir;
    private KafkaRaftServer server;
    private int port;
    private Thread shutdownHook;

    private EmbeddedKafka(Builder builder) {
        this.brokerOverrides = Map.copyOf(builder.brokerOverrides);
        this.topics = new LinkedHashMap<>(builder.topics);
        this.requestedLogDir = builder.logDir;
        this.requestedPort = builder.port;
        this.startTimeout = builder.startTimeout;
        this.portPicker = builder.portPicker;
        this.sslKeystore = builder.sslKeystore;
        this.sslKeystorePassword = builder.sslKeystorePassword;
    }

    /**
     * Picks a port nothing listens on now; something else may take it before the broker binds it.
     */
    @FunctionalInterface
    interface PortPicker {
        int pick() throws IOException;
    }

    /**
     * Starts with ports it picked itself: another process may take one between picking and binding.
     */
    private static final int START_ATTEMPTS = 3;

    public static Builder builder() {
        return new Builder();
    }

    /**
     * Formats the storage, starts the broker and waits until it answers; returns this. When a port
     * it picked was taken before the broker bound it, it tries again with new ones (up to three
     * times).
     */
    public synchronized EmbeddedKafka start() {
        for (int attempt = 1; ; attempt++) {
            try {
                return startOnce();
            } catch (RuntimeException e) {
                if (requestedPort != 0 || attempt == START_ATTEMPTS || !isBindFailure(e)) {
                    throw e;
                }
                LOG.warn(
                        "Embedded Kafka could not bind a port it had picked (another process took"
                                + " it); trying again with new ones: {}",
                        e.getMessage());
            }
        }
    }

    private static boolean isBindFailure(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof java.net.BindException) {
                return true;
            }
        }
        return false;
    }

    private EmbeddedKafka startOnce() {
        if (server != null) {
            throw new IllegalStateException("Broker already started at " + bootstrapServers());
        }
        long startNanos = System.nanoTime();
        try {
            ownsLogDir = requestedLogDir == null;
            logDir = ownsLogDir ? Files.createTempDirectory("resflow-kafka-") : requestedLogDir;
            // Ctrl-C skips the callers' try-with-resources: stop the broker and delete its temp
            // folder anyway,
            // also when it comes while the broker starts.
            shutdownHook = new Thread(this::close, "embedded-kafka-shutdown");
            Runtime.getRuntime().addShutdownHook(shutdownHook);
            Files.createDirectories(logDir);
            port = requestedPort == 0 ? portPicker.pick() : requestedPort;
            int controllerPort = portPicker.pick();
            securedPort = sslKeystore == null ? 0 : portPicker.pick();
            Map<String, String> config = brokerConfig(port, controllerPort);
            if (!Files.exists(logDir.resolve("meta.properties"))) {
                // A kept log directory (optLogDir) is formatted once: formatting again with a new
                // cluster id
                // made its second start fail.
                format();
            }
            KafkaRaftServer raftServer =
                    new KafkaRaftServer(new KafkaConfig(config, false), Time.SYSTEM);
            server = raftServer;
            raftServer.startup();
            awaitReady();
            createTopics(topics);
        } catch (IOException e) {
            stopQuietly();
            throw new UncheckedIOException("Could not start the embedded Kafka broker", e);
        } catch (RuntimeException e) {
            stopQuietly();
            throw e;
        }
        LOG.info(
                "Embedded Kafka {} (KRaft, log dir {}) ready in {} ms",
                bootstrapServers(),
                logDir,
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos));
        return this;
    }

    /** {@code 127.0.0.1:<port>}, for {@code bootstrap.servers}. */
    public String bootstrapServers() {
        if (port == 0) {
            throw new IllegalStateException("The broker is not started");
        }
        return LOOPBACK + ":" + port;
    }

    /**
     * {@code 127.0.0.1:<port>} of the SASL_SSL listener ({@link Builder#optSaslSslListener}):
     * SCRAM-SHA-512 users over TLS, ACLs enforced.
     */
    public String securedBootstrapServers() {
        if (securedPort == 0) {
            throw new IllegalStateException(
                    "The broker is not started, or has no SASL_SSL listener (optSaslSslListener)");
        }
        return LOOPBACK + ":" + securedPort;
    }

    /** Adds (or changes) a SCRAM-SHA-512 user, for the SASL_SSL listener. */
    public void createScramUser(String name, String password) {
        try (Admin admin = Admin.create(adminProperties())) {
            admin.alterUserScramCredentials(
                            List.of(
                                    new UserScramCredentialUpsertion(
                                            name,
                                            new ScramCredentialInfo(
                                                    ScramMechanism.SCRAM_SHA_512, 4096),
                                            password)))
                    .all()
                    .get(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while creating user " + name, e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("Could not create SCRAM user " + name, e);
        }
    }

    public Path logDir() {
        return logDir;
    }

    /** Creates a topic with the given partitions; an existing topic is left as it is. */
    public void createTopic(String name, int partitions) {
        createTopics(Map.of(name, partitions));
    }

    /** Admin-client properties for this broker, for callers that need more than topics. */
    public Properties adminProperties() {
        Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
        props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 30_000);
        return props;
    }

    @Override
    public synchronized void close() {
        stopQuietly();
    }

    /** Creates topics, name to partitions; existing topics are left as they are. */
    public void createTopics(Map<String, Integer> wanted) {
        if (wanted.isEmpty()) {
            return;
        }
        try (Admin admin = Admin.create(adminProperties())) {
            List<NewTopic> newTopics =
                    wanted.entrySet().stream()
                            .map(e -> new NewTopic(e.getKey(), e.getValue(), (short) 1))
                            .toList();
            for (var entry : admin.createTopics(newTopics).values().entrySet()) {
                try {
                    entry.getValue().get(30, TimeUnit.SECONDS);
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw new IllegalStateException(
                                "Could not create topic " + entry.getKey(), e.getCause());
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while creating topics", e);
        } catch (TimeoutException e) {
            throw new IllegalStateException("Timed out creating topics " + wanted.keySet(), e);
        }
    }

    private Map<String, String> brokerConfig(int brokerPort, int controllerPort) {
        Map<String, String> config = new HashMap<>();
        config.put("process.roles", "broker,controller");
        config.put("node.id", Integer.toString(NODE_ID));
        config.put("controller.quorum.voters", NODE_ID + "@" + LOOPBACK + ":" + controllerPort);
        String secured = "";
        if (sslKeystore != null) {
            // A second listener as a secured production Kafka has one: SCRAM over TLS, ACLs
            // enforced by KRaft's authorizer. The PLAINTEXT and controller listeners stay for the
            // broker itself and for set-up (topics, users, ACLs), as the super user ANONYMOUS.
            secured = ",SASL_SSL://" + LOOPBACK + ":" + securedPort;
            config.put("sasl.enabled.mechanisms", "SCRAM-SHA-512");
            config.put(
                    "listener.name.sasl_ssl.scram-sha-512.sasl.jaas.config",
                    "org.apache.kafka.common.security.scram.ScramLoginModule required;");
            config.put("ssl.keystore.type", "PKCS12");
            config.put("ssl.keystore.location", sslKeystore.toString());
            config.put("ssl.keystore.password", sslKeystorePassword);
            config.put("ssl.key.password", sslKeystorePassword);
            config.put(
                    "authorizer.class.name",
                    "org.apache.kafka.metadata.authorizer.StandardAuthorizer");
            config.put("super.users", "User:ANONYMOUS");
            config.put("allow.everyone.if.no.acl.found", "false");
        }
        config.put(
                "listeners",
                "PLAINTEXT://"
                        + LOOPBACK
                        + ":"
                        + brokerPort
                        + secured
                        + ",CONTROLLER://"
                        + LOOPBACK
                        + ":"
                        + controllerPort);
        config.put("advertised.listeners", "PLAINTEXT://" + LOOPBACK + ":" + brokerPort + secured);
        config.put(
                "listener.security.protocol.map",
                "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT,SASL_SSL:SASL_SSL");
        config.put("controller.listener.names", "CONTROLLER");
        config.put("inter.broker.listener.name", "PLAINTEXT");
        config.put("log.dirs", logDir.toString());
        // One node: every internal topic at replication factor 1, and few partitions, so the
        // first consumer group or transaction does not wait for 50 partitions to be created.
        config.put("offsets.topic.replication.factor", "1");
        config.put("offsets.topic.num.partitions", "1");
        config.put("transaction.state.log.replication.factor", "1");
        config.put("transaction.state.log.min.isr", "1");
        config.put("transaction.state.log.num.partitions", "1");
        config.put("share.coordinator.state.topic.replication.factor", "1");
        config.put("share.coordinator.state.topic.min.isr", "1");
        config.put("group.initial.rebalance.delay.ms", "0");
        config.put("num.partitions", "1");
        config.put("auto.create.topics.enable", "true");
        // transaction.max.timeout.ms stays Kafka's 15 minutes, as on the Strimzi brokers
        // (k8s/base/kafka):
        // a --transaction-timeout above it must fail here, in the demo and the tests, not first in
        // production.
        // Images are up to a few MB; keep the default headroom explicit.
        config.put("message.max.bytes", Integer.toString(16 * 1024 * 1024));
        config.putAll(brokerOverrides);
        return config;
    }

    private void format() {
        try {
            new Formatter()
                    .setPrintStream(new PrintStream(OutputStream.nullOutputStream()))
                    .setNodeId(NODE_ID)
                    .setClusterId(Uuid.randomUuid().toString())
                    .setDirectories(List.of(logDir.toString()))
                    .setMetadataLogDirectory(logDir.toString())
                    .setReleaseVersion(MetadataVersion.latestProduction())
                    .setSupportedFeatures(Feature.PRODUCTION_FEATURES)
                    .setControllerListenerName("CONTROLLER")
                    .setUnstableFeatureVersionsEnabled(false)
                    .run();
        } catch (Exception e) {
            throw new IllegalStateException(
                    "Formatting Kafka storage in " + logDir + " failed: " + e.getMessage(), e);
        }
    }

    private void awaitReady() {
        long deadline = System.nanoTime() + startTimeout.toNanos();
        Exception last = null;
        try (Admin admin = Admin.create(adminProperties())) {
            while (System.nanoTime() < deadline) {
                try {
                    if (!admin.describeCluster().nodes().get(5, TimeUnit.SECONDS).isEmpty()) {
                        return;
                    }
                } catch (ExecutionException | TimeoutException e) {
                    last = e;
                }
                Thread.sleep(100);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while waiting for the broker", e);
        }
        throw new IllegalStateException(
                "Embedded Kafka did not become ready within " + startTimeout, last);
    }

    private void stopQuietly() {
        if (server != null) {
            try {
                server.shutdown();
                server.awaitShutdown();
            } catch (RuntimeException e) {
                LOG.warn("Embedded Kafka did not shut down cleanly", e);
            }
            server = null;
        }
        if (ownsLogDir && logDir != null) {
            try {
                Utils.delete(logDir.toFile());
            } catch (IOException e) {
                LOG.warn("Could not delete {}", logDir, e);
            }
            logDir = null;
        }
        port = 0;
        securedPort = 0;
        // Last: a Ctrl-C while stopping runs the hook, which waits for this close and finds
        // everything done.
        if (shutdownHook != null && Thread.currentThread() != shutdownHook) {
            try {
                Runtime.getRuntime().removeShutdownHook(shutdownHook);
            } catch (IllegalStateException e) {
                // The JVM is shutting down already: the hook runs, and finds the broker stopped.
            }
        }
        shutdownHook = null;
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(LOOPBACK))) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        }
    }

    /** Configuration for {@link EmbeddedKafka}; all settings are optional. */
    public static final class Builder {
        private final Map<String, String> brokerOverrides = new HashMap<>();
        private final Map<String, Integer> topics = new LinkedHashMap<>();
        private Path logDir;
        private int port;
        private Duration startTimeout = Duration.ofSeconds(60);
        private PortPicker portPicker = EmbeddedKafka::freePort;
        private Path sslKeystore;
        private String sslKeystorePassword;

        private Builder() {}

        /**
         * Adds a SASL_SSL listener on 127.0.0.1 (SCRAM-SHA-512; users by {@link
         * EmbeddedKafka#createScramUser}) and enforces ACLs on it with KRaft's {@code
         * StandardAuthorizer}.
         *
         * @param keystore PKCS12 key store with the broker's key and a certificate for 127.0.0.1
         * @param password of the store and of its key
         */
        public Builder optSaslSslListener(Path keystore, String password) {
            this.sslKeystore = keystore;
            this.sslKeystorePassword = password;
            return this;
        }

        /** How free ports are found; for tests of the retry. */
        Builder optPortPicker(PortPicker portPicker) {
            this.portPicker = portPicker;
            return this;
        }

        /** The client port on 127.0.0.1; 0 (the default) picks a free one. */
        public Builder optPort(int port) {
            this.port = port;
            return this;
        }

        /**
         * Keep the data in this folder (kept after close); default: a temp folder deleted on close.
         */
        public Builder optLogDir(Path logDir) {
            this.logDir = logDir;
            return this;
        }

        /** A topic to create at start. */
        public Builder optTopic(String name, int partitions) {
            topics.put(name, partitions);
            return this;
        }

        /** Topics to create at start, name to partitions (e.g. a job's whole topic set). */
        public Builder optTopics(Map<String, Integer> partitionsByName) {
            partitionsByName.forEach(this::optTopic);
            return this;
        }

        /** Any broker setting, overriding the single-node defaults. */
        public Builder optBrokerProperty(String key, String value) {
            brokerOverrides.put(key, value);
            return this;
        }

        public Builder optStartTimeout(Duration startTimeout) {
            this.startTimeout = startTimeout;
            return this;
        }

        public EmbeddedKafka build() {
            if (port < 0 || port > 65_535) {
                throw new IllegalArgumentException(
                        "port must be 0 (any free port) or 1..65535, got " + port);
            }
            topics.forEach(
                    (name, partitions) -> {
                        if (name == null || name.isBlank() || partitions < 1) {
                            throw new IllegalArgumentException(
                                    "topic '"
                                            + name
                                            + "' needs a name and at least one partition, got "
                                            + partitions);
                        }
                    });
            if (startTimeout.isNegative() || startTimeout.isZero()) {
                throw new IllegalArgumentException(
                        "startTimeout must be positive, got " + startTimeout);
            }
            return new EmbeddedKafka(this);
        }
    }
}
