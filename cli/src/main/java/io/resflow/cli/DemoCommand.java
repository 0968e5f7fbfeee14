package io.resflow.cli;

import io.resflow.datasets.FashionMnist;
import io.resflow.datasets.LabelledImages;
import io.resflow.kafka.embedded.EmbeddedKafka;
import io.resflow.pipeline.images.ImageCodec;
import io.resflow.pipeline.images.UndecodableImageException;
import io.resflow.pipeline.kafka.AvroSerde;
import io.resflow.pipeline.kafka.Topics;
import io.resflow.pipeline.replay.CameraFeedReplay;
import io.resflow.pipeline.replay.DatasetFrames;
import io.resflow.pipeline.replay.ReplayReport;
import io.resflow.schema.ImageEncoding;
import io.resflow.schema.ImageRecord;
import io.resflow.schema.wire.WireFormatException;
import java.io.IOException;
import java.time.Duration;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.Callable;
import me.tongfei.progressbar.ProgressBar;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The README's main command. Until the Flink job lands (issue #4) it shows the foundation end to
 * end for real: a KRaft broker in this JVM, Fashion-MNIST frames from simulated cameras in ResFlow's
 * Avro wire format with corrupt frames mixed in, and a consumer that reads every record back and
 * sorts the good from the bad with the reason.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Run ResFlow on one machine with embedded defaults: a real Kafka broker started for you,"
                + " Fashion-MNIST frames from simulated cameras, and everything read back with a summary.")
final class DemoCommand implements Callable<Integer> {

    @Option(names = "--images", defaultValue = "2000", description = "How many Fashion-MNIST test images to stream (default: ${DEFAULT-VALUE}, at most 10000).")
    int images;

    @Option(names = "--cameras", defaultValue = "4", description = "Simulated cameras (default: ${DEFAULT-VALUE}).")
    int cameras;

    @Option(names = "--fps", defaultValue = "0", description = "Frames per second per camera; 0 = full speed (default: ${DEFAULT-VALUE}).")
    double fps;

    @Option(names = "--corrupt-every", defaultValue = "50", description = "Plant a corrupt frame every N frames; 0 = none (default: ${DEFAULT-VALUE}).")
    int corruptEvery;

    @Option(names = "--show", defaultValue = "8", description = "How many decoded frames to print (default: ${DEFAULT-VALUE}).")
    int show;

    @Override
    public Integer call() throws Exception {
        if (images < 1 || images > 10_000) {
            throw new IllegalArgumentException("--images must be 1..10000 (the Fashion-MNIST test set), got " + images);
        }
        FashionMnist mnist = FashionMnist.atDefaultLocation();
        LabelledImages test = mnist.load(FashionMnist.Split.TEST).head(images);
        System.out.printf("Fashion-MNIST test set from %s: %d images of %dx%d%n", mnist.directory(), test.size(),
                test.height(), test.width());

        try (EmbeddedKafka kafka = EmbeddedKafka.builder().optTopic(Topics.IMAGES, 4).build().start()) {
            System.out.printf("Kafka broker (KRaft, in this JVM) at %s%n", kafka.bootstrapServers());
            ReplayReport sent = replay(kafka, test);
            System.out.printf("Sent %d frames (%d corrupt on purpose) in %.1f s, %.0f frames/s%n", sent.sent(),
                    sent.corrupt(), sent.elapsed().toMillis() / 1000.0, sent.framesPerSecond());
            ReadBack readBack = readBack(kafka, (int) sent.sent(), test.classNames());
            System.out.println(readBack.summaryLine(sent));
            boolean complete = readBack.received == sent.sent()
                    && readBack.decoded + readBack.rejectedTotal() == sent.sent()
                    && readBack.labelled == readBack.decoded;
            return complete ? 0 : 1;
        }
    }

    private ReplayReport replay(EmbeddedKafka kafka, LabelledImages test) {
        CameraFeedReplay.Builder replay = CameraFeedReplay.builder()
                .setBootstrapServers(kafka.bootstrapServers())
                .setFrames(new DatasetFrames(test, ImageEncoding.PNG))
                .optCameras(cameras)
                .optFramesPerSecond(fps)
                .optCorruptEvery(corruptEvery);
        try (ProgressBar bar = Progress.bar("cameras -> kafka", test.size(), "frames")) {
            return replay.optProgress(Progress.stepTo(bar)).build().run();
        }
    }

    /** What the consumer found on the images topic. */
    private static final class ReadBack {
        long received;
        long decoded;
        long labelled;
        final Map<WireFormatException.Problem, Long> rejectedRecords = new EnumMap<>(WireFormatException.Problem.class);
        long undecodableImages;
        long wrongShapes;

        long rejectedTotal() {
            return rejectedRecords.values().stream().mapToLong(Long::longValue).sum() + undecodableImages + wrongShapes;
        }

        String summaryLine(ReplayReport sent) {
            return String.format("ROUNDTRIP sent=%d received=%d decoded=%d rejected=%d not_avro=%d unknown_schema=%d"
                            + " corrupt_record=%d undecodable_image=%d wrong_shape=%d labelled=%d",
                    sent.sent(), received, decoded, rejectedTotal(),
                    rejectedRecords.getOrDefault(WireFormatException.Problem.NOT_SINGLE_OBJECT_ENCODED, 0L),
                    rejectedRecords.getOrDefault(WireFormatException.Problem.UNKNOWN_SCHEMA_FINGERPRINT, 0L),
                    rejectedRecords.getOrDefault(WireFormatException.Problem.CORRUPT_PAYLOAD, 0L),
                    undecodableImages, wrongShapes, labelled);
        }
    }

    private ReadBack readBack(EmbeddedKafka kafka, int expected, List<String> classNames) throws IOException {
        AvroSerde<ImageRecord> serde = AvroSerde.of(ImageRecord.class);
        ReadBack result = new ReadBack();
        Set<String> ids = new HashSet<>();
        int shown = 0;
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(consumerProperties(kafka));
                ProgressBar bar = Progress.bar("kafka -> reader", expected, "frames")) {
            consumer.subscribe(List.of(Topics.IMAGES));
            long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
            while (result.received < expected && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    result.received++;
                    bar.step();
                    ImageRecord image;
                    try {
                        image = serde.deserialize(record.topic(), record.value());
                    } catch (WireFormatException e) {
                        result.rejectedRecords.merge(e.problem(), 1L, Long::sum);
                        continue;
                    }
                    if (!ids.add(image.getId())) {
                        throw new IllegalStateException("Frame " + image.getId() + " arrived twice");
                    }
                    byte[] bytes = new byte[image.getImageBytes().remaining()];
                    image.getImageBytes().duplicate().get(bytes);
                    ImageCodec.Pixels pixels;
                    try {
                        pixels = ImageCodec.decode(bytes, image.getEncoding());
                    } catch (UndecodableImageException e) {
                        result.undecodableImages++;
                        continue;
                    }
                    if (pixels.width() != image.getWidth() || pixels.height() != image.getHeight()) {
                        result.wrongShapes++;
                        continue;
                    }
                    result.decoded++;
                    if (image.getGroundTruthLabel() != null) {
                        result.labelled++;
                    }
                    if (shown < show) {
                        shown++;
                        bar.pause();
                        System.out.printf("  %-28s %-9s %dx%d %s, ground truth: %s%n", image.getId(), image.getSource(),
                                pixels.width(), pixels.height(), image.getEncoding(),
                                classNames.get(image.getGroundTruthLabel()));
                        bar.resume();
                    }
                }
            }
        }
        return result;
    }

    private static Properties consumerProperties(EmbeddedKafka kafka) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "resflow-demo-reader");
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        return props;
    }
}
