package io.resflow.ingest.bench;

import io.prometheus.client.CollectorRegistry;
import io.resflow.ingest.Ingest;
import io.resflow.ingest.IngestMetrics;
import io.resflow.ingest.cameras.Camera;
import io.resflow.ingest.servers.Prerequisites;
import io.resflow.kafka.embedded.EmbeddedKafka;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * How many cameras one ingest process carries: N cameras of 640x480 H.264 at 5 fps (files read at
 * their own rate, looped, so no RTSP server competes for the CPU), sampled at 5 fps and sent as
 * JPEG to an in-process broker. CPU is that of ingest's own threads (readers, senders, the
 * producer's I/O thread), not the broker's. A step "carries" its cameras when they deliver at least
 * 95% of their frames and drop at most 1%.
 *
 * <p>Run: {@code ./mvnw -o -q -pl ingest -am test-compile}, then {@code java -cp
 * ingest/target/test-classes:ingest/target/classes:$(cat cp.txt)
 * io.resflow.ingest.bench.CamerasPerProcess 20 4 8 16 24 32} (seconds per step, camera counts;
 * {@code cp.txt} from {@code dependency:build-classpath -Dmdep.outputFile=cp.txt}).
 */
public final class CamerasPerProcess {

    private static final int FPS = 5;

    public static void main(String[] args) throws Exception {
        int seconds = Integer.parseInt(args[0]);
        Path dir = Files.createTempDirectory("ingest-bench");
        Path video = dir.resolve("camera.mp4");
        Prerequisites.requireFfmpeg();
        Process ffmpeg =
                new ProcessBuilder(
                                List.of(
                                        Prerequisites.FFMPEG,
                                        "-y",
                                        "-loglevel",
                                        "error",
                                        "-f",
                                        "lavfi",
                                        "-i",
                                        "testsrc2=size=640x480:rate=" + FPS,
                                        "-t",
                                        "60",
                                        "-c:v",
                                        "libx264",
                                        "-preset",
                                        "veryfast",
                                        "-g",
                                        Integer.toString(2 * FPS),
                                        "-pix_fmt",
                                        "yuv420p",
                                        video.toString()))
                        .inheritIO()
                        .start();
        if (!ffmpeg.waitFor(120, TimeUnit.SECONDS) || ffmpeg.exitValue() != 0) {
            throw new IllegalStateException("ffmpeg could not encode the benchmark video");
        }
        System.out.printf(
                "cores=%d java=%s%n",
                Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"));
        System.out.println(
                "| cameras | frames/s expected | decoded/s | sent/s | dropped | ingest CPU (cores)"
                        + " | CPU per camera | carried |");
        System.out.println("| --- | --- | --- | --- | --- | --- | --- | --- |");
        try (EmbeddedKafka kafka = EmbeddedKafka.builder().optTopic("images", 4).build().start()) {
            for (int i = 1; i < args.length; i++) {
                step(kafka.bootstrapServers(), video, Integer.parseInt(args[i]), seconds);
            }
        }
    }

    private static void step(String bootstrap, Path video, int count, int seconds)
            throws Exception {
        List<Camera> cameras = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            cameras.add(new Camera("cam-" + i, video.toString()));
        }
        CollectorRegistry registry = new CollectorRegistry();
        try (Ingest ingest =
                Ingest.builder()
                        .setBootstrapServers(bootstrap)
                        .setTopic("images")
                        .setCameras(cameras)
                        .optFramesPerSecond(FPS)
                        .optLoop(true)
                        .optRegistry(registry)
                        .build()) {
            ingest.start();
            IngestMetrics metrics = ingest.metrics();
            // Warm-up: JIT, native library loading, connections.
            Thread.sleep(5_000);
            double decoded0 = total(metrics, cameras, "decoded");
            double sent0 = total(metrics, cameras, "sent");
            double dropped0 = total(metrics, cameras, "dropped");
            long cpu0 = ingestCpuNanos();
            long start = System.nanoTime();
            Thread.sleep(seconds * 1000L);
            double wall = (System.nanoTime() - start) / 1e9;
            double cpu = (ingestCpuNanos() - cpu0) / 1e9 / wall;
            double decoded = (total(metrics, cameras, "decoded") - decoded0) / wall;
            double sent = (total(metrics, cameras, "sent") - sent0) / wall;
            double dropped = total(metrics, cameras, "dropped") - dropped0;
            double expected = count * FPS;
            boolean carried = decoded >= 0.95 * expected && dropped <= 0.01 * decoded * wall;
            System.out.printf(
                    Locale.ROOT,
                    "| %d | %.0f | %.1f | %.1f | %.0f | %.2f | %.3f | %s |%n",
                    count,
                    expected,
                    decoded,
                    sent,
                    dropped,
                    cpu,
                    cpu / count,
                    carried ? "yes" : "no");
        }
    }

    private static double total(IngestMetrics metrics, List<Camera> cameras, String what) {
        double sum = 0;
        for (Camera camera : cameras) {
            sum +=
                    switch (what) {
                        case "decoded" -> metrics.decoded(camera.id());
                        case "sent" -> metrics.sent(camera.id());
                        default ->
                                metrics.dropped(camera.id(), "queue_full")
                                        + metrics.dropped(camera.id(), "send_failed");
                    };
        }
        return sum;
    }

    /** CPU time of ingest's threads: its readers and senders and its producer's I/O thread. */
    private static long ingestCpuNanos() {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        long total = 0;
        for (ThreadInfo info : threads.getThreadInfo(threads.getAllThreadIds())) {
            if (info == null) {
                continue;
            }
            String name = info.getThreadName();
            if (name.startsWith("ingest-")
                    || name.startsWith("kafka-producer-network-thread | resflow-ingest")) {
                long cpu = threads.getThreadCpuTime(info.getThreadId());
                if (cpu > 0) {
                    total += cpu;
                }
            }
        }
        return total;
    }

    private CamerasPerProcess() {}
}
