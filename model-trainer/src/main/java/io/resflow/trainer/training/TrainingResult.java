package io.resflow.trainer.training;

import io.resflow.trainer.data.ChannelStatistics;
import io.resflow.trainer.evaluation.ClassificationReport;
import io.resflow.trainer.evaluation.Curve;
import io.resflow.trainer.evaluation.ReportJson;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * What a training run produced; written as {@code training-result.json} in the run directory.
 *
 * @param classNames the model's classes in output order
 * @param normalization the per-channel mean/std the inputs were normalised with; store it with the
 *     model, serving must apply the same
 * @param inputShape channels, height, width of one image
 * @param devices the devices trained on
 * @param epochs epochs completed (including those before a resume)
 * @param iterations SGD iterations completed (including those before a resume)
 * @param finalTrainLoss mean training loss of the last epoch
 * @param finalTrainAccuracy training accuracy of the last epoch
 * @param testAccuracy test accuracy of the final model
 * @param epochHistory one entry per epoch, including those before a resume
 * @param trainingErrorHistory training loss/error per {@code historyInterval} iterations
 * @param wallTimeSeconds wall time of this call (not of epochs before a resume)
 * @param imagesPerSecond training throughput over this call's training steps
 * @param resumedFromEpoch the checkpoint's epoch this call started from; 0 for a fresh run
 * @param finalParameters the DJL parameter file of the final model
 * @param testReport accuracy, per-class precision/recall/F1 and the confusion matrix on the test
 *     set
 * @param config the settings of the run
 */
public record TrainingResult(
        String modelName,
        List<String> classNames,
        ChannelStatistics normalization,
        long[] inputShape,
        List<String> devices,
        int epochs,
        long iterations,
        double finalTrainLoss,
        double finalTrainAccuracy,
        double testAccuracy,
        List<EpochSummary> epochHistory,
        List<TrainingErrorPoint> trainingErrorHistory,
        double wallTimeSeconds,
        double imagesPerSecond,
        int resumedFromEpoch,
        Path runDirectory,
        Path finalParameters,
        ClassificationReport testReport,
        Map<String, String> config) {

    public static final String JSON_FILE = "training-result.json";

    /** Training error (0..1) against iterations, one point per history window. */
    public Curve trainingErrorCurve() {
        return Curve.dashed(
                modelName + " train",
                trainingErrorHistory.stream().map(p -> (double) p.iteration()).toList(),
                trainingErrorHistory.stream().map(TrainingErrorPoint::trainError).toList());
    }

    /** Training loss against iterations, one point per history window. */
    public Curve trainingLossCurve() {
        return Curve.dashed(
                modelName
                        + " train loss (per "
                        + config.getOrDefault("historyInterval", "?")
                        + " iterations)",
                trainingErrorHistory.stream().map(p -> (double) p.iteration()).toList(),
                trainingErrorHistory.stream().map(TrainingErrorPoint::trainLoss).toList());
    }

    /** Test error (0..1) against iterations, one point per epoch. */
    public Curve testErrorCurve() {
        return Curve.solid(
                modelName + " test",
                epochHistory.stream().map(e -> (double) e.iterations()).toList(),
                epochHistory.stream().map(e -> 1 - e.testAccuracy()).toList());
    }

    public static TrainingResult read(Path json) throws IOException {
        return ReportJson.read(json, TrainingResult.class);
    }
}
