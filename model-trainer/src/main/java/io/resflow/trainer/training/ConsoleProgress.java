package io.resflow.trainer.training;

import ai.djl.training.util.ProgressBar;
import java.util.Locale;

/**
 * One epoch's progress bar on the console (DJL's {@link ProgressBar}) with the running loss,
 * accuracy, throughput and learning rate. DJL's bar redraws only when the percentage changes and is
 * silenced by {@code -DDJL_DISABLE_PROGRESS_BAR=true}.
 */
final class ConsoleProgress {

    private final ProgressBar bar;

    ConsoleProgress(boolean enabled, int epoch, int epochs, int batches) {
        this.bar = enabled ? new ProgressBar("Epoch " + epoch + "/" + epochs, batches) : null;
    }

    void update(
            int batchesDone,
            double loss,
            double accuracy,
            double imagesPerSecond,
            double learningRate) {
        if (bar != null) {
            bar.update(
                    batchesDone - 1,
                    String.format(
                            Locale.ROOT,
                            "loss %.4f, acc %.4f, %.0f img/s, lr %.4g",
                            loss,
                            accuracy,
                            imagesPerSecond,
                            learningRate));
        }
    }
}
