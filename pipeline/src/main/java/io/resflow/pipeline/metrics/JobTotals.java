package io.resflow.pipeline.metrics;

import java.util.Map;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.api.common.accumulators.LongCounter;
import org.apache.flink.api.common.functions.RuntimeContext;

/**
 * What a job that ended reports in its {@link JobExecutionResult}: labels and dead letters, as
 * Flink accumulators. Metrics are gone once a job ends; these are what {@code resflow classify
 * --bounded} prints at the end. Each operator registers its own dead-letter total: chained
 * operators share one accumulator registry, which refuses a name twice.
 */
public final class JobTotals {

    static final String LABELS = "labels";
    static final String DEAD_LETTERS_PREFIX = "deadLetters.";

    private JobTotals() {}

    /** The labels counter of the operator that emits them. */
    public static LongCounter labels(RuntimeContext context) {
        LongCounter labels = new LongCounter();
        context.addAccumulator(LABELS, labels);
        return labels;
    }

    /** The dead-letter counter of the operator {@code uid}. */
    public static LongCounter deadLetters(RuntimeContext context, String uid) {
        LongCounter deadLetters = new LongCounter();
        context.addAccumulator(DEAD_LETTERS_PREFIX + uid, deadLetters);
        return deadLetters;
    }

    /** E.g. "labels=98 dead_letters=2", as the demo's SUMMARY names them. */
    public static String describe(JobExecutionResult result) {
        return describe(result.getAllAccumulatorResults());
    }

    static String describe(Map<String, Object> accumulators) {
        long labels = 0;
        long deadLetters = 0;
        for (Map.Entry<String, Object> accumulator : accumulators.entrySet()) {
            if (accumulator.getKey().equals(LABELS)) {
                labels += ((Number) accumulator.getValue()).longValue();
            } else if (accumulator.getKey().startsWith(DEAD_LETTERS_PREFIX)) {
                deadLetters += ((Number) accumulator.getValue()).longValue();
            }
        }
        return "labels=" + labels + " dead_letters=" + deadLetters;
    }
}
