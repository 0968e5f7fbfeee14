package io.resflow.pipeline.kafka;

import java.io.IOException;
import java.io.Reader;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.provider.FileConfigProvider;

/**
 * The client settings of a Kafka that needs more than {@code bootstrap.servers}: a properties file
 * as Kafka's own tools take it ({@code --command-config}), e.g. {@code security.protocol}, {@code
 * ssl.truststore.*} and {@code ssl.keystore.*} (TLS, mTLS), {@code sasl.mechanism} and {@code
 * sasl.jaas.config} (SCRAM, PLAIN, OAUTHBEARER); every key passes through.
 *
 * <p>The values never enter this object, the job graph or Flink's configuration: {@link
 * #clientProperties()} refers to each key of the file through Kafka's {@link FileConfigProvider}
 * ({@code sasl.jaas.config=${resflow-kafka-config:/etc/kafka/client.properties:sasl.jaas.config}}),
 * so each Kafka client reads the file when it is created: the launcher's, the JobManager's source
 * enumerator and the TaskManagers' readers and producers alike. On a cluster the file must be at
 * the same path on every JobManager and TaskManager, as a mounted Kubernetes Secret is; the job's
 * parameters in the web UI show its path only. A value that is itself a reference to a config
 * provider the file declares ({@code ${dir:/etc/user:password}}) is passed as it is.
 *
 * <pre>{@code
 * KafkaClientConfig kafka = KafkaClientConfig.load(Path.of("client.properties"));
 * Properties props = kafka.clientProperties(); // then bootstrap.servers, group.id, ...
 * }</pre>
 */
public final class KafkaClientConfig implements Serializable {

    private static final long serialVersionUID = 1L;

    /** The alias of the file provider that reads this file's values where a client is created. */
    public static final String PROVIDER = "resflow-kafka-config";

    /**
     * Settings the commands and the job set themselves, from their options or for exactly-once: a
     * file that sets them is refused rather than silently overridden.
     */
    static final Set<String> OWN_KEYS =
            Set.of(
                    CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG,
                    ConsumerConfig.GROUP_ID_CONFIG,
                    ConsumerConfig.ISOLATION_LEVEL_CONFIG,
                    ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
                    ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG,
                    ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG,
                    ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG,
                    ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG,
                    ProducerConfig.TRANSACTIONAL_ID_CONFIG,
                    ProducerConfig.TRANSACTION_TIMEOUT_CONFIG);

    /** A whole value that is one {@code ${provider:[path:]key}} reference. */
    private static final Pattern REFERENCE = Pattern.compile("\\$\\{[^}:]+:[^}]+}");

    /** A quoted option value of a JAAS configuration line. */
    private static final Pattern JAAS_OPTION = Pattern.compile("=\\s*\"([^\"]*)\"");

    private static final KafkaClientConfig NONE = new KafkaClientConfig(null, new TreeMap<>());

    /** The file, absolute; null for none. */
    private final String file;

    /** Key to what the client gets: a reference into the file, or the file's own reference. */
    private final TreeMap<String, String> references;

    private KafkaClientConfig(String file, TreeMap<String, String> references) {
        this.file = file;
        this.references = references;
    }

    /** No settings beyond {@code bootstrap.servers}: a PLAINTEXT listener without ACLs. */
    public static KafkaClientConfig none() {
        return NONE;
    }

    /**
     * Reads {@code file} once to check it; its values are read again by each client.
     *
     * @throws IllegalArgumentException the file is missing or unreadable, or sets a key the
     *     commands set themselves; the message names the file and key, never a value
     */
    public static KafkaClientConfig load(Path file) {
        Path absolute = file.toAbsolutePath().normalize();
        String path = absolute.toString();
        if (path.contains(":") || path.contains("}")) {
            // Kafka's ${provider:path:key} syntax cannot hold them.
            throw new IllegalArgumentException(
                    "--kafka-config " + file + ": the path must not contain ':' or '}'");
        }
        Properties values = new Properties();
        try (Reader in = Files.newBufferedReader(absolute, StandardCharsets.UTF_8)) {
            values.load(in);
        } catch (IOException | IllegalArgumentException e) {
            throw new IllegalArgumentException(
                    "--kafka-config "
                            + file
                            + " is not a readable properties file ("
                            + e.getClass().getSimpleName()
                            + ")",
                    e instanceof IOException ? null : e);
        }
        List<String> refused =
                values.stringPropertyNames().stream().filter(OWN_KEYS::contains).sorted().toList();
        if (!refused.isEmpty()) {
            throw new IllegalArgumentException(
                    "--kafka-config "
                            + file
                            + " sets "
                            + String.join(", ", refused)
                            + ": these come from the command's options (--bootstrap-servers,"
                            + " --group-id, ...) or are fixed for exactly-once; remove them from"
                            + " the file");
        }
        TreeMap<String, String> references = new TreeMap<>();
        List<String> providers = new ArrayList<>();
        for (String key : values.stringPropertyNames()) {
            String value = values.getProperty(key).trim();
            if (key.equals(AbstractConfig.CONFIG_PROVIDERS_CONFIG)) {
                for (String alias : value.split(",")) {
                    if (!alias.isBlank()) {
                        providers.add(alias.trim());
                    }
                }
            } else if (key.startsWith(AbstractConfig.CONFIG_PROVIDERS_CONFIG + ".")
                    || REFERENCE.matcher(value).matches()) {
                // Provider classes and their parameters, and references to them: no secrets.
                references.put(key, value);
            } else {
                references.put(key, "${" + PROVIDER + ":" + path + ":" + key + "}");
            }
        }
        if (providers.contains(PROVIDER)) {
            throw new IllegalArgumentException(
                    "--kafka-config "
                            + file
                            + ": the provider alias "
                            + PROVIDER
                            + " is ResFlow's");
        }
        providers.add(PROVIDER);
        references.put(AbstractConfig.CONFIG_PROVIDERS_CONFIG, String.join(",", providers));
        references.put(
                AbstractConfig.CONFIG_PROVIDERS_CONFIG + "." + PROVIDER + ".class",
                FileConfigProvider.class.getName());
        return new KafkaClientConfig(path, references);
    }

    /** {@link #load} when {@code file} is given, else {@link #none()}. */
    public static KafkaClientConfig loadOrNone(Path file) {
        return file == null ? none() : load(file);
    }

    /** The file, absolute; empty for {@link #none()}. */
    public Optional<Path> file() {
        return Optional.ofNullable(file).map(Path::of);
    }

    /**
     * The settings for a Kafka client (admin, consumer, producer, Flink's source and sink), as
     * references its config providers resolve when the client is created: safe to serialize, log
     * and show.
     */
    public Properties clientProperties() {
        Properties props = new Properties();
        props.putAll(references);
        return props;
    }

    /** {@code base} with {@link #clientProperties()} added: for clients built from properties. */
    public Properties addTo(Properties base) {
        base.putAll(references);
        return base;
    }

    /**
     * The keys of the file with the values a log may show: those Kafka declares as passwords (and
     * any it does not know, e.g. a login module's options) are {@code [hidden]}. Reads the file.
     */
    public String describe() {
        if (file == null) {
            return "no client settings (PLAINTEXT)";
        }
        Properties values = new Properties();
        try (Reader in = Files.newBufferedReader(Path.of(file), StandardCharsets.UTF_8)) {
            values.load(in);
        } catch (IOException e) {
            return file + " (unreadable now)";
        }
        Map<String, String> shown = new TreeMap<>();
        for (String key : values.stringPropertyNames()) {
            shown.put(key, isShowable(key) ? values.getProperty(key).trim() : "[hidden]");
        }
        return file + " " + shown;
    }

    /**
     * {@code message} with every value of the file that {@link #describe()} hides replaced by
     * {@code [hidden]}: for messages of Kafka's exceptions, which may quote a setting. Reads the
     * file.
     */
    public String redact(String message) {
        if (file == null || message == null) {
            return message;
        }
        Properties values = new Properties();
        try (Reader in = Files.newBufferedReader(Path.of(file), StandardCharsets.UTF_8)) {
            values.load(in);
        } catch (IOException e) {
            return message;
        }
        String redacted = message;
        for (String key : values.stringPropertyNames()) {
            String value = values.getProperty(key).trim();
            if (!isShowable(key) && !value.isEmpty()) {
                redacted = redacted.replace(value, "[hidden]");
                // A JAAS line's options (password="..."), should a message quote one alone.
                java.util.regex.Matcher option = JAAS_OPTION.matcher(value);
                while (option.find()) {
                    if (!option.group(1).isEmpty()) {
                        redacted = redacted.replace(option.group(1), "[hidden]");
                    }
                }
            }
        }
        return redacted;
    }

    /** Whether a client config key is one Kafka knows and does not declare a password. */
    static boolean isShowable(String key) {
        if (key.startsWith(AbstractConfig.CONFIG_PROVIDERS_CONFIG)) {
            return true;
        }
        for (ConfigDef def :
                List.of(
                        ConsumerConfig.configDef(),
                        ProducerConfig.configDef(),
                        AdminClientConfig.configDef())) {
            ConfigDef.ConfigKey known = def.configKeys().get(key);
            if (known != null) {
                return known.type != ConfigDef.Type.PASSWORD;
            }
        }
        return false;
    }

    @Override
    public String toString() {
        return file == null ? "KafkaClientConfig[none]" : "KafkaClientConfig[" + file + "]";
    }
}
