package io.resflow.cli;

import io.prometheus.client.CollectorRegistry;
import io.prometheus.client.exporter.HTTPServer;
import io.resflow.datasets.ImageShape;
import io.resflow.ingest.Ingest;
import io.resflow.ingest.IngestMetrics;
import io.resflow.ingest.cameras.Camera;
import io.resflow.ingest.cameras.CameraList;
import io.resflow.pipeline.kafka.KafkaRecordLimits;
import io.resflow.pipeline.kafka.Topics;
import io.resflow.runtime.metadata.ModelMetadata;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
        name = "ingest",
        mixinStandardHelpOptions = true,
        description =
                "Read cameras (RTSP, HTTP MJPEG, video files) with FFmpeg and send their frames"
                        + " to Kafka as ImageRecords, sampled at --fps per camera. Runs until"
                        + " stopped (Ctrl-C); with only files and no --loop, until they end.")
final class IngestCommand implements Callable<Integer> {

    @Mixin KafkaConnection kafka;

    @Option(
            names = "--topic",
            defaultValue = Topics.IMAGES,
            description = "Topic to send frames to (default: ${DEFAULT-VALUE}).")
    String topic;

    @Option(
            names = "--camera",
            paramLabel = "ID=URL",
            description =
                    "A camera: id=rtsp://..., id=http://... (MJPEG) or id=FILE (mp4, mkv, avi)."
                            + " Repeatable. ${NAME} in a URL is replaced by the environment"
                            + " variable NAME (keep passwords out of files and shell history).")
    List<String> cameras = new ArrayList<>();

    @Option(
            names = "--cameras",
            paramLabel = "FILE",
            description = "A file of id=URL lines (# comments). Repeatable.")
    List<Path> cameraFiles = new ArrayList<>();

    @Option(
            names = "--fps",
            defaultValue = "5",
            description = "Frames per second kept per camera (default: ${DEFAULT-VALUE}).")
    double fps;

    @Option(
            names = "--jpeg-quality",
            defaultValue = "0.9",
            description = "JPEG quality 0..1 (default: ${DEFAULT-VALUE}).")
    float jpegQuality;

    @Option(
            names = "--resize-to-model",
            paramLabel = "SAVEDMODEL",
            description =
                    "Send RAW_U8 frames already at this model's input size and channels (read"
                            + " from its metadata) instead of JPEG.")
    Path resizeToModel;

    @Option(
            names = "--rtsp-transport",
            defaultValue = "tcp",
            description = "RTSP over tcp or udp (default: ${DEFAULT-VALUE}).")
    String rtspTransport;

    @Option(names = "--loop", description = "Replay video files from the start when they end.")
    boolean loop;

    @Option(
            names = "--queue",
            defaultValue = "32",
            description =
                    "Frames held per camera while Kafka is slower; beyond, the oldest are dropped"
                            + " and counted (default: ${DEFAULT-VALUE}).")
    int queue;

    @Option(
            names = "--timeout",
            defaultValue = "10 s",
            description =
                    "How long opening or reading a stream may stall before it counts as lost"
                            + " (default: ${DEFAULT-VALUE}).")
    Duration timeout;

    @Option(
            names = "--max-backoff",
            defaultValue = "30 s",
            description =
                    "Longest wait between reconnects; waits start at 0.5 s and double (default:"
                            + " ${DEFAULT-VALUE}).")
    Duration maxBackoff;

    @Option(
            names = "--metrics-port",
            defaultValue = "0",
            description =
                    "Serve Prometheus /metrics (per camera: frames decoded, sent, dropped,"
                            + " reconnects, last frame age) on this port; 0 = off (default:"
                            + " ${DEFAULT-VALUE}).")
    int metricsPort;

    @Override
    public Integer call() throws Exception {
        List<Camera> all = CameraList.of(cameras, cameraFiles, System.getenv());
        CollectorRegistry registry = CollectorRegistry.defaultRegistry;
        Ingest.Builder builder =
                Ingest.builder()
                        .setBootstrapServers(kafka.bootstrapServers)
                        .setTopic(topic)
                        .setCameras(all)
                        .optFramesPerSecond(fps)
                        .optJpegQuality(jpegQuality)
                        .optRtspTransport(rtspTransport)
                        .optLoop(loop)
                        .optQueueCapacity(queue)
                        .optTimeout(timeout)
                        .optBackoff(Duration.ofMillis(500), maxBackoff)
                        .optMaxRecordBytes(KafkaRecordLimits.MAX_RECORD_BYTES)
                        .optRegistry(registry);
        // References into the file, resolved by the producer's config provider: no secret value
        // passes through ingest's own settings or logs.
        Map<String, Object> kafkaSettings = new HashMap<>();
        kafka.client()
                .clientProperties()
                .forEach((key, value) -> kafkaSettings.put((String) key, value));
        builder.optProducerOverrides(kafkaSettings);
        if (resizeToModel != null) {
            ImageShape shape = ModelMetadata.read(resizeToModel).input().shape();
            builder.optResizeTo(shape);
        }
        Ingest ingest = builder.build();
        IngestMetrics metrics = ingest.metrics();
        HTTPServer server = metricsPort > 0 ? metrics.serve(metricsPort) : null;
        CountDownLatch stopped = new CountDownLatch(1);
        Thread hook =
                new Thread(
                        () -> {
                            ingest.close();
                            stopped.countDown();
                        },
                        "ingest-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        for (Camera camera : all) {
            System.out.printf("Camera %s: %s%n", camera.id(), camera.safeUrl());
        }
        ingest.start();
        boolean onlyFiles = all.stream().allMatch(Camera::isFile);
        if (onlyFiles && !loop) {
            ingest.awaitFilesDone(Duration.ofDays(365));
            Runtime.getRuntime().removeShutdownHook(hook);
            ingest.close();
        } else {
            stopped.await();
        }
        for (Camera camera : all) {
            System.out.printf(
                    "INGEST camera=%s decoded=%.0f sent=%.0f dropped=%.0f reconnects=%.0f%n",
                    camera.id(),
                    metrics.decoded(camera.id()),
                    metrics.sent(camera.id()),
                    metrics.dropped(camera.id(), "queue_full")
                            + metrics.dropped(camera.id(), "send_failed"),
                    metrics.reconnects(camera.id()));
        }
        if (server != null) {
            server.close();
        }
        return 0;
    }
}
