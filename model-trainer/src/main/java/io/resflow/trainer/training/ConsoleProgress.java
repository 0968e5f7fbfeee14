package io.resflow.trainer.training;

import ai.djl.training.util.ProgressBar;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The run on the console, as a listener: each epoch's progress bar (DJL's {@link ProgressBar}) with
 * the running loss, accuracy, throughput and learning rate, a line per epoch and one at the end.
 * With the bar off, the lines go to the log instead. DJL's bar redraws only when the percentage
 * changes and is silenced by {@code -DDJL_DISABLE_PROGRESS_BAR=true}.
 */
final class ConsoleProgress implements TrainingListener {

    // The trainer's logger, so the lines keep their logger name in log configs and output.
    private static final Logger LOG = LoggerFactory.getLogger(ImageClassifierTrainer.class);

    private final boolean enabled;
    private final int epochs;
    private final int batches;
    private ProgressBar bar;

    /**
     * @param enabled whether to draw bars and print lines on the console rather than log them
     * @param epochs epochs of the whole run
     * @param batches batches per epoch
     */
    ConsoleProgress(boolean enabled, int epochs, int batches) {
        this.enabled = enabled;
        this.epochs = epochs;
        this.batches = batches;
    }

    /** To the console next to the progress bar, or to the log when the bar is off. */
    void announce(String message) {
        if (enabled) {
            System.out.println(message);
        } else {
            LOG.info(message);
        }
    }

    /** Like {@link #announce}, from within an epoch: first ends the bar's line. */
    void announceDuringEpoch(String message) {
        announce((enabled ? "\n" : "") + message);
    }

    @Override
    public void onTrainingBatch(BatchEnd batch) {
        if (!enabled) {
            return;
        }
        if (bar == null) {
            bar = new ProgressBar("Epoch " + batch.epoch() + "/" + epochs, batches);
        }
        bar.update(
                batch.batch() - 1,
                String.format(
                        Locale.ROOT,
                        "loss %.4f, acc %.4f, %.0f img/s, lr %.4g",
                        batch.epochLoss(),
                        batch.epochAccuracy(),
                        batch.imagesPerSecond(),
                        batch.learningRate()));
    }

    @Override
    public void onEpoch(EpochSummary epoch) {
        bar = null;
        announce(
                String.format(
                        Locale.ROOT,
                        "Epoch %d/%d: train loss %.4f, train accuracy %.4f, test accuracy"
                                + " %.4f, lr %.4g, %.0f images/s, %.1f s",
                        epoch.epoch(),
                        epochs,
                        epoch.trainLoss(),
                        epoch.trainAccuracy(),
                        epoch.testAccuracy(),
                        epoch.learningRate(),
                        epoch.imagesPerSecond(),
                        epoch.trainSeconds()));
    }

    @Override
    public void onTrainingEnd(TrainingResult result) {
        announce(
                String.format(
                        Locale.ROOT,
                        "Trained %s: test accuracy %.4f after %d iterations, %.0f images/s;"
                                + " parameters %s",
                        result.modelName(),
                        result.testAccuracy(),
                        result.iterations(),
                        result.imagesPerSecond(),
                        result.finalParameters()));
    }
}
