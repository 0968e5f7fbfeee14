package io.resflow.pipeline.classify.functions;

import io.resflow.pipeline.metrics.PipelineMetrics;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Counts the label events that came too late for their label-stats window, so a camera whose clock
 * lags, or a replay of old frames, shows up as {@code lateForStats} instead of as quietly lower
 * counts. Emits nothing: the frames' labels are already out.
 */
public final class LateForStats
        extends ProcessFunction<LabelCounts.LabelEvent, LabelCounts.LabelEvent> {

    private static final long serialVersionUID = 1L;

    public static final String UID = "late-for-stats";

    private transient Counter late;

    @Override
    public void open(OpenContext openContext) {
        late = getRuntimeContext().getMetricGroup().counter(PipelineMetrics.LATE_FOR_STATS);
    }

    @Override
    public void processElement(
            LabelCounts.LabelEvent event, Context ctx, Collector<LabelCounts.LabelEvent> out) {
        late.inc();
    }
}
