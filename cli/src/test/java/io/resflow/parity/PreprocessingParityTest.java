package io.resflow.parity;

import static org.assertj.core.api.Assertions.assertThat;

import io.resflow.datasets.ImageShape;
import io.resflow.datasets.LabelledImages;
import io.resflow.pipeline.classify.functions.CaptureTimes;
import io.resflow.pipeline.classify.functions.DecodeImages;
import io.resflow.pipeline.classify.functions.PreprocessImages;
import io.resflow.pipeline.records.DecodedImage;
import io.resflow.pipeline.records.ModelInput;
import io.resflow.pipeline.records.RawFrame;
import io.resflow.pipeline.replay.Frame;
import io.resflow.runtime.images.ImagePreprocessor;
import io.resflow.schema.ImageEncoding;
import io.resflow.schema.ImageRecord;
import io.resflow.schema.wire.SingleObjectCodec;
import io.resflow.trainer.data.ImageFolderReader;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import javax.imageio.ImageIO;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Issue 15: the tensors a model is trained on and the tensors the job serves it must be the same
 * for the same image. An odd-sized RGB JPEG, RGBA PNG and grey PNG go through the trainer's data
 * path (folder → {@link LabelledImages} → {@code toNchw}) and through the job's decode and
 * preprocess operators (Avro {@code ImageRecord} bytes → {@link DecodeImages} → {@link
 * PreprocessImages}); every value must be equal.
 */
class PreprocessingParityTest {

    private static final int HEIGHT = 23;
    private static final int WIDTH = 37;
    private static final float PIXEL_SCALE = 1f / 255;

    @TempDir Path root;

    @ParameterizedTest(name = "model input {0}x{1}x{2}")
    @CsvSource({"28, 28, 1", "32, 32, 3", "23, 37, 1", "23, 37, 3", "12, 50, 3"})
    void trainerAndJobFeedTheModelIdenticalTensors(int height, int width, int channels)
            throws Exception {
        List<Path> files =
                List.of(
                        write("a-rgb/frame.jpg", rgb(), "jpg"),
                        write("b-rgba/frame.png", rgba(), "png"),
                        write("c-grey/frame.png", grey(), "png"));

        LabelledImages trained =
                ImageFolderReader.builder()
                        .setImageSize(height, width)
                        .setChannels(channels)
                        .build()
                        .read(root);
        float[] trainerTensor = trained.toNchw(0, trained.size(), PIXEL_SCALE);

        float[] jobTensor = jobTensor(files, height, width, channels);

        assertThat(trainerTensor).hasSize(jobTensor.length);
        int perImage = height * width * channels;
        Map<String, Float> maxDifferences = new LinkedHashMap<>();
        for (int image = 0; image < files.size(); image++) {
            float max = 0;
            for (int i = image * perImage; i < (image + 1) * perImage; i++) {
                max = Math.max(max, Math.abs(trainerTensor[i] - jobTensor[i]));
            }
            maxDifferences.put(root.relativize(files.get(image)).toString(), max);
        }
        assertThat(maxDifferences.values())
                .as("max abs difference per image %s", maxDifferences)
                .containsOnly(0f);
    }

    /** The values the job's decode and preprocess operators produce, image after image. */
    private float[] jobTensor(List<Path> files, int height, int width, int channels)
            throws Exception {
        SingleObjectCodec<ImageRecord> codec = SingleObjectCodec.of(ImageRecord.class);
        List<DecodedImage> decoded;
        try (OneInputStreamOperatorTestHarness<RawFrame, DecodedImage> decode =
                ProcessFunctionTestHarnesses.forProcessFunction(new DecodeImages())) {
            long offset = 0;
            for (Path file : files) {
                BufferedImage image = ImageIO.read(file.toFile());
                boolean png = file.toString().endsWith(".png");
                Frame frame =
                        new Frame(
                                Files.readAllBytes(file),
                                png ? ImageEncoding.PNG : ImageEncoding.JPEG,
                                image.getWidth(),
                                image.getHeight(),
                                image.getColorModel().getNumComponents(),
                                null);
                byte[] value =
                        codec.encode(
                                frame.toRecord(
                                        file.getFileName().toString(), "camera-0", Instant.now()));
                RawFrame raw =
                        new RawFrame(
                                null, value, "images", 0, offset++, System.currentTimeMillis());
                decode.processElement(
                        new StreamRecord<>(raw, new CaptureTimes().extractTimestamp(raw, 0L)));
            }
            assertThat(decode.getSideOutput(DecodeImages.DEAD_LETTERS)).isNullOrEmpty();
            decoded = new ArrayList<>(decode.extractOutputValues());
        }
        assertThat(decoded).hasSize(files.size());
        List<ModelInput> inputs;
        try (OneInputStreamOperatorTestHarness<DecodedImage, ModelInput> preprocess =
                ProcessFunctionTestHarnesses.forProcessFunction(
                        new PreprocessImages(
                                new ImagePreprocessor(
                                        new ImageShape(height, width, channels), PIXEL_SCALE),
                                true))) {
            for (DecodedImage image : decoded) {
                preprocess.processElement(new StreamRecord<>(image, image.captureTime()));
            }
            inputs = preprocess.extractOutputValues();
        }
        int perImage = height * width * channels;
        float[] tensor = new float[inputs.size() * perImage];
        for (int i = 0; i < inputs.size(); i++) {
            System.arraycopy(inputs.get(i).values(), 0, tensor, i * perImage, perImage);
        }
        return tensor;
    }

    private Path write(String name, BufferedImage image, String format) throws IOException {
        Path file = root.resolve(name);
        Files.createDirectories(file.getParent());
        assertThat(ImageIO.write(image, format, file.toFile())).isTrue();
        return file;
    }

    /** Smooth gradients with noise: resizing and colour conversion both change every value. */
    private static int sample(Random random, int x, int y, int channel) {
        return Math.floorMod(x * (7 + channel * 3) + y * (11 - channel) + random.nextInt(40), 256);
    }

    private static BufferedImage rgb() {
        Random random = new Random(1);
        BufferedImage image = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_3BYTE_BGR);
        for (int y = 0; y < HEIGHT; y++) {
            for (int x = 0; x < WIDTH; x++) {
                int r = sample(random, x, y, 0);
                int g = sample(random, x, y, 1);
                int b = sample(random, x, y, 2);
                image.setRGB(x, y, r << 16 | g << 8 | b);
            }
        }
        return image;
    }

    private static BufferedImage rgba() {
        Random random = new Random(2);
        BufferedImage image = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_INT_ARGB);
        for (int y = 0; y < HEIGHT; y++) {
            for (int x = 0; x < WIDTH; x++) {
                int a = 40 + random.nextInt(216);
                int r = sample(random, x, y, 0);
                int g = sample(random, x, y, 1);
                int b = sample(random, x, y, 2);
                image.setRGB(x, y, a << 24 | r << 16 | g << 8 | b);
            }
        }
        return image;
    }

    private static BufferedImage grey() {
        Random random = new Random(3);
        BufferedImage image = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_BYTE_GRAY);
        for (int y = 0; y < HEIGHT; y++) {
            for (int x = 0; x < WIDTH; x++) {
                image.getRaster().setSample(x, y, 0, sample(random, x, y, 0));
            }
        }
        return image;
    }
}
