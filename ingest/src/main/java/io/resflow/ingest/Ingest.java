package io.resflow.ingest;

import io.prometheus.client.CollectorRegistry;
import io.resflow.datasets.ImageShape;
import io.resflow.ingest.cameras.Camera;
import io.resflow.ingest.decode.FfmpegGrabber;
import io.resflow.ingest.decode.FrameGrabber;
import io.resflow.ingest.decode.GrabOptions;
import io.resflow.ingest.flow.Backoff;
import io.resflow.ingest.flow.DropOldestQueue;
import io.resflow.schema.ImageRecord;
import io.resflow.schema.wire.SingleObjectCodec;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Ingests cameras into Kafka: per camera a reader thread (open, decode, sample, reconnect) and a
 * sender thread (encode, send), joined by a drop-oldest queue so a slow broker costs frames,
 * counted, never memory. One idempotent producer for all cameras, keyed by camera id.
 *
 * <pre>{@code
 * try (Ingest ingest = Ingest.builder()
 *         .setBootstrapServers("127.0.0.1:9092")
 *         .setTopic(Topics.IMAGES)
 *         .setCameras(List.of(new Camera("door", "rtsp://10.0.0.7/stream1")))
 *         .optFramesPerSecond(5)
 *         .build()) {
 *     ingest.start();
 *     ingest.awaitFilesDone(Duration.ofMinutes(1));
 * }
 * }</pre>
 */
public final class Ingest implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Ingest.class);

    private final Builder settings;
    private final IngestMetrics metrics;
    private final FrameRecords records;
    private final List<CameraWorker> workers = new ArrayList<>();
    private final List<Thread> readers = new ArrayList<>();
    private final List<Thread> senders = new ArrayList<>();
    private final Map<String, DropOldestQueue<CameraWorker.Sampled>> queues = new HashMap<>();
    private final SingleObjectCodec<ImageRecord> codec = SingleObjectCodec.of(ImageRecord.class);
    private final String runId = Long.toString(System.currentTimeMillis(), 36);
    private Producer<byte[], byte[]> producer;
    private volatile boolean sending = true;

    private Ingest(Builder b) {
        this.settings = b;
        this.metrics = new IngestMetrics(b.registry);
        this.records = new FrameRecords(b.jpegQuality, Optional.ofNullable(b.modelShape));
    }

    public static Builder builder() {
        return new Builder();
    }

    public IngestMetrics metrics() {
        return metrics;
    }

    /** Starts every camera's reader and sender. */
    public synchronized void start() {
        if (producer != null) {
            throw new IllegalStateException("ingest is already started");
        }
        producer = new KafkaProducer<>(producerProperties());
        GrabOptions grab = new GrabOptions(settings.rtspTransport, settings.timeout, true);
        for (Camera camera : settings.cameras) {
            DropOldestQueue<CameraWorker.Sampled> queue =
                    new DropOldestQueue<>(
                            settings.queueCapacity,
                            dropped -> metrics.dropped.labels(camera.id(), "queue_full").inc());
            metrics.dropped.labels(camera.id(), "queue_full");
            metrics.dropped.labels(camera.id(), "send_failed");
            metrics.sent.labels(camera.id());
            queues.put(camera.id(), queue);
            CameraWorker worker =
                    new CameraWorker(
                            camera,
                            settings.opener,
                            grab,
                            settings.fps,
                            new Backoff(settings.backoffInitial, settings.backoffMax),
                            settings.loop,
                            queue,
                            metrics);
            workers.add(worker);
            Thread reader = new Thread(worker, "ingest-read-" + camera.id());
            reader.setDaemon(true);
            readers.add(reader);
            Thread sender = new Thread(() -> send(camera, queue), "ingest-send-" + camera.id());
            sender.setDaemon(true);
            senders.add(sender);
        }
        senders.forEach(Thread::start);
        readers.forEach(Thread::start);
        LOG.info(
                "ingest: {} cameras at {} fps to {} at {}",
                settings.cameras.size(),
                settings.fps,
                settings.topic,
                settings.bootstrapServers);
    }

    private void send(Camera camera, DropOldestQueue<CameraWorker.Sampled> queue) {
        byte[] key = camera.id().getBytes(StandardCharsets.UTF_8);
        AtomicLong failures = new AtomicLong();
        long sequence = 0;
        while (sending || queue.size() > 0) {
            CameraWorker.Sampled sampled;
            try {
                sampled = queue.poll(100, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            if (sampled == null) {
                continue;
            }
            try {
                String id = camera.id() + "-" + runId + "-" + String.format("%08d", sequence++);
                ImageRecord record = records.toRecord(camera, sampled.info(), sampled.frame(), id);
                producer.send(
                        new ProducerRecord<>(settings.topic, key, codec.encode(record)),
                        (metadata, exception) -> {
                            if (exception == null) {
                                metrics.sent.labels(camera.id()).inc();
                            } else {
                                metrics.dropped.labels(camera.id(), "send_failed").inc();
                                long n = failures.incrementAndGet();
                                // Once per power of ten: a broker outage must not flood the log.
                                if (Long.toString(n).matches("10*")) {
                                    LOG.warn(
                                            "camera {}: Kafka refused {} frame(s) so far: {}",
                                            camera.id(),
                                            n,
                                            exception.toString());
                                }
                            }
                        });
            } catch (RuntimeException e) {
                metrics.dropped.labels(camera.id(), "send_failed").inc();
                LOG.warn("camera {}: could not send a frame: {}", camera.id(), e.toString());
            }
        }
    }

    /**
     * Waits until every file camera has been read to its end (never, for live streams or with
     * {@code --loop}) and its frames are acknowledged; true if they were within the timeout.
     */
    public boolean awaitFilesDone(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        for (int i = 0; i < workers.size(); i++) {
            Thread reader = readers.get(i);
            reader.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
            if (reader.isAlive()) {
                return false;
            }
        }
        while (queues.values().stream().anyMatch(q -> q.size() > 0)) {
            if (System.nanoTime() - deadline > 0) {
                return false;
            }
            Thread.sleep(20);
        }
        Thread.sleep(200);
        producer.flush();
        return true;
    }

    /** Stops reading, sends what is queued, flushes and closes the producer. */
    @Override
    public synchronized void close() {
        workers.forEach(CameraWorker::stop);
        readers.forEach(t -> CameraWorker.awaitQuietly(t, settings.timeout.toMillis() + 5_000));
        sending = false;
        senders.forEach(t -> CameraWorker.awaitQuietly(t, 10_000));
        if (producer != null) {
            producer.close(Duration.ofSeconds(10));
        }
    }

    private Properties producerProperties() {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, settings.bootstrapServers);
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        props.put(
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        // Idempotent: a retried send after a broker hiccup is not a duplicate frame.
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        props.put(ProducerConfig.CLIENT_ID_CONFIG, "resflow-ingest-" + runId);
        props.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, settings.maxRecordBytes);
        // A full producer buffer blocks the camera's sender briefly, then its queue drops frames.
        props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 10_000);
        props.putAll(settings.producerOverrides);
        return props;
    }

    /** Settings; required ones {@code setX}, optional ones {@code optX}, checked in build(). */
    public static final class Builder {
        private String bootstrapServers;
        private String topic;
        private List<Camera> cameras;
        private double fps = 5;
        private float jpegQuality = 0.9f;
        private ImageShape modelShape;
        private int queueCapacity = 32;
        private String rtspTransport = "tcp";
        private Duration timeout = Duration.ofSeconds(10);
        private Duration backoffInitial = Duration.ofMillis(500);
        private Duration backoffMax = Duration.ofSeconds(30);
        private boolean loop;
        private int maxRecordBytes = 1024 * 1024;
        private Map<String, Object> producerOverrides = Map.of();
        private CollectorRegistry registry = CollectorRegistry.defaultRegistry;
        private FrameGrabber.Opener opener = FfmpegGrabber::open;

        private Builder() {}

        public Builder setBootstrapServers(String bootstrapServers) {
            this.bootstrapServers = bootstrapServers;
            return this;
        }

        public Builder setTopic(String topic) {
            this.topic = topic;
            return this;
        }

        public Builder setCameras(List<Camera> cameras) {
            this.cameras = List.copyOf(cameras);
            return this;
        }

        /** Frames kept per second per camera (default 5). */
        public Builder optFramesPerSecond(double fps) {
            this.fps = fps;
            return this;
        }

        /** JPEG quality 0..1 (default 0.9). */
        public Builder optJpegQuality(float quality) {
            this.jpegQuality = quality;
            return this;
        }

        /** Send RAW_U8 at this shape (a model's input) instead of JPEG. */
        public Builder optResizeTo(ImageShape modelShape) {
            this.modelShape = modelShape;
            return this;
        }

        /** Sampled frames held per camera while Kafka is slower (default 32). */
        public Builder optQueueCapacity(int capacity) {
            this.queueCapacity = capacity;
            return this;
        }

        /** {@code tcp} (default) or {@code udp}. */
        public Builder optRtspTransport(String transport) {
            this.rtspTransport = transport;
            return this;
        }

        /** How long opening or reading may block before the stream counts as gone (10 s). */
        public Builder optTimeout(Duration timeout) {
            this.timeout = timeout;
            return this;
        }

        /** Reconnect backoff: first delay and cap (0.5 s, 30 s). */
        public Builder optBackoff(Duration initial, Duration max) {
            this.backoffInitial = initial;
            this.backoffMax = max;
            return this;
        }

        /** Replay files from the start when they end. */
        public Builder optLoop(boolean loop) {
            this.loop = loop;
            return this;
        }

        /** The producer's max.request.size (default 1 MiB; cli passes ResFlow's record limit). */
        public Builder optMaxRecordBytes(int bytes) {
            this.maxRecordBytes = bytes;
            return this;
        }

        /** Extra producer settings (security, tuning); they win over ingest's own. */
        public Builder optProducerOverrides(Map<String, ?> overrides) {
            this.producerOverrides = Map.copyOf(overrides);
            return this;
        }

        /** Where the metrics go (default: the default registry). */
        public Builder optRegistry(CollectorRegistry registry) {
            this.registry = registry;
            return this;
        }

        /** How streams are opened (default FFmpeg); tests pass fakes. */
        public Builder optOpener(FrameGrabber.Opener opener) {
            this.opener = opener;
            return this;
        }

        public Ingest build() {
            if (bootstrapServers == null || bootstrapServers.isBlank()) {
                throw new IllegalArgumentException("ingest needs Kafka bootstrap servers");
            }
            if (topic == null || topic.isBlank()) {
                throw new IllegalArgumentException("ingest needs a topic to send frames to");
            }
            if (cameras == null || cameras.isEmpty()) {
                throw new IllegalArgumentException("ingest needs at least one camera");
            }
            if (!(fps > 0) || Double.isInfinite(fps)) {
                throw new IllegalArgumentException("fps must be a positive number, got " + fps);
            }
            if (queueCapacity < 1) {
                throw new IllegalArgumentException(
                        "the queue holds at least 1 frame, got " + queueCapacity);
            }
            new GrabOptions(rtspTransport, timeout, true);
            new Backoff(backoffInitial, backoffMax);
            Objects.requireNonNull(registry, "registry");
            Objects.requireNonNull(opener, "opener");
            return new Ingest(this);
        }
    }
}
