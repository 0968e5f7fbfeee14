package io.resflow.pipeline.labelling;

import io.resflow.pipeline.kafka.OutputRecords;
import io.resflow.pipeline.labelling.LabelOutcome.DeadLetterCause;
import io.resflow.pipeline.records.DeadLetterRecord;
import io.resflow.pipeline.records.PredictionRecord;
import io.resflow.pipeline.records.RawFrame;
import io.resflow.pipeline.records.ScoredFrame;
import io.resflow.runtime.scores.TopClasses;
import io.resflow.schema.ErrorKind;
import java.io.Serializable;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Turns a scored frame into labels and decides where it goes, without Flink: the top-k labels;
 * scores that are not one finite number per label are a model error, not labels; frames whose top-1
 * score is under the confidence threshold, or whose ground truth disagrees with the label, go to
 * the retraining feed too (a dead letter when one record of the feed cannot hold them); failed
 * scoring is a dead letter. The {@code route-predictions} operator counts and emits what this
 * decides.
 *
 * <pre>{@code
 * Labeller labeller = new Labeller("resnet", "3", labels, 5, 0.5f, MAX_RECORD_BYTES);
 * LabelOutcome outcome = labeller.label(scored, System.currentTimeMillis());
 * }</pre>
 */
public final class Labeller implements Serializable {

    private static final long serialVersionUID = 1L;

    /** The stage dead letters of labelling name: the operator that writes them. */
    public static final String STAGE = "route-predictions";

    private final String modelName;
    private final String modelVersion;
    private final List<String> labels;
    private final int topK;
    private final float confidenceThreshold;
    private final int maxRecordBytes;

    /**
     * @param modelName the model named in predictions whose scored frame does not name its own
     * @param modelVersion likewise, its version
     * @param topK labels per prediction, at most one per label
     * @param confidenceThreshold the top-1 score under which a frame goes to retraining
     * @param maxRecordBytes the largest record the retraining feed's producer may send
     */
    public Labeller(
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

    /**
     * @param now the time the frame is labelled, in epoch milliseconds: its scored time and the end
     *     of its end-to-end latency
     */
    public LabelOutcome label(ScoredFrame scored, long now) {
        if (scored.failed()) {
            // Kept apart so an alert on model errors does not fire when the job is merely behind.
            return LabelOutcome.unusable(
                    new DeadLetterRecord(
                            STAGE,
                            scored.failureKind(),
                            scored.failure(),
                            now,
                            scored.id(),
                            scored.original()),
                    scored.failureKind() == ErrorKind.TIMEOUT
                            ? DeadLetterCause.TIMEOUT
                            : DeadLetterCause.MODEL_ERROR);
        }
        float[] probabilities = scored.probabilities();
        if (probabilities.length != labels.size()) {
            return modelError(
                    scored,
                    now,
                    "the model returned "
                            + probabilities.length
                            + " probabilities for "
                            + labels.size()
                            + " labels");
        }
        int notANumber = firstNonFinite(probabilities);
        if (notANumber >= 0) {
            // A NaN would be labelled, pass the confidence test (NaN < threshold is false) and turn
            // its window's mean score into NaN.
            return modelError(
                    scored,
                    now,
                    "the model returned "
                            + probabilities[notANumber]
                            + " for label "
                            + labels.get(notANumber));
        }
        int[] top = TopClasses.topIndices(probabilities, topK);
        String[] topLabels = new String[top.length];
        float[] topScores = new float[top.length];
        for (int i = 0; i < top.length; i++) {
            topLabels[i] = labels.get(top[i]);
            topScores[i] = probabilities[top[i]];
        }
        long endToEndMicros =
                TimeUnit.MILLISECONDS.toMicros(Math.max(0, now - scored.captureTime()));
        PredictionRecord prediction =
                new PredictionRecord(
                        scored.id(),
                        scored.source(),
                        scored.captureTime(),
                        now,
                        scored.modelName() != null ? scored.modelName() : modelName,
                        scored.modelVersion() != null ? scored.modelVersion() : modelVersion,
                        top,
                        topLabels,
                        topScores,
                        scored.groundTruthLabel(),
                        scored.batchSize(),
                        scored.queueWaitMicros(),
                        scored.inferenceMicros(),
                        endToEndMicros);

        boolean unsure = topScores[0] < confidenceThreshold;
        boolean wrong = scored.groundTruthLabel() != null && scored.groundTruthLabel() != top[0];
        if (!unsure && !wrong) {
            return new LabelOutcome(prediction, false, false, null, null, null);
        }
        RawFrame original = scored.original();
        if (OutputRecords.fitsRetrainingFeed(original, maxRecordBytes)) {
            return new LabelOutcome(prediction, unsure, wrong, original, null, null);
        }
        String why =
                "labelled "
                        + topLabels[0]
                        + " ("
                        + (unsure ? "under the confidence threshold" : "not its ground truth")
                        + ")";
        return new LabelOutcome(
                prediction,
                unsure,
                wrong,
                null,
                new DeadLetterRecord(
                        STAGE,
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
                        original),
                DeadLetterCause.TOO_LARGE_FOR_RETRAINING);
    }

    /** A scored frame whose scores cannot be used: a MODEL_ERROR dead letter. */
    private static LabelOutcome modelError(ScoredFrame scored, long now, String message) {
        return LabelOutcome.unusable(
                new DeadLetterRecord(
                        STAGE, ErrorKind.MODEL_ERROR, message, now, scored.id(), scored.original()),
                DeadLetterCause.MODEL_ERROR);
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
