package io.resflow.cli;

import java.util.function.LongConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/** Console progress bars for long work (replays, downloads, training epochs). */
final class Progress {

    private Progress() {}

    static ProgressBar bar(String task, long total, String unit) {
        return new ProgressBarBuilder()
                .setTaskName(task)
                .setInitialMax(total)
                .setUnit(" " + unit, 1)
                .setStyle(ProgressBarStyle.ASCII)
                .showSpeed()
                .setMaxRenderedLength(100)
                .continuousUpdate()
                .build();
    }

    /** A thread-safe consumer of absolute counts for the bar. */
    static LongConsumer stepTo(ProgressBar bar) {
        return count -> {
            synchronized (bar) {
                if (count > bar.getCurrent()) {
                    bar.stepTo(count);
                }
            }
        };
    }
}
