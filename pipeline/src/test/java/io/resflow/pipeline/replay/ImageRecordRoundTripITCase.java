package io.resflow.pipeline.replay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.resflow.datasets.FashionMnist;
import io.resflow.datasets.LabelledImages;
import io.resflow.kafka.embedded.EmbeddedKafkaExtension;
import io.resflow.pipeline.kafka.AvroSerde;
import io.resflow.runtime.images.ImageCodec;
import io.resflow.runtime.images.ImageFormat;
import io.resflow.runtime.images.Pixels;
import io.resflow.schema.ImageEncoding;
import io.resflow.schema.ImageRecord;
import io.resflow.schema.wire.SchemaReleases;
import io.resflow.schema.wire.WireFormatException;
import java.awt.image.BufferedImage;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.Set;
import javax.imageio.ImageIO;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** Real Fashion-MNIST frames through a real KRaft broker, in ResFlow's Avro wire format. */
class ImageRecordRoundTripITCase {

    private static final int COUNT = 1_000;

    @RegisterExtension
    static final EmbeddedKafkaExtension KAFKA =
            new EmbeddedKafkaExtension(
                    b ->
                            b.optTopic("replayed", 4)
                                    .optTopic("prebuilt", 2)
                                    .optTopic("evolution", 1)
                                    .optTopic("photos", 1));

    private static LabelledImages testImages;

    @BeforeAll
    static void loadFashionMnist() throws Exception {
        testImages = FashionMnist.atDefaultLocation().load(FashionMnist.Split.TEST).head(COUNT);
    }

    @Test
    void thousandPrebuiltRecordsComeBackByteForByte() {
        AvroSerde<ImageRecord> serde = AvroSerde.of(ImageRecord.class);
        List<byte[]> sent = new ArrayList<>();
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(producerProps())) {
            for (int i = 0; i < COUNT; i++) {
                ImageRecord record =
                        ImageRecord.newBuilder()
                                .setId("prebuilt-" + i)
                                .setSource("camera-" + (i % 3))
                                .setCaptureTime(Instant.ofEpochMilli(1_700_000_000_000L + i))
                                .setEncoding(ImageEncoding.RAW_U8)
                                .setWidth(28)
                                .setHeight(28)
                                .setChannels(1)
                                .setImageBytes(ByteBuffer.wrap(testImages.image(i)))
                                .setGroundTruthLabel(testImages.label(i))
                                .setHeaders(Map.of("index", Integer.toString(i)))
                                .build();
                byte[] value = serde.serialize("prebuilt", record);
                sent.add(value);
                producer.send(
                        new ProducerRecord<>(
                                "prebuilt",
                                ("camera-" + (i % 3)).getBytes(StandardCharsets.UTF_8),
                                value));
            }
        }

        List<ConsumerRecord<byte[], byte[]>> received = consumeAll("prebuilt", COUNT);

        Map<String, byte[]> receivedById = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> r : received) {
            ImageRecord record = serde.deserialize("prebuilt", r.value());
            assertThat(receivedById.put(record.getId(), r.value()))
                    .as("duplicate %s", record.getId())
                    .isNull();
            int index = Integer.parseInt(record.getHeaders().get("index"));
            assertThat(record.getImageBytes()).isEqualTo(ByteBuffer.wrap(testImages.image(index)));
            assertThat(record.getGroundTruthLabel()).isEqualTo(testImages.label(index));
        }
        assertThat(receivedById).hasSize(COUNT);
        for (int i = 0; i < COUNT; i++) {
            assertThat(receivedById.get("prebuilt-" + i)).as("record %d", i).isEqualTo(sent.get(i));
        }
    }

    @Test
    void replayedFashionMnistFramesDecodeToTheDatasetPixels() {
        int cameras = 4;
        ReplayReport report =
                CameraFeedReplay.builder()
                        .setBootstrapServers(KAFKA.bootstrapServers())
                        .setFrames(new DatasetFrames(testImages, ImageEncoding.PNG))
                        .optTopic("replayed")
                        .optCameras(cameras)
                        .optRunId("it")
                        .build()
                        .run();
        assertThat(report.sent()).isEqualTo(COUNT);
        assertThat(report.labelled()).isEqualTo(COUNT);

        AvroSerde<ImageRecord> serde = AvroSerde.of(ImageRecord.class);
        Set<String> seen = new HashSet<>();
        for (ConsumerRecord<byte[], byte[]> r : consumeAll("replayed", COUNT)) {
            ImageRecord record = serde.deserialize("replayed", r.value());
            assertThat(seen.add(record.getId())).as("duplicate id %s", record.getId()).isTrue();
            // Byte for byte: what the broker returned is exactly the canonical encoding of the
            // record.
            assertThat(serde.serialize("replayed", record)).isEqualTo(r.value());
            assertThat(new String(r.key(), StandardCharsets.UTF_8)).isEqualTo(record.getSource());

            String[] parts = record.getId().split("-");
            int camera = Integer.parseInt(parts[2]);
            int index = Integer.parseInt(parts[3]) * cameras + camera;
            byte[] png = new byte[record.getImageBytes().remaining()];
            record.getImageBytes().duplicate().get(png);
            Pixels pixels = decode(png);
            assertThat(pixels.shape().channels()).isEqualTo(1);
            assertThat(pixels.data())
                    .as("pixels of frame %d", index)
                    .isEqualTo(testImages.image(index));
            assertThat(record.getGroundTruthLabel()).isEqualTo(testImages.label(index));
        }
        assertThat(seen).containsExactlyInAnyOrderElementsOf(report.ids());
    }

    @Test
    void aCameraPhotoLargerThanKafkasDefaultRequestLimitIsSentUnchanged(@TempDir Path folder)
            throws Exception {
        // Noise does not compress: a 1024x768 RGB PNG of it is about 2.4 MB, over the producer's 1
        // MiB default.
        BufferedImage noise = new BufferedImage(1024, 768, BufferedImage.TYPE_3BYTE_BGR);
        Random random = new Random(3);
        for (int y = 0; y < noise.getHeight(); y++) {
            for (int x = 0; x < noise.getWidth(); x++) {
                noise.setRGB(x, y, random.nextInt());
            }
        }
        Path photo = folder.resolve("street.png");
        ImageIO.write(noise, "png", photo.toFile());
        assertThat(Files.size(photo)).isGreaterThan(1 << 20);

        ReplayReport report =
                CameraFeedReplay.builder()
                        .setBootstrapServers(KAFKA.bootstrapServers())
                        .setFrames(ImageFolderFrames.scan(folder))
                        .optTopic("photos")
                        .optRunId("photo")
                        .build()
                        .run();

        assertThat(report.sent()).isEqualTo(1);
        ImageRecord record =
                AvroSerde.of(ImageRecord.class)
                        .deserialize("photos", consumeAll("photos", 1).get(0).value());
        byte[] bytes = new byte[record.getImageBytes().remaining()];
        record.getImageBytes().duplicate().get(bytes);
        assertThat(bytes).isEqualTo(Files.readAllBytes(photo));
        assertThat(record.getWidth()).isEqualTo(1024);
        assertThat(record.getChannels()).isEqualTo(3);
    }

    @Test
    void olderWriterIsReadAndUnknownOrGarbageBytesAreRejectedWithTheReason() {
        Schema v1 = SchemaReleases.of(ImageRecord.getClassSchema().getFullName()).get(0).schema();
        GenericRecord old = new GenericData.Record(v1);
        old.put("id", "written-by-v1");
        old.put("source", "legacy-camera");
        old.put("captureTime", 1_600_000_000_000L);
        old.put("encoding", new GenericData.EnumSymbol(v1.getField("encoding").schema(), "RAW_U8"));
        old.put("width", 28);
        old.put("height", 28);
        old.put("channels", 1);
        old.put("imageBytes", ByteBuffer.wrap(testImages.image(0)));
        Schema unreleased =
                SchemaBuilder.record("ImageRecord")
                        .namespace("io.resflow.schema")
                        .fields()
                        .requiredString("id")
                        .requiredString("cameraModel")
                        .endRecord();
        GenericRecord future = new GenericData.Record(unreleased);
        future.put("id", "written-by-the-future");
        future.put("cameraModel", "X1");
        byte[] garbage = new byte[200];
        new Random(1).nextBytes(garbage);
        garbage[0] = 0x7f;

        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(producerProps())) {
            producer.send(new ProducerRecord<>("evolution", encode(v1, old)));
            producer.send(new ProducerRecord<>("evolution", encode(unreleased, future)));
            producer.send(new ProducerRecord<>("evolution", garbage));
        }
        List<ConsumerRecord<byte[], byte[]>> received = consumeAll("evolution", 3);
        AvroSerde<ImageRecord> serde = AvroSerde.of(ImageRecord.class);

        ImageRecord fromV1 = serde.deserialize("evolution", received.get(0).value());
        assertThat(fromV1.getId()).isEqualTo("written-by-v1");
        assertThat(fromV1.getImageBytes()).isEqualTo(ByteBuffer.wrap(testImages.image(0)));
        assertThat(fromV1.getGroundTruthLabel()).isNull();
        assertThat(fromV1.getHeaders()).isEmpty();

        assertThatThrownBy(() -> serde.deserialize("evolution", received.get(1).value()))
                .isInstanceOfSatisfying(
                        WireFormatException.class,
                        e ->
                                assertThat(e.problem())
                                        .isEqualTo(
                                                WireFormatException.Problem
                                                        .UNKNOWN_SCHEMA_FINGERPRINT))
                .hasMessageContaining("Unknown schema fingerprint");
        assertThatThrownBy(() -> serde.deserialize("evolution", received.get(2).value()))
                .isInstanceOfSatisfying(
                        WireFormatException.class,
                        e ->
                                assertThat(e.problem())
                                        .isEqualTo(
                                                WireFormatException.Problem
                                                        .NOT_SINGLE_OBJECT_ENCODED))
                .hasMessageContaining("Not an Avro single-object encoded ImageRecord");
    }

    private static Pixels decode(byte[] png) {
        try {
            return ImageCodec.decode(png, ImageFormat.PNG);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static byte[] encode(Schema schema, GenericRecord record) {
        try {
            ByteBuffer buffer =
                    new BinaryMessageEncoder<GenericRecord>(GenericData.get(), schema)
                            .encode(record);
            byte[] bytes = new byte[buffer.remaining()];
            buffer.get(bytes);
            return bytes;
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static Properties producerProps() {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA.bootstrapServers());
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        props.put(
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        return props;
    }

    private static List<ConsumerRecord<byte[], byte[]>> consumeAll(String topic, int expected) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA.bootstrapServers());
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "it-" + topic);
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG,
                ByteArrayDeserializer.class.getName());
        props.put(
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG,
                ByteArrayDeserializer.class.getName());
        List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props)) {
            consumer.subscribe(List.of(topic));
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (records.size() < expected && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
            }
            // Anything beyond the expected count would be a duplicate: give it a moment to show up.
            consumer.poll(Duration.ofMillis(500)).forEach(records::add);
        }
        assertThat(records).as("records on %s", topic).hasSize(expected);
        return records;
    }
}
