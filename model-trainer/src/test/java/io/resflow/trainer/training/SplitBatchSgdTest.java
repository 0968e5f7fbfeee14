package io.resflow.trainer.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import org.junit.jupiter.api.Test;

/**
 * The update a batch split over several devices gets: DJL's parameter server hands the optimizer
 * the sum of the devices' gradients, each the mean over that device's share of the batch.
 */
class SplitBatchSgdTest {

    private static final float LEARNING_RATE = 0.1f;
    private static final float WEIGHT_DECAY = 1e-4f;

    @Test
    void twoDevicesStepAsFarAsOneWithTheWholeBatch() {
        // Both halves of the batch have mean gradient 1.0, so the whole batch's mean gradient is
        // 1.0 too.
        float oneDevice = weightAfterOneStep(1, 1.0f);
        float twoDevices = weightAfterOneStep(2, 1.0f + 1.0f);

        assertThat(oneDevice).isCloseTo(1f - LEARNING_RATE * (1.0f + WEIGHT_DECAY), within(1e-6f));
        assertThat(twoDevices)
                .as("the summed gradient is rescaled to the batch mean; weight decay is not")
                .isCloseTo(oneDevice, within(1e-6f));
    }

    @Test
    void fourDevicesToo() {
        assertThat(weightAfterOneStep(4, 4 * 0.5f))
                .isCloseTo(weightAfterOneStep(1, 0.5f), within(1e-6f));
    }

    @Test
    void unequalSharesAreWeightedToTheBatchMean() {
        // 128 over 3 devices: shares of 43, 43 and 42. Mean losses m_i weighted and summed, then
        // rescaled by 1/3,
        // give the batch mean (43 m1 + 43 m2 + 42 m3) / 128.
        float[] means = {0.9f, 0.6f, 0.3f};
        long[] shares = {43, 43, 42};
        double summed = 0;
        for (int i = 0; i < 3; i++) {
            summed += ImageClassifierTrainer.shareWeight(shares[i], 3, 128) * means[i];
        }
        assertThat(summed / 3).isCloseTo((43 * 0.9 + 43 * 0.6 + 42 * 0.3) / 128, within(1e-6));
        // Fewer shares than devices: a batch of 1 on 2 devices is one share, still the batch mean
        // after 1/2.
        assertThat(ImageClassifierTrainer.shareWeight(1, 2, 1) / 2f).isEqualTo(1f);
        assertThat(ImageClassifierTrainer.shareWeight(64, 2, 128)).isEqualTo(1f);
    }

    private static float weightAfterOneStep(int devices, float summedGradient) {
        Optimizer sgd =
                ImageClassifierTrainer.sgd(
                        Tracker.fixed(LEARNING_RATE), 0.9f, WEIGHT_DECAY, devices, 0);
        try (NDManager manager = NDManager.newBaseManager(Device.cpu(), "PyTorch")) {
            NDArray weight = manager.create(new float[] {1f});
            NDArray gradient = manager.create(new float[] {summedGradient});
            sgd.update("w", weight, gradient);
            return weight.getFloat(0);
        }
    }
}
