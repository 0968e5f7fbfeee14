package io.resflow.trainer.training;

import java.io.IOException;

/**
 * Hears what {@link ImageClassifierTrainer}'s fit loop does: after each SGD step, after each
 * epoch's evaluation, and once the run has its result. The shape of DJL's {@code
 * ai.djl.training.listener.TrainingListener}; ours because our loop computes loss and accuracy on
 * the host per step and evaluates per epoch, so the events carry those numbers rather than DJL's
 * {@code Trainer} and per-device predictions. Listeners are called in the order they are given;
 * they observe and must not change the data order or arithmetic of training.
 */
interface TrainingListener {

    /** After each SGD step. */
    default void onTrainingBatch(BatchEnd batch) {}

    /** After each epoch's training and evaluation. */
    default void onEpoch(EpochSummary epoch) throws IOException {}

    /** After the final parameters and reports are written. */
    default void onTrainingEnd(TrainingResult result) throws IOException {}

    /**
     * One SGD step and the epoch so far.
     *
     * @param epoch 1-based
     * @param batch batches of this epoch done, 1-based
     * @param iteration SGD steps of the run done, including this one
     * @param loss the step's mean loss
     * @param correct the step's correctly classified images
     * @param images the step's images
     * @param epochLoss image-weighted mean loss of the epoch so far
     * @param epochAccuracy training accuracy of the epoch so far
     * @param learningRate the rate of this step
     * @param imagesPerSecond throughput of the epoch so far
     */
    record BatchEnd(
            int epoch,
            int batch,
            long iteration,
            double loss,
            long correct,
            long images,
            double epochLoss,
            double epochAccuracy,
            double learningRate,
            double imagesPerSecond) {}
}
