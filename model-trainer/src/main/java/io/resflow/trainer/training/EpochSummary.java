package io.resflow.trainer.training;

/**
 * One epoch of a run.
 *
 * @param epoch 1-based
 * @param iterations SGD iterations completed by the end of the epoch, counted from the run's start
 * @param trainLoss mean loss over the epoch's batches (training mode, augmented)
 * @param trainAccuracy fraction of the epoch's training images classified correctly while training
 * @param testAccuracy accuracy on the test set after the epoch (inference mode)
 * @param learningRate the rate of the epoch's last iteration
 * @param trainSeconds time spent in training steps (not evaluation)
 * @param imagesPerSecond training images per second of training steps
 */
public record EpochSummary(
        int epoch,
        long iterations,
        double trainLoss,
        double trainAccuracy,
        double testAccuracy,
        double learningRate,
        double trainSeconds,
        double imagesPerSecond) {}
