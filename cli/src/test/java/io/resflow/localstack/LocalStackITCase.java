package io.resflow.localstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.resflow.pipeline.kafka.KafkaPreflight;
import io.resflow.pipeline.kafka.Topics;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The local stack on loopback: a real broker and a real local Flink cluster. */
class LocalStackITCase {

    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    @Test
    void startsTheBrokerWithTheJobsTopicsAndTheClusterThenStopsBoth() throws Exception {
        String servers;
        try (LocalStack stack =
                LocalStack.builder()
                        .optKafka(Topics.DEFAULTS.partitions(2, 1))
                        .setSlots(1)
                        .optWebPorts("18092-18102")
                        .optMetricsPorts("19260-19270")
                        .start()) {
            servers = stack.bootstrapServers();
            assertThat(KafkaPreflight.missingTopics(servers, Topics.DEFAULTS.names(), TIMEOUT))
                    .isEmpty();
            stack.createTopics(Map.of("more", 3));
            assertThat(KafkaPreflight.missingTopics(servers, List.of("more"), TIMEOUT)).isEmpty();
            assertThat(stack.webUrl()).startsWith("http://127.0.0.1:180");
            HttpResponse<String> overview =
                    HttpClient.newHttpClient()
                            .send(
                                    HttpRequest.newBuilder(URI.create(stack.webUrl() + "/overview"))
                                            .timeout(TIMEOUT)
                                            .build(),
                                    HttpResponse.BodyHandlers.ofString());
            assertThat(overview.statusCode()).isEqualTo(200);
            assertThat(overview.body()).contains("\"slots-total\":1");
            assertThat(stack.metricsUrl())
                    .hasValueSatisfying(url -> assertThat(url).startsWith("http://127.0.0.1:192"));
        }
        assertThatThrownBy(
                        () ->
                                KafkaPreflight.missingTopics(
                                        servers, List.of("images"), Duration.ofSeconds(2)))
                .isInstanceOf(KafkaPreflight.KafkaUnreachableException.class);
    }

    @Test
    void withoutABrokerItSaysWhereOneComesFrom() throws Exception {
        try (LocalStack stack =
                LocalStack.builder()
                        .setSlots(1)
                        .optWebPorts("18092-18102")
                        .optMetricsPorts("19260-19270")
                        .start()) {
            assertThatThrownBy(stack::bootstrapServers)
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("optKafka");
        }
    }
}
