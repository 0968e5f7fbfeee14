package io.resflow.trainer.training;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.prometheus.client.exporter.HTTPServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

class TrainingMetricsTest {

    /** A stand-in Pushgateway that records what it receives. */
    static final class FakePushgateway implements AutoCloseable {
        final List<String> requests = new CopyOnWriteArrayList<>();
        private final HttpServer server;

        FakePushgateway() throws IOException {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            server.createContext(
                    "/",
                    exchange -> {
                        String body =
                                new String(
                                        exchange.getRequestBody().readAllBytes(),
                                        StandardCharsets.UTF_8);
                        requests.add(
                                exchange.getRequestMethod()
                                        + " "
                                        + exchange.getRequestURI()
                                        + "\n"
                                        + body);
                        exchange.sendResponseHeaders(200, -1);
                        exchange.close();
                    });
            server.start();
        }

        String address() {
            return "127.0.0.1:" + server.getAddress().getPort();
        }

        @Override
        public void close() {
            server.stop(0);
        }
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    @Test
    void servesPrefixedMetricsOverHttp() throws Exception {
        TrainingMetrics metrics = new TrainingMetrics();
        metrics.recordIteration(128, 0.7, 0.75, 0.1, 330);
        metrics.recordEpoch(2, 0.6, 0.8, 0.85, 340);

        String body;
        try (HTTPServer server = metrics.serve(freePort())) {
            HttpResponse<String> response =
                    HttpClient.newHttpClient()
                            .send(
                                    HttpRequest.newBuilder(
                                                    URI.create(
                                                            "http://127.0.0.1:"
                                                                    + server.getPort()
                                                                    + "/metrics"))
                                            .build(),
                                    HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).isEqualTo(200);
            body = response.body();
        }

        assertThat(body)
                .contains(
                        "resflow_trainer_loss 0.6",
                        "resflow_trainer_accuracy{split=\"test\",} 0.85",
                        "resflow_trainer_accuracy{split=\"train\",} 0.8",
                        "resflow_trainer_images_per_second 340.0",
                        "resflow_trainer_epoch 2.0",
                        "resflow_trainer_learning_rate 0.1",
                        "resflow_trainer_iterations_total 1.0",
                        "resflow_trainer_images_total 128.0");
    }

    @Test
    void pushesTheRunsGroupToThePushgateway() throws Exception {
        TrainingMetrics metrics = new TrainingMetrics();
        metrics.recordEpoch(1, 0.5, 0.8, 0.82, 300);
        try (FakePushgateway gateway = new FakePushgateway()) {
            PushgatewayPublisher publisher =
                    new PushgatewayPublisher(gateway.address(), "resflow_trainer", "r20");

            assertThat(publisher.push(metrics.registry())).isTrue();

            assertThat(gateway.requests)
                    .singleElement()
                    .asString()
                    .startsWith("PUT /metrics/job/resflow_trainer/run/r20")
                    .contains("resflow_trainer_accuracy{split=\"test\",} 0.82");
        }
    }

    @Test
    void unreachablePushgatewayIsLoggedNotThrown() throws Exception {
        PushgatewayPublisher publisher =
                new PushgatewayPublisher("127.0.0.1:" + freePort(), "resflow_trainer", "r20");

        assertThat(publisher.push(new TrainingMetrics().registry())).isFalse();
    }
}
