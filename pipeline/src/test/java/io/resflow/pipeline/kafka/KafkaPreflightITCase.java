package io.resflow.pipeline.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.resflow.kafka.embedded.EmbeddedKafkaExtension;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class KafkaPreflightITCase {

    @RegisterExtension
    static final EmbeddedKafkaExtension KAFKA =
            new EmbeddedKafkaExtension(b -> b.optTopic("images", 1));

    @Test
    void namesTheTopicsTheClusterDoesNotHave() throws Exception {
        assertThat(
                        KafkaPreflight.missingTopics(
                                KAFKA.bootstrapServers(), "images", "labels", "label-stats"))
                .containsExactly("labels", "label-stats");
        assertThat(KafkaPreflight.missingTopics(KAFKA.bootstrapServers(), "images")).isEmpty();
    }

    @Test
    void anAddressWhereNoBrokerAnswersFailsWithinTheTimeoutSayingSo() throws Exception {
        // A port that accepts connections but speaks no Kafka, like a web UI given by mistake.
        try (ServerSocket notKafka = new ServerSocket(0)) {
            String address = "127.0.0.1:" + notKafka.getLocalPort();
            long start = System.nanoTime();
            assertThatThrownBy(
                            () ->
                                    KafkaPreflight.missingTopics(
                                            address, List.of("images"), Duration.ofSeconds(3)))
                    .isInstanceOf(KafkaPreflight.KafkaUnreachableException.class)
                    .hasMessageStartingWith("Kafka at " + address + " did not answer within 3 s");
            assertThat(Duration.ofNanos(System.nanoTime() - start))
                    .isLessThan(Duration.ofSeconds(20));
        }
    }

    @Test
    void aHostNameThatDoesNotResolveHereIsUnreachableNotAWrongArgument() {
        // Like a Kubernetes service name seen from outside the cluster.
        assertThatThrownBy(
                        () ->
                                KafkaPreflight.missingTopics(
                                        "resflow-kafka-bootstrap.invalid:9092", "images"))
                .isInstanceOf(KafkaPreflight.KafkaUnreachableException.class)
                .hasMessageStartingWith(
                        "Kafka at resflow-kafka-bootstrap.invalid:9092 cannot be reached from this"
                                + " machine");
    }

    @Test
    void anAddressThatIsNoHostAndPortIsRefusedAsAnArgument() {
        assertThatThrownBy(() -> KafkaPreflight.missingTopics("localhost", "images"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("--bootstrap-servers localhost: 'localhost' is not host:port");
        assertThatThrownBy(() -> KafkaPreflight.missingTopics("127.0.0.1:9092,", "images"))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
