package io.resflow.trainer.training;

import java.util.List;

/**
 * What is saved next to the parameters after each epoch so a run can resume: the position in the
 * schedule, the normalisation (which must not be recomputed), the warm-up state and the history.
 * The parameter file itself ({@code <model>-<epoch>.params}, DJL's format) holds every parameter
 * including batch normalisation's running statistics.
 *
 * @param epoch epochs completed
 * @param iteration SGD iterations completed
 */
public record Checkpoint(
        int formatVersion,
        String modelName,
        int epoch,
        long iteration,
        boolean warmupDone,
        float[] normalizationMean,
        float[] normalizationStd,
        List<String> classNames,
        long[] inputShape,
        String parametersFile,
        int batchesPerEpoch,
        List<EpochSummary> epochHistory,
        List<TrainingErrorPoint> trainingErrorHistory,
        java.util.Map<String, String> config,
        String savedAt) {

    public static final int FORMAT_VERSION = 1;
}
