package io.resflow.pipeline.classify.functions;

import io.resflow.pipeline.records.LabelStatsRecord;
import io.resflow.pipeline.records.PredictionRecord;
import java.util.HashMap;
import java.util.Map;
import org.apache.flink.api.common.functions.AggregateFunction;
import org.apache.flink.streaming.api.functions.windowing.ProcessWindowFunction;
import org.apache.flink.streaming.api.windowing.windows.TimeWindow;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Counts labels and sums top-1 scores per window, incrementally (one small accumulator per key and
 * window).
 */
public final class LabelCounts
        implements AggregateFunction<
                LabelCounts.LabelEvent, LabelCounts.Accumulator, LabelCounts.Accumulator> {

    private static final long serialVersionUID = 1L;

    public static final String UID = "label-stats";

    /**
     * Label events later than the allowed lateness for their window: counted by {@link
     * LateForStats}.
     */
    public static final OutputTag<LabelEvent> TOO_LATE = new OutputTag<>("late-for-stats") {};

    /**
     * What the window needs of a prediction: only this crosses the network to the keyed windows,
     * not the whole prediction with its top-k arrays.
     */
    public record LabelEvent(String source, String label, float score) {}

    public static LabelEvent toLabelEvent(PredictionRecord prediction) {
        return new LabelEvent(prediction.source(), prediction.top1Label(), prediction.top1Score());
    }

    /** Running counts of one source in one window. */
    public static final class Accumulator {
        public Map<String, Long> counts = new HashMap<>();
        public long total;
        public double scoreSum;
    }

    @Override
    public Accumulator createAccumulator() {
        return new Accumulator();
    }

    @Override
    public Accumulator add(LabelEvent event, Accumulator acc) {
        acc.counts.merge(event.label(), 1L, Long::sum);
        acc.total++;
        acc.scoreSum += event.score();
        return acc;
    }

    @Override
    public Accumulator getResult(Accumulator acc) {
        return acc;
    }

    @Override
    public Accumulator merge(Accumulator a, Accumulator b) {
        b.counts.forEach((label, count) -> a.counts.merge(label, count, Long::sum));
        a.total += b.total;
        a.scoreSum += b.scoreSum;
        return a;
    }

    /** Adds the source and window bounds to the finished counts. */
    public static final class ToStats
            extends ProcessWindowFunction<Accumulator, LabelStatsRecord, String, TimeWindow> {

        private static final long serialVersionUID = 1L;

        @Override
        public void process(
                String source,
                Context context,
                Iterable<Accumulator> counts,
                Collector<LabelStatsRecord> out) {
            Accumulator acc = counts.iterator().next();
            out.collect(
                    new LabelStatsRecord(
                            source,
                            context.window().getStart(),
                            context.window().getEnd(),
                            acc.total,
                            Map.copyOf(acc.counts),
                            acc.total == 0 ? 0 : acc.scoreSum / acc.total));
        }
    }
}
