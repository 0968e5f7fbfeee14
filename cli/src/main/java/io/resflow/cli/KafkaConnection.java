package io.resflow.cli;

import io.resflow.pipeline.kafka.KafkaClientConfig;
import java.nio.file.Path;
import java.util.Properties;
import picocli.CommandLine.Option;

/**
 * The options every command that talks to Kafka shares (a picocli mixin): where Kafka is and, for a
 * secured Kafka, the file of client settings. The settings reach the clients as references into
 * that file ({@link KafkaClientConfig}), so no secret value passes through a command's own output.
 */
final class KafkaConnection {

    @Option(
            names = "--bootstrap-servers",
            required = true,
            description = "Kafka bootstrap servers, host:port[,host:port].")
    String bootstrapServers;

    @Option(
            names = "--kafka-config",
            paramLabel = "FILE",
            description =
                    "Properties file of Kafka client settings for a secured Kafka"
                            + " (security.protocol, ssl.*, sasl.*), as Kafka's own clients take"
                            + " them; its values are never printed.")
    Path kafkaConfig;

    /** The --kafka-config file's settings, or none; reads and checks the file. */
    KafkaClientConfig client() {
        return KafkaClientConfig.loadOrNone(kafkaConfig);
    }

    /** {@code base} with the client settings added: for clients built from properties. */
    Properties addTo(Properties base) {
        return client().addTo(base);
    }
}
