package io.resflow.trainer.training;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The run's history, kept as a listener: one {@link EpochSummary} per epoch, and every {@code
 * interval} iterations a {@link TrainingErrorPoint} with the mean loss and error of the window
 * since the last point (the paper's Fig. 1 and 6 curves). Windows span epoch boundaries. A resumed
 * run starts from the checkpoint's history.
 */
final class TrainingHistory implements TrainingListener {

    private final int interval;
    private final List<EpochSummary> epochs = new ArrayList<>();
    private final List<TrainingErrorPoint> errors = new ArrayList<>();
    private final RunningMeans window = new RunningMeans();

    TrainingHistory(int interval) {
        this.interval = interval;
    }

    void restore(Checkpoint checkpoint) {
        epochs.addAll(checkpoint.epochHistory());
        errors.addAll(checkpoint.trainingErrorHistory());
    }

    @Override
    public void onTrainingBatch(BatchEnd batch) {
        window.add(batch.loss(), batch.correct(), batch.images());
        if (batch.iteration() % interval == 0) {
            errors.add(
                    new TrainingErrorPoint(
                            batch.iteration(),
                            window.loss(),
                            1 - window.accuracy(),
                            batch.learningRate()));
            window.reset();
        }
    }

    @Override
    public void onEpoch(EpochSummary epoch) {
        epochs.add(epoch);
    }

    /** The point recorded at {@code iteration}, if a window ended there. */
    Optional<TrainingErrorPoint> pointAt(long iteration) {
        return errors.isEmpty() || errors.get(errors.size() - 1).iteration() != iteration
                ? Optional.empty()
                : Optional.of(errors.get(errors.size() - 1));
    }

    int completedEpochs() {
        return epochs.size();
    }

    EpochSummary lastEpoch() {
        return epochs.get(epochs.size() - 1);
    }

    List<EpochSummary> epochs() {
        return List.copyOf(epochs);
    }

    List<TrainingErrorPoint> errors() {
        return List.copyOf(errors);
    }
}
