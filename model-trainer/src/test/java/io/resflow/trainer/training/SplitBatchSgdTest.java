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
 * The update a batch split over several devices gets: DJL's parameter server hands the optimizer the
 * sum of the devices' gradients, each the mean over that device's share of the batch.
 */
class SplitBatchSgdTest {

    private static final float LEARNING_RATE = 0.1f;
    private static final float WEIGHT_DECAY = 1e-4f;

    @Test
    void twoDevicesStepAsFarAsOneWithTheWholeBatch() {
        // Both halves of the batch have mean gradient 1.0, so the whole batch's mean gradient is 1.0 too.
        float oneDevice = weightAfterOneStep(1, 1.0f);
        float twoDevices = weightAfterOneStep(2, 1.0f + 1.0f);

        assertThat(oneDevice).isCloseTo(1f - LEARNING_RATE * (1.0f + WEIGHT_DECAY), within(1e-6f));
        assertThat(twoDevices).as("the summed gradient is rescaled to the batch mean; weight decay is not")
                .isCloseTo(oneDevice, within(1e-6f));
    }

    @Test
    void fourDevicesToo() {
        assertThat(weightAfterOneStep(4, 4 * 0.5f)).isCloseTo(weightAfterOneStep(1, 0.5f), within(1e-6f));
    }

    private static float weightAfterOneStep(int devices, float summedGradient) {
        Optimizer sgd = ImageClassifierTrainer.sgd(Tracker.fixed(LEARNING_RATE), 0.9f, WEIGHT_DECAY, devices, 0);
        try (NDManager manager = NDManager.newBaseManager(Device.cpu(), "PyTorch")) {
            NDArray weight = manager.create(new float[] {1f});
            NDArray gradient = manager.create(new float[] {summedGradient});
            sgd.update("w", weight, gradient);
            return weight.getFloat(0);
        }
    }
}
