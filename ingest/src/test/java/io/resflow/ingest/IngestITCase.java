package io.resflow.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.prometheus.client.CollectorRegistry;
import io.resflow.datasets.ImageShape;
import io.resflow.datasets.LabelledImages;
import io.resflow.ingest.cameras.Camera;
import io.resflow.ingest.decode.DecodedFrame;
import io.resflow.ingest.decode.FrameGrabber;
import io.resflow.ingest.decode.StreamInfo;
import io.resflow.ingest.servers.ImagesTopic;
import io.resflow.ingest.servers.MjpegServer;
import io.resflow.ingest.servers.RtspServer;
import io.resflow.ingest.servers.TestVideos;
import io.resflow.kafka.embedded.EmbeddedKafkaExtension;
import io.resflow.runtime.images.ImageCodec;
import io.resflow.runtime.images.ImageFormat;
import io.resflow.runtime.images.ImagePreprocessor;
import io.resflow.runtime.images.Pixels;
import io.resflow.schema.ImageEncoding;
import io.resflow.schema.ImageRecord;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Ingest against real servers and real files: H.264 videos of Fashion-MNIST test images encoded by
 * ffmpeg, served by GStreamer's RTSP server and an HTTP MJPEG server, into a real broker.
 *
 * <p>Frame counts: files are sampled on their own timestamps, so {@code fps x duration} is exact
 * (tolerance 1 frame for the last one); live streams are sampled on RTP timestamps (RTSP) or
 * arrival times (MJPEG), tolerance 2 frames.
 */
class IngestITCase {

    private static final String TOPIC = "images";
    private static final int SIZE = 224;
    private static final int VIDEO_FPS = 10;

    @RegisterExtension
    static final EmbeddedKafkaExtension KAFKA =
            new EmbeddedKafkaExtension(b -> b.optTopic(TOPIC, 2));

    @TempDir static Path dir;

    static LabelledImages images;
    static List<Pixels> frames;
    static Path video;

    @BeforeAll
    static void encodeVideo() throws Exception {
        images = TestVideos.fashionMnistTest();
        frames = TestVideos.frames(images, 40, SIZE);
        video =
                TestVideos.encode(
                        frames,
                        VIDEO_FPS,
                        dir.resolve("fashion.mp4"),
                        TestVideos.h264Mp4(VIDEO_FPS));
    }

    private Ingest.Builder ingest(CollectorRegistry registry, Camera... cameras) {
        return Ingest.builder()
                .setBootstrapServers(KAFKA.bootstrapServers())
                .setTopic(TOPIC)
                .setCameras(List.of(cameras))
                .optFramesPerSecond(5)
                .optTimeout(Duration.ofSeconds(3))
                .optBackoff(Duration.ofMillis(500), Duration.ofSeconds(2))
                .optRegistry(registry);
    }

    @Test
    void videoFilesInThreeContainersGiveFpsTimesDurationFramesThatLookLikeTheImages()
            throws Exception {
        Path mkv =
                TestVideos.encode(
                        frames,
                        VIDEO_FPS,
                        dir.resolve("fashion.mkv"),
                        List.of("-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p"));
        Path avi =
                TestVideos.encode(
                        frames,
                        VIDEO_FPS,
                        dir.resolve("fashion.avi"),
                        List.of("-c:v", "mpeg4", "-q:v", "2"));
        CollectorRegistry registry = new CollectorRegistry();
        try (Ingest ingest =
                ingest(
                                registry,
                                new Camera("file-mp4", video.toString()),
                                new Camera("file-mkv", "file:" + mkv),
                                new Camera("file-avi", avi.toString()))
                        .build()) {
            ingest.start();
            assertThat(ingest.awaitFilesDone(Duration.ofSeconds(60))).isTrue();
        }
        // 40 frames at 10 fps = 4 s; at 5 fps: 20 frames.
        for (String camera : List.of("file-mp4", "file-mkv", "file-avi")) {
            List<ImageRecord> records = ImagesTopic.read(KAFKA.bootstrapServers(), TOPIC, camera);
            assertThat(records).as(camera).hasSize(20);
            ImageRecord first = records.get(0);
            assertThat(first.getEncoding()).isEqualTo(ImageEncoding.JPEG);
            assertThat(first.getWidth()).isEqualTo(SIZE);
            assertThat(first.getHeaders())
                    .containsEntry("resolution", "224x224")
                    .containsEntry("captureClock", "arrival")
                    .containsEntry("codec", camera.equals("file-avi") ? "mpeg4" : "h264");
            assertThat(meanDifference(records)).as(camera).isLessThan(8.0);
        }
    }

    /**
     * The mean absolute grey difference between each record and the test image shown at its stream
     * time: frames survive H.264 and JPEG with their content.
     */
    private static double meanDifference(List<ImageRecord> records) throws Exception {
        double total = 0;
        for (ImageRecord record : records) {
            byte[] jpeg = new byte[record.getImageBytes().remaining()];
            record.getImageBytes().duplicate().get(jpeg);
            Pixels decoded =
                    ImagePreprocessor.toShape(
                            ImageCodec.decode(jpeg, ImageFormat.JPEG),
                            new ImageShape(SIZE, SIZE, 1));
            int index =
                    (int)
                            Math.round(
                                    Double.parseDouble(record.getHeaders().get("streamSeconds"))
                                            * VIDEO_FPS);
            byte[] original = frames.get(index).data();
            long sum = 0;
            for (int i = 0; i < original.length; i++) {
                sum += Math.abs((decoded.data()[i] & 0xff) - (original[i] & 0xff));
            }
            total += (double) sum / original.length;
        }
        return total / records.size();
    }

    @Test
    void rtspOverTcpAndUdpWithoutLeakingCredentials() throws Exception {
        try (RtspServer server = new RtspServer(video, RtspServer.freePort()).start()) {
            CollectorRegistry registry = new CollectorRegistry();
            try (Ingest ingest =
                    ingest(
                                    registry,
                                    new Camera(
                                            "rtsp-tcp",
                                            server.urlWithCredentials("admin", "s3cret")))
                            .build()) {
                ingest.start();
                awaitStreamEnd(ingest.metrics(), "rtsp-tcp");
            }
            CollectorRegistry udpRegistry = new CollectorRegistry();
            try (Ingest ingest =
                    ingest(udpRegistry, new Camera("rtsp-udp", server.url()))
                            .optRtspTransport("udp")
                            .build()) {
                ingest.start();
                awaitStreamEnd(ingest.metrics(), "rtsp-udp");
            }
        }
        for (String camera : List.of("rtsp-tcp", "rtsp-udp")) {
            List<ImageRecord> records = ImagesTopic.read(KAFKA.bootstrapServers(), TOPIC, camera);
            assertThat(records.size()).as(camera).isBetween(18, 22);
            assertThat(records.get(0).getHeaders()).containsEntry("codec", "h264");
            assertThat(meanDifference(records)).as(camera).isLessThan(8.0);
            assertCameraClock(records);
        }
        ImageRecord tcp = ImagesTopic.read(KAFKA.bootstrapServers(), TOPIC, "rtsp-tcp").get(0);
        assertThat(tcp.getHeaders().get("url"))
                .startsWith("rtsp://***@127.0.0.1")
                .doesNotContain("s3cret");
    }

    /**
     * GStreamer's server sends RTCP sender reports: once the first arrived, capture times are the
     * server's NTP clock plus the RTP time, 200 ms apart at 5 fps; before it, arrival times. The
     * first report comes at a randomised moment (RFC 3550 6.2: 0.5 to 1.5 times half the 5 s
     * minimum interval, so 1.25 to 3.75 s into this 4 s stream), so how many frames precede it
     * varies; what may not vary is that the clock switches once and never back.
     */
    private static void assertCameraClock(List<ImageRecord> records) {
        List<String> clocks =
                records.stream().map(r -> r.getHeaders().get("captureClock")).toList();
        int firstSynced = clocks.indexOf("rtcp_ntp");
        assertThat(firstSynced).as("a frame stamped by the camera's clock").isNotNegative();
        assertThat(clocks.subList(0, firstSynced)).containsOnly("arrival");
        assertThat(clocks.subList(firstSynced, clocks.size())).containsOnly("rtcp_ntp");
        List<ImageRecord> synced = records.subList(firstSynced, records.size());
        for (int i = 1; i < synced.size(); i++) {
            long step =
                    synced.get(i).getCaptureTime().toEpochMilli()
                            - synced.get(i - 1).getCaptureTime().toEpochMilli();
            assertThat(step).isBetween(190L, 210L);
        }
        long ageMillis =
                System.currentTimeMillis()
                        - synced.get(synced.size() - 1).getCaptureTime().toEpochMilli();
        assertThat(ageMillis).isBetween(0L, 30_000L);
    }

    /** Waits until the camera's stream ended (the server's end of file), at most 30 s. */
    private static void awaitStreamEnd(IngestMetrics metrics, String camera) throws Exception {
        await(
                () ->
                        metrics.streamErrors(camera, "read_failed")
                                        + metrics.streamErrors(camera, "timed_out")
                                > 0,
                Duration.ofSeconds(30),
                camera + " did not end");
    }

    private static void await(BooleanSupplier condition, Duration timeout, String what)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError(what + " within " + timeout);
            }
            Thread.sleep(50);
        }
    }

    @Test
    void anRtspServerStoppedAndStartedAgainIsReconnectedAndTheGapCounted() throws Exception {
        List<Pixels> long20s = TestVideos.frames(images, 200, SIZE);
        Path longVideo =
                TestVideos.encode(
                        long20s, VIDEO_FPS, dir.resolve("long.mp4"), TestVideos.h264Mp4(VIDEO_FPS));
        int port = RtspServer.freePort();
        CollectorRegistry registry = new CollectorRegistry();
        RtspServer server = new RtspServer(longVideo, port).start();
        try (Ingest ingest = ingest(registry, new Camera("restarted", server.url())).build()) {
            ingest.start();
            IngestMetrics metrics = ingest.metrics();
            await(() -> metrics.sent("restarted") >= 5, Duration.ofSeconds(20), "first frames");
            server.close();
            long stopped = System.nanoTime();
            Thread.sleep(3_000);
            server = new RtspServer(longVideo, port).start();
            double before = metrics.decoded("restarted");
            await(
                    () -> metrics.decoded("restarted") > before + 10,
                    Duration.ofSeconds(30),
                    "frames after the restart");
            double downSeconds = (System.nanoTime() - stopped) / 1e9;
            assertThat(metrics.reconnects("restarted")).isGreaterThanOrEqualTo(1);
            assertThat(metrics.gapSeconds("restarted")).isBetween(2.5, downSeconds + 1);
            assertThat(metrics.lastFrameAgeSeconds("restarted")).isLessThan(2);
        } finally {
            server.close();
        }
    }

    @Test
    void httpMjpeg() throws Exception {
        CollectorRegistry registry = new CollectorRegistry();
        try (MjpegServer server = new MjpegServer(frames.subList(0, 30), VIDEO_FPS);
                Ingest ingest = ingest(registry, new Camera("mjpeg", server.url())).build()) {
            ingest.start();
            awaitStreamEnd(ingest.metrics(), "mjpeg");
        }
        List<ImageRecord> records = ImagesTopic.read(KAFKA.bootstrapServers(), TOPIC, "mjpeg");
        // 30 frames at 10 fps = 3 s; at 5 fps on arrival times: 15.
        assertThat(records.size()).isBetween(13, 17);
        assertThat(records.get(0).getHeaders()).containsEntry("codec", "mjpeg");
    }

    @Test
    void aResolutionChangeIsLoggedCountedAndFollowed() throws Exception {
        List<Pixels> mixed = new ArrayList<>(frames.subList(0, 10));
        mixed.addAll(TestVideos.frames(images, 10, 112));
        CollectorRegistry registry = new CollectorRegistry();
        try (MjpegServer server = new MjpegServer(mixed, 20);
                Ingest ingest =
                        ingest(registry, new Camera("switching", server.url()))
                                .optFramesPerSecond(20)
                                .build()) {
            ingest.start();
            awaitStreamEnd(ingest.metrics(), "switching");
            assertThat(ingest.metrics().streamErrors("switching", "resolution_changed"))
                    .isEqualTo(1);
        }
        assertThat(ImagesTopic.read(KAFKA.bootstrapServers(), TOPIC, "switching"))
                .extracting(r -> r.getHeaders().get("resolution"))
                .contains("224x224", "112x112");
    }

    @Test
    void badStreamsAreReportedAndTheGoodCameraGoesOn() throws Exception {
        // A truncated file without its index (ffmpeg writes the MP4 index at the end by default).
        Path unindexed =
                TestVideos.encode(
                        frames,
                        VIDEO_FPS,
                        dir.resolve("unindexed.mp4"),
                        List.of("-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p"));
        byte[] whole = Files.readAllBytes(unindexed);
        Path truncated =
                Files.write(
                        dir.resolve("truncated.mp4"),
                        java.util.Arrays.copyOf(whole, whole.length / 2));
        byte[] noise = new byte[200_000];
        new Random(18).nextBytes(noise);
        Path garbage = Files.write(dir.resolve("garbage.mp4"), noise);
        // A video stream whose fourcc no decoder knows.
        Path unknownCodec =
                TestVideos.encode(
                        frames.subList(0, 10),
                        VIDEO_FPS,
                        dir.resolve("unknown.avi"),
                        List.of("-c:v", "mpeg4", "-strict", "unofficial", "-tag:v", "QQQQ"));
        CollectorRegistry registry = new CollectorRegistry();
        try (SilentServer silent = new SilentServer();
                Ingest ingest =
                        ingest(
                                        registry,
                                        new Camera("truncated", truncated.toString()),
                                        new Camera("garbage", garbage.toString()),
                                        new Camera("unknown-codec", unknownCodec.toString()),
                                        new Camera("silent", silent.url()),
                                        new Camera("good", video.toString()))
                                .optTimeout(Duration.ofSeconds(2))
                                .build()) {
            ingest.start();
            IngestMetrics metrics = ingest.metrics();
            await(
                    () -> metrics.sent("good") == 20,
                    Duration.ofSeconds(30),
                    "the good camera's frames");
            await(
                    () -> metrics.reconnects("silent") >= 1,
                    Duration.ofSeconds(30),
                    "a reconnect of the silent camera");
            assertThat(metrics.streamErrors("truncated", "open_failed")).isEqualTo(1);
            assertThat(metrics.streamErrors("garbage", "open_failed")).isEqualTo(1);
            assertThat(metrics.streamErrors("unknown-codec", "unsupported_codec")).isEqualTo(1);
            assertThat(metrics.streamErrors("silent", "timed_out")).isGreaterThanOrEqualTo(1);
            assertThat(
                            Stream.of("truncated", "garbage", "unknown-codec", "silent")
                                    .mapToDouble(metrics::sent)
                                    .sum())
                    .isZero();
        }
    }

    @Test
    void whenKafkaIsSlowerThanTheCameraTheOldestFramesAreDroppedAndCounted() throws Exception {
        // A camera far faster than encoding and sending: 300 frames at once, a queue of 4.
        Pixels frame = ImagePreprocessor.toShape(frames.get(0), new ImageShape(SIZE, SIZE, 3));
        FrameGrabber.Opener burst =
                (url, options) ->
                        new FrameGrabber() {
                            int next;

                            @Override
                            public StreamInfo info() {
                                return new StreamInfo("fake", SIZE, SIZE, "fake");
                            }

                            @Override
                            public DecodedFrame grab() {
                                return next == 300
                                        ? null
                                        : new DecodedFrame(
                                                frame,
                                                next++ / 100.0,
                                                System.currentTimeMillis(),
                                                DecodedFrame.CaptureClock.ARRIVAL);
                            }

                            @Override
                            public void interrupt() {}

                            @Override
                            public void close() {}
                        };
        CollectorRegistry registry = new CollectorRegistry();
        IngestMetrics metrics;
        try (Ingest ingest =
                ingest(registry, new Camera("burst", "burst.mp4"))
                        .optFramesPerSecond(100)
                        .optQueueCapacity(4)
                        .optOpener(burst)
                        .build()) {
            ingest.start();
            assertThat(ingest.awaitFilesDone(Duration.ofSeconds(60))).isTrue();
            metrics = ingest.metrics();
        }
        double dropped = metrics.dropped("burst", "queue_full");
        assertThat(metrics.decoded("burst")).isEqualTo(300);
        assertThat(dropped).isPositive();
        assertThat(metrics.sent("burst") + dropped).isEqualTo(300);
        assertThat(ImagesTopic.read(KAFKA.bootstrapServers(), TOPIC, "burst"))
                .hasSize((int) metrics.sent("burst"));
    }

    /** A server that accepts connections and never answers: a camera that hangs. */
    static final class SilentServer implements AutoCloseable {
        private final ServerSocket socket;
        private final List<Socket> clients = new ArrayList<>();

        SilentServer() throws IOException {
            socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
            Thread accept =
                    new Thread(
                            () -> {
                                try {
                                    while (true) {
                                        Socket client = socket.accept();
                                        synchronized (clients) {
                                            clients.add(client);
                                        }
                                        InputStream ignored = client.getInputStream();
                                    }
                                } catch (IOException e) {
                                    // closed
                                }
                            },
                            "silent-server");
            accept.setDaemon(true);
            accept.start();
        }

        String url() {
            return "rtsp://127.0.0.1:" + socket.getLocalPort() + "/never";
        }

        @Override
        public void close() throws IOException {
            socket.close();
            synchronized (clients) {
                for (Socket client : clients) {
                    client.close();
                }
            }
        }
    }
}
