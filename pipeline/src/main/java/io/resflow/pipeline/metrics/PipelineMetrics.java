package io.resflow.pipeline.metrics;

import java.util.List;

/**
 * The names of the metrics the classify job registers, in one place: the operators use them, and
 * the Kubernetes alert rules and dashboard are checked against them. Flink's Prometheus reporter
 * exposes an operator metric {@code m} as {@code flink_taskmanager_job_task_operator_m}; the key of
 * a key-value group joins the name ({@code ..._errorKind_deadLetters}) and its value becomes a
 * label ({@code errorKind="WRONG_SHAPE"}); see {@link #prometheusName}.
 */
public final class PipelineMetrics {

    /** Prefix the Prometheus reporter gives operator-scoped metrics. */
    public static final String PROMETHEUS_OPERATOR_PREFIX = "flink_taskmanager_job_task_operator_";

    /** Counter: records read by decode-images. */
    public static final String FRAMES_IN = "framesIn";

    /**
     * Counter per {@link #ERROR_KIND_GROUP}: records sent to dead letters, by every stage that
     * sends them.
     */
    public static final String DEAD_LETTERS = "deadLetters";

    /** Key of the key-value group (a Prometheus label) that splits dead letters by error kind. */
    public static final String ERROR_KIND_GROUP = "errorKind";

    /** Counter: frames labelled. */
    public static final String FRAMES_LABELLED = "framesLabelled";

    /** Counter: labels whose top-1 score is under the confidence threshold. */
    public static final String LOW_CONFIDENCE = "lowConfidence";

    /** Counter: labels that disagree with the frame's ground truth. */
    public static final String MISCLASSIFIED = "misclassified";

    /** Counter: frames whose scoring failed (they go to dead letters). */
    public static final String SCORING_FAILURES = "scoringFailures";

    /** Histogram: the size of the batch each labelled frame was scored in. */
    public static final String BATCH_SIZE = "batchSize";

    /** Histogram: microseconds a frame waited for its batch. */
    public static final String QUEUE_WAIT_MICROS = "queueWaitMicros";

    /** Histogram: microseconds of the model call of a frame's batch. */
    public static final String INFERENCE_MICROS = "inferenceMicros";

    /** Histogram: milliseconds from capture to label. */
    public static final String END_TO_END_MILLIS = "endToEndMillis";

    /**
     * Counter: labelled frames that came later than {@code --allowed-lateness} for their
     * label-stats window. Their labels went out; the window's counts miss them.
     */
    public static final String LATE_FOR_STATS = "lateForStats";

    /**
     * Gauge, labelled with the model: {@link #MODEL_NAME_GROUP}, {@link #MODEL_VERSION_GROUP}; 1
     * once the TaskManager's scorer has loaded and warmed up that model, 0 before.
     */
    public static final String MODEL_LOADED = "modelLoaded";

    public static final String MODEL_NAME_GROUP = "model_name";
    public static final String MODEL_VERSION_GROUP = "model_version";

    /** Every metric name above (not the group keys). */
    public static final List<String> ALL =
            List.of(
                    FRAMES_IN,
                    DEAD_LETTERS,
                    FRAMES_LABELLED,
                    LOW_CONFIDENCE,
                    MISCLASSIFIED,
                    SCORING_FAILURES,
                    BATCH_SIZE,
                    QUEUE_WAIT_MICROS,
                    INFERENCE_MICROS,
                    END_TO_END_MILLIS,
                    LATE_FOR_STATS,
                    MODEL_LOADED);

    /**
     * The Prometheus series name of one of {@link #ALL}: the reporter puts the keys of key-value
     * groups into the name as well as into labels (seen on Flink 2.2.1's reporter), e.g. {@code
     * flink_taskmanager_job_task_operator_errorKind_deadLetters{errorKind="WRONG_SHAPE"}}.
     */
    public static String prometheusName(String metric) {
        if (!ALL.contains(metric)) {
            throw new IllegalArgumentException(metric + " is not one of the job's metrics " + ALL);
        }
        return switch (metric) {
            case DEAD_LETTERS -> PROMETHEUS_OPERATOR_PREFIX + ERROR_KIND_GROUP + "_" + DEAD_LETTERS;
            case MODEL_LOADED ->
                    PROMETHEUS_OPERATOR_PREFIX
                            + MODEL_NAME_GROUP
                            + "_"
                            + MODEL_VERSION_GROUP
                            + "_"
                            + MODEL_LOADED;
            default -> PROMETHEUS_OPERATOR_PREFIX + metric;
        };
    }

    private PipelineMetrics() {}
}
