package io.resflow.trainer.training;

import ai.djl.Model;
import ai.djl.ndarray.types.Shape;
import io.resflow.trainer.data.ChannelStatistics;
import java.io.IOException;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Saves a {@link Checkpoint} after every epoch, as a listener: the model's parameters and what a
 * resume needs (iteration, warm-up state, normalisation, the history so far). Listens after {@link
 * TrainingHistory}, so a checkpoint includes its own epoch.
 */
final class CheckpointSaver implements TrainingListener {

    private final CheckpointStore store;
    private final Model model;
    private final String modelName;
    private final Map<String, String> config;
    private final LearningRateTracker learningRate;
    private final ChannelStatistics normalization;
    private final List<String> classNames;
    private final Shape inputShape;
    private final int batchesPerEpoch;
    private final TrainingHistory history;

    CheckpointSaver(
            CheckpointStore store,
            Model model,
            TrainingConfig config,
            LearningRateTracker learningRate,
            ChannelStatistics normalization,
            List<String> classNames,
            Shape inputShape,
            int batchesPerEpoch,
            TrainingHistory history) {
        this.store = store;
        this.model = model;
        this.modelName = config.modelName();
        this.config = config.describe();
        this.learningRate = learningRate;
        this.normalization = normalization;
        this.classNames = classNames;
        this.inputShape = inputShape;
        this.batchesPerEpoch = batchesPerEpoch;
        this.history = history;
    }

    @Override
    public void onEpoch(EpochSummary epoch) throws IOException {
        store.save(
                model,
                new Checkpoint(
                        Checkpoint.FORMAT_VERSION,
                        modelName,
                        epoch.epoch(),
                        epoch.iterations(),
                        learningRate.isWarmupDone(),
                        normalization.mean(),
                        normalization.std(),
                        classNames,
                        inputShape.getShape(),
                        CheckpointStore.parametersFile(modelName, epoch.epoch()),
                        batchesPerEpoch,
                        history.epochs(),
                        history.errors(),
                        config,
                        Instant.now().toString()));
    }
}
