package io.resflow.pipeline.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.config.provider.FileConfigProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KafkaClientConfigTest {

    private static final String JAAS =
            "org.apache.kafka.common.security.scram.ScramLoginModule required"
                    + " username=\"job\" password=\"s3cret-pw\";";

    @TempDir Path dir;

    private Path file(String content) throws Exception {
        Path file = dir.resolve("client.properties");
        Files.writeString(file, content);
        return file;
    }

    @Test
    void everyValueIsAReferenceIntoTheFileThatKafkaResolvesWhereTheClientIsCreated()
            throws Exception {
        Path file =
                file(
                        "security.protocol=SASL_SSL\n"
                                + "sasl.mechanism=SCRAM-SHA-512\n"
                                + "sasl.jaas.config="
                                + JAAS
                                + "\n");
        KafkaClientConfig config = KafkaClientConfig.load(file);
        Properties props = config.clientProperties();

        assertThat(props.toString()).doesNotContain("s3cret-pw").doesNotContain("SASL_SSL");
        assertThat(props)
                .containsEntry(
                        "sasl.jaas.config",
                        "${resflow-kafka-config:" + file.toAbsolutePath() + ":sasl.jaas.config}")
                .containsEntry("config.providers", "resflow-kafka-config")
                .containsEntry(
                        "config.providers.resflow-kafka-config.class",
                        FileConfigProvider.class.getName());

        // Kafka's own resolution, as in every client's constructor.
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:9092");
        AdminClientConfig resolved = new AdminClientConfig(props);
        assertThat(resolved.getString("security.protocol")).isEqualTo("SASL_SSL");
        assertThat(resolved.getPassword("sasl.jaas.config").value()).isEqualTo(JAAS);
    }

    @Test
    void theFilesOwnProvidersAndReferencesPassAsTheyAre() throws Exception {
        Path file =
                file(
                        "config.providers=dir\n"
                            + "config.providers.dir.class=org.apache.kafka.common.config.provider.DirectoryConfigProvider\n"
                            + "sasl.jaas.config=${dir:/etc/resflow/kafka-user:sasl.jaas.config}\n");
        Properties props = KafkaClientConfig.load(file).clientProperties();
        assertThat(props)
                .containsEntry("config.providers", "dir,resflow-kafka-config")
                .containsEntry(
                        "sasl.jaas.config", "${dir:/etc/resflow/kafka-user:sasl.jaas.config}");
    }

    @Test
    void describeAndRedactHidePasswordsAndUnknownKeys() throws Exception {
        Path file =
                file(
                        "security.protocol=SASL_SSL\n"
                                + "ssl.truststore.password=trust-pw\n"
                                + "sasl.jaas.config="
                                + JAAS
                                + "\n"
                                + "sasl.oauthbearer.custom.secret=oauth-pw\n");
        KafkaClientConfig config = KafkaClientConfig.load(file);
        assertThat(config.describe())
                .contains("security.protocol=SASL_SSL")
                .contains("ssl.truststore.password=[hidden]")
                .doesNotContain("trust-pw")
                .doesNotContain("s3cret-pw")
                .doesNotContain("oauth-pw");
        assertThat(config.redact("failed with s3cret-pw and " + JAAS + " and trust-pw"))
                .isEqualTo("failed with [hidden] and [hidden] and [hidden]");
    }

    @Test
    void refusesKeysTheCommandsSetThemselvesAndMissingFiles() throws Exception {
        Path file = file("bootstrap.servers=a:1\nisolation.level=read_uncommitted\n");
        assertThatThrownBy(() -> KafkaClientConfig.load(file))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("sets bootstrap.servers, isolation.level");
        assertThatThrownBy(() -> KafkaClientConfig.load(dir.resolve("none.properties")))
                .hasMessageContaining("none.properties is not a readable properties file");
    }

    @Test
    void noneAddsNothing() {
        assertThat(KafkaClientConfig.none().clientProperties()).isEmpty();
        assertThat(KafkaClientConfig.none().file()).isEmpty();
        assertThat(KafkaClientConfig.loadOrNone(null)).isSameAs(KafkaClientConfig.none());
        assertThat(Map.copyOf(KafkaClientConfig.none().clientProperties())).isEmpty();
    }
}
