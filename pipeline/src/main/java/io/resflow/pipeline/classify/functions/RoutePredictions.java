package io.resflow.pipeline.classify.functions;

import io.resflow.pipeline.kafka.OutputRecords;
import io.resflow.pipeline.metrics.JobTotals;
import io.resflow.pipeline.metrics.PipelineMetrics;
import io.resflow.pipeline.records.DeadLetterRecord;
import io.resflow.pipeline.records.PredictionRecord;
import io.resflow.pipeline.records.RawFrame;
import io.resflow.pipeline.records.ScoredFrame;
import io.resflow.pipeline.scoring.SharedBatchScorers;
import io.resflow.runtime.scores.TopClasses;
import io.resflow.schema.ErrorKind;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.accumulators.LongCounter;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.runtime.metrics.DescriptiveStatisticsHistogram;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Turns scores into labels, and routes: every scored frame to the labels; frames whose top-1 score
 * is under the confidence threshold, or whose ground truth disagrees with the label, also to the
 * retraining feed (with the original record and its bytes); failed scoring to dead letters, and so
 * is a frame for retraining that is too large for one record of the feed (it is still labelled).
 * Measures what the scorer did, per record, in this task's metric group.
 */
public final class RoutePredictions extends ProcessFunction<ScoredFrame, PredictionRecord> {

    private static final long serialVersionUID = 1L;

    public static final String UID = "route-predictions";

    public static final OutputTag<RawFrame> RETRAINING = new OutputTag<>("retraining") {};
    public static final OutputTag<DeadLetterRecord> DEAD_LETTERS =
            new OutputTag<>("scoring-dead-letters") {};

    private static final int HISTOGRAM_WINDOW = 10_000;

    private final String modelName;
    private final String modelVersion;
    private final List<String> labels;
    private final int topK;
    private final float confidenceThreshold;
    private final int maxRecordBytes;

    private transient Counter labelled;
    private transient Counter lowConfidence;
    private transient Counter misclassified;
    private transient Counter scoringFailures;
    private transient Counter modelErrors;
    private transient Counter timeouts;
    private transient Counter tooLargeForRetraining;
    private transient LongCounter labelTotal;
    private transient LongCounter deadLetterTotal;
    private transient Histogram batchSize;
    private transient Histogram queueWaitMicros;
    private transient Histogram inferenceMicros;
    private transient Histogram endToEndMillis;

    /**
     * @param maxRecordBytes the largest record the retraining feed's producer may send
     */
    public RoutePredictions(
            String modelName,
            String modelVersion,
            List<String> labels,
            int topK,
            float confidenceThreshold,
            int maxRecordBytes) {
        this.modelName = modelName;
        this.modelVersion = modelVersion;
        this.labels = List.copyOf(labels);
        this.topK = Math.min(topK, labels.size());
        this.confidenceThreshold = confidenceThreshold;
        this.maxRecordBytes = maxRecordBytes;
    }

    @Override
    public void open(OpenContext openContext) {
        MetricGroup metrics = getRuntimeContext().getMetricGroup();
        labelled = metrics.counter(PipelineMetrics.FRAMES_LABELLED);
        lowConfidence = metrics.counter(PipelineMetrics.LOW_CONFIDENCE);
        misclassified = metrics.counter(PipelineMetrics.MISCLASSIFIED);
        scoringFailures = metrics.counter(PipelineMetrics.SCORING_FAILURES);
        modelErrors =
                metrics.addGroup(PipelineMetrics.ERROR_KIND_GROUP, ErrorKind.MODEL_ERROR.name())
                        .counter(PipelineMetrics.DEAD_LETTERS);
        timeouts =
                metrics.addGroup(PipelineMetrics.ERROR_KIND_GROUP, ErrorKind.TIMEOUT.name())
                        .counter(PipelineMetrics.DEAD_LETTERS);
        tooLargeForRetraining =
                metrics.addGroup(PipelineMetrics.ERROR_KIND_GROUP, ErrorKind.OTHER.name())
                        .counter(PipelineMetrics.DEAD_LETTERS);
        labelTotal = JobTotals.labels(getRuntimeContext());
        deadLetterTotal = JobTotals.deadLetters(getRuntimeContext(), UID);
        batchSize =
                metrics.histogram(
                        PipelineMetrics.BATCH_SIZE,
                        new DescriptiveStatisticsHistogram(HISTOGRAM_WINDOW));
        queueWaitMicros =
                metrics.histogram(
                        PipelineMetrics.QUEUE_WAIT_MICROS,
                        new DescriptiveStatisticsHistogram(HISTOGRAM_WINDOW));
        inferenceMicros =
                metrics.histogram(
                        PipelineMetrics.INFERENCE_MICROS,
                        new DescriptiveStatisticsHistogram(HISTOGRAM_WINDOW));
        endToEndMillis =
                metrics.histogram(
                        PipelineMetrics.END_TO_END_MILLIS,
                        new DescriptiveStatisticsHistogram(HISTOGRAM_WINDOW));
        // The model version as labels ({model_name=..., model_version=...} in Prometheus). 1 once
        // this
        // TaskManager's scorer has loaded and warmed it up, 0 before: operators open tail first, so
        // this
        // one opens before the scorer, and a model that fails to load must not look served
        // meanwhile.
        metrics.addGroup(PipelineMetrics.MODEL_NAME_GROUP, modelName)
                .addGroup(PipelineMetrics.MODEL_VERSION_GROUP, modelVersion)
                .gauge(
                        PipelineMetrics.MODEL_LOADED,
                        () -> SharedBatchScorers.serves(modelName, modelVersion) ? 1 : 0);
    }

    @Override
    public void processElement(ScoredFrame scored, Context ctx, Collector<PredictionRecord> out) {
        long now = System.currentTimeMillis();
        if (scored.failed()) {
            scoringFailures.inc();
            // Kept apart so an alert on model errors does not fire when the job is merely behind.
            deadLetter(
                    ctx,
                    scored.failureKind() == ErrorKind.TIMEOUT ? timeouts : modelErrors,
                    new DeadLetterRecord(
                            UID,
                            scored.failureKind(),
                            scored.failure(),
                            now,
                            scored.id(),
                            scored.original()));
            return;
        }
        if (scored.probabilities().length != labels.size()) {
            modelError(
                    ctx,
                    scored,
                    now,
                    "the model returned "
                            + scored.probabilities().length
                            + " probabilities for "
                            + labels.size()
                            + " labels");
            return;
        }
        int notANumber = firstNonFinite(scored.probabilities());
        if (notANumber >= 0) {
            // A NaN would be labelled, pass the confidence test (NaN < threshold is false) and turn
            // its
            // window's mean score into NaN.
            modelError(
                    ctx,
                    scored,
                    now,
                    "the model returned "
                            + scored.probabilities()[notANumber]
                            + " for label "
                            + labels.get(notANumber));
            return;
        }
        int[] top = TopClasses.topIndices(scored.probabilities(), topK);
        String[] topLabels = new String[top.length];
        float[] topScores = new float[top.length];
        for (int i = 0; i < top.length; i++) {
            topLabels[i] = labels.get(top[i]);
            topScores[i] = scored.probabilities()[top[i]];
        }
        long endToEndMicros =
                TimeUnit.MILLISECONDS.toMicros(Math.max(0, now - scored.captureTime()));
        PredictionRecord prediction =
                new PredictionRecord(
                        scored.id(),
                        scored.source(),
                        scored.captureTime(),
                        now,
                        modelName,
                        modelVersion,
                        top,
                        topLabels,
                        topScores,
                        scored.groundTruthLabel(),
                        scored.batchSize(),
                        scored.queueWaitMicros(),
                        scored.inferenceMicros(),
                        endToEndMicros);
        labelled.inc();
        labelTotal.add(1L);
        batchSize.update(scored.batchSize());
        queueWaitMicros.update(scored.queueWaitMicros());
        inferenceMicros.update(scored.inferenceMicros());
        endToEndMillis.update(endToEndMicros / 1000);
        out.collect(prediction);

        boolean unsure = topScores[0] < confidenceThreshold;
        boolean wrong = scored.groundTruthLabel() != null && scored.groundTruthLabel() != top[0];
        if (unsure) {
            lowConfidence.inc();
        }
        if (wrong) {
            misclassified.inc();
        }
        if (unsure || wrong) {
            toRetraining(
                    ctx,
                    scored,
                    now,
                    "labelled "
                            + topLabels[0]
                            + " ("
                            + (unsure ? "under the confidence threshold" : "not its ground truth")
                            + ")");
        }
    }

    /**
     * The frame as it arrived, for the retraining feed; a dead letter when one record of the feed
     * cannot hold it.
     */
    private void toRetraining(Context ctx, ScoredFrame scored, long now, String why) {
        RawFrame original = scored.original();
        if (OutputRecords.fitsRetrainingFeed(original, maxRecordBytes)) {
            ctx.output(RETRAINING, original);
            return;
        }
        deadLetter(
                ctx,
                tooLargeForRetraining,
                new DeadLetterRecord(
                        UID,
                        ErrorKind.OTHER,
                        why
                                + ", but too large for the"
                                + " retraining feed: as it arrived (a "
                                + (original.value() == null ? 0 : original.value().length)
                                + "-byte value), it exceeds the "
                                + maxRecordBytes
                                + "-byte record limit of the job's Kafka producers",
                        now,
                        scored.id(),
                        original));
    }

    /** A scored frame whose scores cannot be used: a MODEL_ERROR dead letter. */
    private void modelError(Context ctx, ScoredFrame scored, long now, String message) {
        scoringFailures.inc();
        deadLetter(
                ctx,
                modelErrors,
                new DeadLetterRecord(
                        UID, ErrorKind.MODEL_ERROR, message, now, scored.id(), scored.original()));
    }

    /**
     * Every dead letter of this operator leaves here: counted by its kind and in the job's totals.
     */
    private void deadLetter(Context ctx, Counter ofItsKind, DeadLetterRecord deadLetter) {
        ofItsKind.inc();
        deadLetterTotal.add(1L);
        ctx.output(DEAD_LETTERS, deadLetter);
    }

    private static int firstNonFinite(float[] probabilities) {
        for (int i = 0; i < probabilities.length; i++) {
            if (!Float.isFinite(probabilities[i])) {
                return i;
            }
        }
        return -1;
    }
}
