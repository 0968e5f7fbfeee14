package io.resflow.pipeline.labelling;

import io.resflow.pipeline.metrics.JobTotals;
import io.resflow.pipeline.metrics.PipelineMetrics;
import io.resflow.pipeline.records.DeadLetterRecord;
import io.resflow.pipeline.records.PredictionRecord;
import io.resflow.pipeline.records.RawFrame;
import io.resflow.pipeline.records.ScoredFrame;
import io.resflow.schema.ErrorKind;
import java.util.List;
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
 * Labels scored frames and routes them, as the {@link Labeller} decides: every labelled frame to
 * the labels, frames for retraining to {@link #RETRAINING}, failed scoring, unusable scores and
 * frames too large for the retraining feed to {@link #DEAD_LETTERS}. Counts what it routes and
 * measures what the scorer did, per record, in this task's metric group.
 */
public final class RoutePredictions extends ProcessFunction<ScoredFrame, PredictionRecord> {

    private static final long serialVersionUID = 1L;

    public static final String UID = Labeller.STAGE;

    public static final OutputTag<RawFrame> RETRAINING = new OutputTag<>("retraining") {};
    public static final OutputTag<DeadLetterRecord> DEAD_LETTERS =
            new OutputTag<>("scoring-dead-letters") {};

    private static final int HISTOGRAM_WINDOW = 10_000;

    private final Labeller labeller;

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
        this(
                new Labeller(
                        modelName,
                        modelVersion,
                        labels,
                        topK,
                        confidenceThreshold,
                        maxRecordBytes));
    }

    public RoutePredictions(Labeller labeller) {
        this.labeller = labeller;
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
        batchSize = histogram(metrics, PipelineMetrics.BATCH_SIZE);
        queueWaitMicros = histogram(metrics, PipelineMetrics.QUEUE_WAIT_MICROS);
        inferenceMicros = histogram(metrics, PipelineMetrics.INFERENCE_MICROS);
        endToEndMillis = histogram(metrics, PipelineMetrics.END_TO_END_MILLIS);
    }

    private static Histogram histogram(MetricGroup metrics, String name) {
        return metrics.histogram(name, new DescriptiveStatisticsHistogram(HISTOGRAM_WINDOW));
    }

    @Override
    public void processElement(ScoredFrame scored, Context ctx, Collector<PredictionRecord> out) {
        LabelOutcome outcome = labeller.label(scored, System.currentTimeMillis());
        PredictionRecord prediction = outcome.prediction();
        if (prediction == null) {
            scoringFailures.inc();
        } else {
            labelled.inc();
            labelTotal.add(1L);
            batchSize.update(prediction.batchSize());
            queueWaitMicros.update(prediction.queueWaitMicros());
            inferenceMicros.update(prediction.inferenceMicros());
            endToEndMillis.update(prediction.endToEndMicros() / 1000);
            out.collect(prediction);
        }
        if (outcome.lowConfidence()) {
            lowConfidence.inc();
        }
        if (outcome.misclassified()) {
            misclassified.inc();
        }
        if (outcome.retraining() != null) {
            ctx.output(RETRAINING, outcome.retraining());
        }
        if (outcome.deadLetter() != null) {
            Counter ofItsCause =
                    switch (outcome.cause()) {
                        case TIMEOUT -> timeouts;
                        case MODEL_ERROR -> modelErrors;
                        case TOO_LARGE_FOR_RETRAINING -> tooLargeForRetraining;
                    };
            // Every dead letter of this operator leaves here: counted by its kind and in the job's
            // totals.
            ofItsCause.inc();
            deadLetterTotal.add(1L);
            ctx.output(DEAD_LETTERS, outcome.deadLetter());
        }
    }
}
