package io.resflow.trainer.training;

import java.util.Locale;
import java.util.Optional;

/**
 * Ends an error-triggered warm-up (He et al. 2015, §4.2: 0.01 "until the training error is below
 * 80%") when a window of the {@link TrainingHistory} ends below the threshold; listens after the
 * history. The rate changes from the next step on, as when the trainer checked it in its loop.
 */
final class WarmupMonitor implements TrainingListener {

    private final LearningRateTracker learningRate;
    private final TrainingHistory history;
    private final ConsoleProgress console;

    WarmupMonitor(
            LearningRateTracker learningRate, TrainingHistory history, ConsoleProgress console) {
        this.learningRate = learningRate;
        this.history = history;
        this.console = console;
    }

    @Override
    public void onTrainingBatch(BatchEnd batch) {
        Optional<TrainingErrorPoint> point = history.pointAt(batch.iteration());
        if (point.isPresent() && learningRate.observeTrainingError(point.get().trainError())) {
            console.announceDuringEpoch(
                    String.format(
                            Locale.ROOT,
                            "Warm-up over at iteration %d (training error %.3f); learning rate"
                                    + " now %s",
                            batch.iteration(),
                            point.get().trainError(),
                            learningRate.valueAt(batch.iteration())));
        }
    }
}
