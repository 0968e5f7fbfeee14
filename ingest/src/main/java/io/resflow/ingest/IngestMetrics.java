package io.resflow.ingest;

import io.prometheus.client.CollectorRegistry;
import io.prometheus.client.Counter;
import io.prometheus.client.Gauge;
import io.prometheus.client.exporter.HTTPServer;
import java.io.IOException;
import java.util.function.DoubleSupplier;

/**
 * Prometheus metrics of one ingest process, labelled by camera id (never by URL: URLs may carry
 * credentials). Names start with {@code resflow_ingest_}.
 */
public final class IngestMetrics {

    private final CollectorRegistry registry;
    final Counter decoded;
    final Counter sent;
    final Counter dropped;
    final Counter reconnects;
    final Counter streamErrors;
    final Counter gapSeconds;
    final Gauge connected;
    final Gauge lastFrameAge;

    public IngestMetrics(CollectorRegistry registry) {
        this.registry = registry;
        decoded =
                Counter.build("resflow_ingest_frames_decoded_total", "Frames decoded, per camera.")
                        .labelNames("camera")
                        .register(registry);
        sent =
                Counter.build(
                                "resflow_ingest_frames_sent_total",
                                "Frames Kafka acknowledged, per camera.")
                        .labelNames("camera")
                        .register(registry);
        dropped =
                Counter.build(
                                "resflow_ingest_frames_dropped_total",
                                "Sampled frames not sent: queue_full (Kafka slower than the"
                                        + " camera; the oldest is dropped) or send_failed.")
                        .labelNames("camera", "reason")
                        .register(registry);
        reconnects =
                Counter.build(
                                "resflow_ingest_reconnects_total",
                                "Attempts to reopen a camera's stream after it failed or ended.")
                        .labelNames("camera")
                        .register(registry);
        streamErrors =
                Counter.build(
                                "resflow_ingest_stream_errors_total",
                                "Stream problems by kind: open_failed, no_video,"
                                        + " unsupported_codec, read_failed, timed_out,"
                                        + " resolution_changed, internal.")
                        .labelNames("camera", "kind")
                        .register(registry);
        gapSeconds =
                Counter.build(
                                "resflow_ingest_gap_seconds_total",
                                "Seconds between the last frame before a reconnect and the first"
                                        + " after it.")
                        .labelNames("camera")
                        .register(registry);
        connected =
                Gauge.build("resflow_ingest_connected", "1 while the camera's stream is open.")
                        .labelNames("camera")
                        .register(registry);
        lastFrameAge =
                Gauge.build(
                                "resflow_ingest_last_frame_age_seconds",
                                "Seconds since the camera's last decoded frame (since start"
                                        + " before the first).")
                        .labelNames("camera")
                        .register(registry);
    }

    /** Serves these metrics (and the registry's others) at {@code http://0.0.0.0:port/metrics}. */
    public HTTPServer serve(int port) throws IOException {
        return new HTTPServer.Builder().withPort(port).withRegistry(registry).build();
    }

    void watchLastFrameAge(String camera, DoubleSupplier seconds) {
        lastFrameAge.setChild(
                new Gauge.Child() {
                    @Override
                    public double get() {
                        return seconds.getAsDouble();
                    }
                },
                camera);
    }

    public double decoded(String camera) {
        return decoded.labels(camera).get();
    }

    public double sent(String camera) {
        return sent.labels(camera).get();
    }

    public double dropped(String camera, String reason) {
        return dropped.labels(camera, reason).get();
    }

    public double reconnects(String camera) {
        return reconnects.labels(camera).get();
    }

    public double streamErrors(String camera, String kind) {
        return streamErrors.labels(camera, kind).get();
    }

    public double gapSeconds(String camera) {
        return gapSeconds.labels(camera).get();
    }

    public double lastFrameAgeSeconds(String camera) {
        return lastFrameAge.labels(camera).get();
    }
}
