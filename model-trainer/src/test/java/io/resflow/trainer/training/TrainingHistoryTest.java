package io.resflow.trainer.training;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The history listener's windows, without training. */
class TrainingHistoryTest {

    /** A step of 10 images with the given loss and correct count. */
    private static TrainingListener.BatchEnd step(
            int epoch, int batch, long iteration, double loss, long correct) {
        return new TrainingListener.BatchEnd(
                epoch, batch, iteration, loss, correct, 10, loss, correct / 10.0, 0.1, 100);
    }

    @Test
    void recordsAnImageWeightedPointEveryIntervalAcrossEpochs() {
        TrainingHistory history = new TrainingHistory(3);
        history.onTrainingBatch(step(1, 1, 1, 1.0, 2));
        history.onTrainingBatch(step(1, 2, 2, 2.0, 4));
        assertThat(history.pointAt(2)).isEmpty();
        history.onEpoch(new EpochSummary(1, 2, 1.5, 0.3, 0.25, 0.1, 1, 20));
        history.onTrainingBatch(step(2, 1, 3, 3.0, 6)); // the window spans the epoch boundary

        assertThat(history.errors()).hasSize(1);
        TrainingErrorPoint point = history.pointAt(3).orElseThrow();
        assertThat(point.iteration()).isEqualTo(3);
        assertThat(point.trainLoss()).isEqualTo(2.0);
        assertThat(point.trainError()).isEqualTo(1 - 12 / 30.0);
        assertThat(point.learningRate()).isEqualTo(0.1);

        history.onTrainingBatch(step(2, 2, 4, 0.5, 10)); // a new window starts empty
        assertThat(history.pointAt(4)).isEmpty();
        assertThat(history.completedEpochs()).isEqualTo(1);
        assertThat(history.lastEpoch().testAccuracy()).isEqualTo(0.25);
    }
}
