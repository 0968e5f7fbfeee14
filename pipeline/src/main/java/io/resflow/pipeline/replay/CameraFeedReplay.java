package io.resflow.pipeline.replay;

import io.resflow.pipeline.kafka.KafkaClientConfig;
import io.resflow.pipeline.kafka.KafkaRecordLimits;
import io.resflow.pipeline.kafka.Topics;
import io.resflow.schema.ImageEncoding;
import io.resflow.schema.ImageRecord;
import io.resflow.schema.wire.SingleObjectCodec;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Simulates a fleet of cameras: publishes frames as {@code ImageRecord}s (Avro single-object
 * encoding) to Kafka at {@code cameras x fps}, round-robin over the cameras, keyed by camera id so
 * each camera's frames stay in order within a partition. Optionally plants corrupt frames.
 *
 * <pre>{@code
 * ReplayReport report = CameraFeedReplay.builder()
 *         .setBootstrapServers("127.0.0.1:9092")
 *         .setFrames(new DatasetFrames(fashionMnistTest, ImageEncoding.PNG))
 *         .optCameras(4).optFramesPerSecond(25).optLimit(1_000)
 *         .build()
 *         .run();
 * }</pre>
 */
public final class CameraFeedReplay {

    private final String bootstrapServers;
    private final FrameSource frames;
    private final String topic;
    private final int cameras;
    private final double framesPerSecond;
    private final int limit;
    private final int corruptEvery;
    private final String runId;
    private final Map<String, String> producerOverrides;
    private final LongConsumer progress;
    private final long seed;

    private CameraFeedReplay(Builder b) {
        this.bootstrapServers = b.bootstrapServers;
        this.frames = b.frames;
        this.topic = b.topic;
        this.cameras = b.cameras;
        this.framesPerSecond = b.framesPerSecond;
        this.limit = b.limit;
        this.corruptEvery = b.corruptEvery;
        this.runId = b.runId;
        this.producerOverrides = Map.copyOf(b.producerOverrides);
        this.progress = b.progress;
        this.seed = b.seed;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The number of records {@link #run()} will send. */
    public int plannedCount() {
        return limit == 0 ? frames.size() : Math.min(limit, frames.size());
    }

    /** Sends every planned frame, waits for the broker to acknowledge all of them, and reports. */
    public ReplayReport run() {
        SingleObjectCodec<ImageRecord> codec = SingleObjectCodec.of(ImageRecord.class);
        Random random = new Random(seed);
        int count = plannedCount();
        List<String> ids = new ArrayList<>(count);
        AtomicLong acknowledged = new AtomicLong();
        AtomicReference<Exception> firstFailure = new AtomicReference<>();
        long sent = 0;
        long corrupt = 0;
        long labelled = 0;
        double totalRate = framesPerSecond * cameras;
        long start;
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(producerProperties())) {
            // The first send would wait for the topic's metadata, and the frames due meanwhile
            // would
            // then leave in one burst: fetch it before the clock starts.
            producer.partitionsFor(topic);
            start = System.nanoTime();
            for (int i = 0; i < count; i++) {
                if (firstFailure.get() != null) {
                    break;
                }
                if (totalRate > 0) {
                    long due = start + (long) (i * 1e9 / totalRate);
                    long wait = due - System.nanoTime();
                    if (wait > 0) {
                        LockSupport.parkNanos(wait);
                    }
                }
                String source = "camera-" + (i % cameras);
                String id = runId + "-" + source + "-" + String.format("%06d", i / cameras);
                boolean plantCorrupt = corruptEvery > 0 && (i + 1) % corruptEvery == 0;
                byte[] value;
                if (plantCorrupt) {
                    CorruptFrames kind = CorruptFrames.forOrdinal(corrupt);
                    value = corruptValue(kind, frames.frame(i), id, source, codec, random);
                    if (kind != CorruptFrames.NOT_AVRO) {
                        ids.add(id);
                    }
                    corrupt++;
                } else {
                    Frame frame = frames.frame(i);
                    value = codec.encode(frame.toRecord(id, source, Instant.now()));
                    ids.add(id);
                    if (frame.label() != null) {
                        labelled++;
                    }
                }
                producer.send(
                        new ProducerRecord<>(topic, source.getBytes(StandardCharsets.UTF_8), value),
                        (metadata, exception) -> {
                            if (exception != null) {
                                firstFailure.compareAndSet(null, exception);
                            } else if (progress != null) {
                                progress.accept(acknowledged.incrementAndGet());
                            }
                        });
                sent++;
            }
            producer.flush();
        }
        if (firstFailure.get() != null) {
            throw new IllegalStateException(
                    "Kafka refused a frame for topic "
                            + topic
                            + " at "
                            + bootstrapServers
                            + ": "
                            + firstFailure.get().getMessage(),
                    firstFailure.get());
        }
        return new ReplayReport(
                sent,
                corrupt,
                labelled,
                Duration.ofNanos(System.nanoTime() - start),
                List.copyOf(ids));
    }

    private byte[] corruptValue(
            CorruptFrames kind,
            Frame frame,
            String id,
            String source,
            SingleObjectCodec<ImageRecord> codec,
            Random random) {
        return switch (kind) {
            case UNDECODABLE_IMAGE ->
                    codec.encode(
                            toRecord(
                                    frame,
                                    id,
                                    source,
                                    CorruptFrames.garbage(random, 64),
                                    frame.width(),
                                    frame.height()));
            case WRONG_SHAPE -> claimingTwiceItsSize(frame, id, source, codec);
            case NOT_AVRO -> CorruptFrames.garbage(random, 128);
            case OVERSIZED_IMAGE ->
                    frame.encoding() == ImageEncoding.PNG
                            ? codec.encode(
                                    toRecord(
                                            frame,
                                            id,
                                            source,
                                            CorruptFrames.declaringSize(
                                                    frame.bytes(),
                                                    CorruptFrames.OVERSIZED,
                                                    CorruptFrames.OVERSIZED),
                                            frame.width(),
                                            frame.height()))
                            : claimingTwiceItsSize(frame, id, source, codec);
        };
    }

    /** A real image that claims twice its true size: decodable, but not what it says. */
    private static byte[] claimingTwiceItsSize(
            Frame frame, String id, String source, SingleObjectCodec<ImageRecord> codec) {
        return codec.encode(
                toRecord(frame, id, source, frame.bytes(), frame.width() * 2, frame.height() * 2));
    }

    /** {@code frame} with other bytes or another claimed size, captured now. */
    private static ImageRecord toRecord(
            Frame frame, String id, String source, byte[] bytes, int width, int height) {
        return new Frame(bytes, frame.encoding(), width, height, frame.channels(), frame.label())
                .toRecord(id, source, Instant.now());
    }

    private Properties producerProperties() {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        props.put(
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        props.put(ProducerConfig.CLIENT_ID_CONFIG, "resflow-replay-" + runId);
        props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) TimeUnit.SECONDS.toMillis(60));
        // Kafka's 1 MiB default would refuse a camera's JPEG; the topics and the job take this
        // much.
        props.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, KafkaRecordLimits.MAX_RECORD_BYTES);
        props.putAll(producerOverrides);
        return props;
    }

    /** Settings for {@link CameraFeedReplay}; bootstrap servers and frames are required. */
    public static final class Builder {
        private String bootstrapServers;
        private FrameSource frames;
        private String topic = Topics.IMAGES;
        private int cameras = 4;
        private double framesPerSecond;
        private int limit;
        private int corruptEvery;
        private String runId = Long.toString(System.currentTimeMillis(), 36);
        private final Map<String, String> producerOverrides = new HashMap<>();
        private LongConsumer progress;
        private long seed = 42;

        private Builder() {}

        public Builder setBootstrapServers(String bootstrapServers) {
            this.bootstrapServers = bootstrapServers;
            return this;
        }

        public Builder setFrames(FrameSource frames) {
            this.frames = frames;
            return this;
        }

        public Builder optTopic(String topic) {
            this.topic = topic;
            return this;
        }

        /** How many cameras the frames are spread over (round-robin); default 4. */
        public Builder optCameras(int cameras) {
            this.cameras = cameras;
            return this;
        }

        /** Frames per second per camera; 0 (the default) sends as fast as the broker takes them. */
        public Builder optFramesPerSecond(double framesPerSecond) {
            this.framesPerSecond = framesPerSecond;
            return this;
        }

        /** Send at most this many frames; 0 (the default) sends the whole source. */
        public Builder optLimit(int limit) {
            this.limit = limit;
            return this;
        }

        /**
         * Replace every n-th frame with a corrupt one (kinds in turn); 0 (the default) plants none.
         */
        public Builder optCorruptEvery(int corruptEvery) {
            this.corruptEvery = corruptEvery;
            return this;
        }

        /** Prefix of every frame id, so ids of separate runs never collide; default: time-based. */
        public Builder optRunId(String runId) {
            this.runId = runId;
            return this;
        }

        /** A secured Kafka's client settings ({@code --kafka-config}). */
        public Builder optClientConfig(KafkaClientConfig client) {
            client.clientProperties()
                    .forEach((k, v) -> producerOverrides.put((String) k, (String) v));
            return this;
        }

        public Builder optProducerProperty(String key, String value) {
            producerOverrides.put(key, value);
            return this;
        }

        /** Called with the number of frames acknowledged so far, from the producer's I/O thread. */
        public Builder optProgress(LongConsumer progress) {
            this.progress = progress;
            return this;
        }

        public Builder optSeed(long seed) {
            this.seed = seed;
            return this;
        }

        /**
         * Checks the feed's shape (cameras, rate, limit, corrupt frames) before servers and frames
         * are known, so a command can refuse bad options before a long set-up; {@link #build}
         * checks them again with the rest.
         */
        public Builder checkFeed() {
            List<String> problems = feedProblems();
            if (!problems.isEmpty()) {
                throw new IllegalArgumentException(
                        "Invalid replay settings: " + String.join("; ", problems));
            }
            return this;
        }

        private List<String> feedProblems() {
            List<String> problems = new ArrayList<>();
            if (cameras < 1) {
                problems.add("cameras must be at least 1, got " + cameras);
            }
            if (framesPerSecond < 0 || Double.isNaN(framesPerSecond)) {
                problems.add(
                        "framesPerSecond must be >= 0 (0 = unthrottled), got " + framesPerSecond);
            }
            if (limit < 0) {
                problems.add("limit must be >= 0 (0 = all frames), got " + limit);
            }
            if (corruptEvery < 0 || corruptEvery == 1) {
                problems.add("corruptEvery must be 0 (none) or at least 2, got " + corruptEvery);
            }
            return problems;
        }

        public CameraFeedReplay build() {
            List<String> problems = new ArrayList<>();
            if (bootstrapServers == null || bootstrapServers.isBlank()) {
                problems.add("setBootstrapServers(host:port[,host:port]) is required");
            }
            if (frames == null) {
                problems.add("setFrames(...) is required (DatasetFrames or ImageFolderFrames)");
            } else if (frames.size() == 0) {
                problems.add("the frame source " + frames.description() + " is empty");
            }
            if (topic == null || topic.isBlank()) {
                problems.add("topic must not be blank");
            }
            problems.addAll(feedProblems());
            if (runId == null || runId.isBlank()) {
                problems.add("runId must not be blank");
            }
            if (!problems.isEmpty()) {
                throw new IllegalArgumentException(
                        "Invalid replay settings: " + String.join("; ", problems));
            }
            Objects.requireNonNull(frames);
            return new CameraFeedReplay(this);
        }
    }
}
