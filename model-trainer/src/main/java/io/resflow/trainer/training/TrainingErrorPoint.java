package io.resflow.trainer.training;

/**
 * Training loss and error averaged over a window of iterations, for the per-iteration curves of He
 * et al. (2015) Fig. 6 (there: training error dashed against iterations).
 *
 * @param iteration iterations completed at the end of the window
 */
public record TrainingErrorPoint(
        long iteration, double trainLoss, double trainError, double learningRate) {}
