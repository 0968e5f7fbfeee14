package io.resflow.trainer.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.dataset.Batch;
import io.resflow.datasets.FashionMnist;
import io.resflow.datasets.LabelledImages;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class ImageClassificationDatasetTest {

    private static NDManager manager;

    @BeforeAll
    static void openManager() {
        manager = NDManager.newBaseManager(Device.cpu(), "PyTorch");
    }

    @AfterAll
    static void closeManager() {
        manager.close();
    }

    /** 10 grey 2x2 images; image i has every pixel 10*i and label i % 3. */
    private static LabelledImages tenImages() {
        byte[] pixels = new byte[10 * 4];
        int[] labels = new int[10];
        for (int i = 0; i < 10; i++) {
            java.util.Arrays.fill(pixels, 4 * i, 4 * i + 4, (byte) (10 * i));
            labels[i] = i % 3;
        }
        return new LabelledImages("ten", 2, 2, 1, pixels, labels, List.of("a", "b", "c"));
    }

    private static List<Float> firstPixels(ImageClassificationDataset dataset) throws Exception {
        List<Float> values = new ArrayList<>();
        for (Batch batch : dataset.getData(manager)) {
            try (batch) {
                float[] data = batch.getData().singletonOrThrow().toFloatArray();
                for (int i = 0; i < data.length; i += 4) {
                    values.add(data[i]);
                }
            }
        }
        return values;
    }

    @Test
    void batchesAreNchwFloat32NormalisedWithLabelVectors() throws Exception {
        LabelledImages images = tenImages();
        ChannelStatistics stats = new ChannelStatistics(new float[] {0f}, new float[] {1f});
        ImageClassificationDataset dataset =
                ImageClassificationDataset.builder()
                        .setImages(images)
                        .setNormalization(stats)
                        .setSampling(4, false)
                        .build();

        Batch first = dataset.getData(manager).iterator().next();
        try (first) {
            assertThat(first.getData().singletonOrThrow().getShape())
                    .isEqualTo(new Shape(4, 1, 2, 2));
            assertThat(first.getData().singletonOrThrow().getDataType())
                    .isEqualTo(DataType.FLOAT32);
            assertThat(first.getData().singletonOrThrow().toFloatArray()[4])
                    .isCloseTo(10 / 255f, within(1e-6f));
            assertThat(first.getLabels().singletonOrThrow().getShape()).isEqualTo(new Shape(4));
            assertThat(first.getLabels().singletonOrThrow().toFloatArray())
                    .containsExactly(0f, 1f, 2f, 0f);
        }
        assertThat(dataset.size()).isEqualTo(10);
        assertThat(dataset.inputShape()).isEqualTo(new Shape(1, 2, 2));
    }

    @Test
    void shuffleDependsOnlyOnSeedAndEpoch() throws Exception {
        ChannelStatistics stats = new ChannelStatistics(new float[] {0f}, new float[] {1f / 255});
        ImageClassificationDataset dataset =
                ImageClassificationDataset.builder()
                        .setImages(tenImages())
                        .setNormalization(stats)
                        .setShuffledSampling(3, 11, true)
                        .build();
        ImageClassificationDataset again =
                ImageClassificationDataset.builder()
                        .setImages(tenImages())
                        .setNormalization(stats)
                        .setShuffledSampling(3, 11, true)
                        .build();

        List<Float> epoch1 = firstPixels(dataset.forEpoch(1));
        assertThat(epoch1).hasSize(9); // dropLast: 3 full batches of 3
        assertThat(firstPixels(again.forEpoch(1))).isEqualTo(epoch1);
        assertThat(firstPixels(dataset.forEpoch(2))).isNotEqualTo(epoch1);
        assertThat(epoch1).doesNotHaveDuplicates().allMatch(v -> v % 10 == 0 && v <= 90);
    }

    @Test
    void augmentationIsRepeatablePerEpochAndVariesAcrossEpochs() throws Exception {
        LabelledImages images =
                FashionMnist.atDefaultLocation().load(FashionMnist.Split.TEST).head(8);
        ChannelStatistics stats = ChannelStatistics.compute(images);
        ImageClassificationDataset dataset =
                ImageClassificationDataset.builder()
                        .setImages(images)
                        .setNormalization(stats)
                        .optAugmentation(PadCropFlip.paper(), 5)
                        .setSampling(8, false)
                        .build();

        float[] epoch0;
        float[] epoch0Again;
        float[] epoch1;
        try (var record = dataset.forEpoch(0).get(manager, 3).getData()) {
            epoch0 = record.singletonOrThrow().toFloatArray();
        }
        try (var record = dataset.forEpoch(0).get(manager, 3).getData()) {
            epoch0Again = record.singletonOrThrow().toFloatArray();
        }
        try (var record = dataset.forEpoch(1).get(manager, 3).getData()) {
            epoch1 = record.singletonOrThrow().toFloatArray();
        }
        assertThat(epoch0).hasSize(28 * 28).containsExactly(epoch0Again);
        assertThat(epoch1).isNotEqualTo(epoch0);
        assertThat(dataset.isAugmented()).isTrue();
    }

    @Test
    void fashionMnistNormalisationMatchesThePublishedStatistics() throws Exception {
        LabelledImages train = FashionMnist.atDefaultLocation().load(FashionMnist.Split.TRAIN);

        ChannelStatistics stats = ChannelStatistics.compute(train);

        // The commonly quoted Fashion-MNIST training statistics: mean 0.2860, std 0.3530.
        assertThat(stats.mean(0)).isCloseTo(0.2860f, within(5e-4f));
        assertThat(stats.std(0)).isCloseTo(0.3530f, within(5e-4f));
    }

    @Test
    void builderSaysWhatIsMissingOrWrong() {
        ChannelStatistics rgb = new ChannelStatistics(new float[] {0, 0, 0}, new float[] {1, 1, 1});
        assertThatThrownBy(
                        () ->
                                ImageClassificationDataset.builder()
                                        .setImages(tenImages())
                                        .setSampling(2, false)
                                        .build())
                .hasMessageContaining("setNormalization");
        assertThatThrownBy(
                        () ->
                                ImageClassificationDataset.builder()
                                        .setImages(tenImages())
                                        .setNormalization(rgb)
                                        .setSampling(2, false)
                                        .build())
                .hasMessageContaining("has 1 channels but the normalization has 3");
        assertThatThrownBy(
                        () ->
                                ImageClassificationDataset.builder()
                                        .setImages(tenImages())
                                        .setNormalization(
                                                new ChannelStatistics(
                                                        new float[] {0}, new float[] {1}))
                                        .build())
                .hasMessageContaining("setShuffledSampling");
    }
}
