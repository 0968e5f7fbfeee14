package io.resflow.pipeline.labelling;

import io.resflow.pipeline.records.DeadLetterRecord;
import io.resflow.pipeline.records.PredictionRecord;
import io.resflow.pipeline.records.RawFrame;

/**
 * What becomes of one scored frame ({@link Labeller#label}): a prediction, or none when its scores
 * cannot be used; the original frame for the retraining feed; a dead letter and why. A labelled
 * frame for retraining that is too large for the feed has both a prediction and a dead letter.
 *
 * @param prediction the labels, or null when scoring failed or the scores are unusable
 * @param lowConfidence the top-1 score is under the confidence threshold
 * @param misclassified the ground truth disagrees with the top-1 label
 * @param retraining the frame as it arrived, for the retraining feed, or null
 * @param deadLetter the dead letter, or null
 * @param cause why {@code deadLetter} was written; null exactly when it is
 */
public record LabelOutcome(
        PredictionRecord prediction,
        boolean lowConfidence,
        boolean misclassified,
        RawFrame retraining,
        DeadLetterRecord deadLetter,
        DeadLetterCause cause) {

    /** Why a scored frame became a dead letter; each is counted apart. */
    public enum DeadLetterCause {
        /** Not scored within the async timeout: the job is behind, the model is not broken. */
        TIMEOUT,
        /** Scoring failed, or the model returned scores that cannot be labels. */
        MODEL_ERROR,
        /** Labelled and meant for retraining, but larger than one record of the feed may be. */
        TOO_LARGE_FOR_RETRAINING
    }

    public LabelOutcome {
        if ((deadLetter == null) != (cause == null)) {
            throw new IllegalArgumentException(
                    "a dead letter needs its cause and a cause its dead letter, got "
                            + deadLetter
                            + " and "
                            + cause);
        }
        if (prediction == null && deadLetter == null) {
            throw new IllegalArgumentException("a frame without labels must be a dead letter");
        }
    }

    static LabelOutcome unusable(DeadLetterRecord deadLetter, DeadLetterCause cause) {
        return new LabelOutcome(null, false, false, null, deadLetter, cause);
    }
}
