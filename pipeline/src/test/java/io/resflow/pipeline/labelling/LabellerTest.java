package io.resflow.pipeline.labelling;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.resflow.pipeline.labelling.LabelOutcome.DeadLetterCause;
import io.resflow.pipeline.records.DeadLetterRecord;
import io.resflow.pipeline.records.PredictionRecord;
import io.resflow.pipeline.records.RawFrame;
import io.resflow.pipeline.records.ScoredFrame;
import io.resflow.schema.ErrorKind;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class LabellerTest {

    private static final long NOW = 1_700_000_000_000L;
    private static final byte[] CAMERA = "camera-0".getBytes(StandardCharsets.UTF_8);
    private static final RawFrame ORIGINAL =
            new RawFrame(CAMERA, new byte[] {1, 2, 3}, "images", 0, 7, 0L);

    /**
     * 1024 bytes per record: a 900-byte frame fits with Kafka's record overhead, 1000 bytes do not.
     */
    private static final RawFrame TOO_LARGE =
            new RawFrame(CAMERA, new byte[1000], "images", 0, 9, 0L);

    private final Labeller labeller =
            new Labeller("resnet", "3", List.of("a", "b", "c"), 2, 0.5f, 1024);

    @Test
    void aConfidentRightFrameIsLabelledWithItsTopKAndGoesNowhereElse() {
        LabelOutcome outcome =
                labeller.label(scored("x", 1, NOW - 20, ORIGINAL, 0.1f, 0.7f, 0.2f), NOW);

        PredictionRecord p = outcome.prediction();
        assertThat(p.imageId()).isEqualTo("x");
        assertThat(p.source()).isEqualTo("camera-0");
        assertThat(p.captureTime()).isEqualTo(NOW - 20);
        assertThat(p.scoredTime()).isEqualTo(NOW);
        assertThat(p.modelName()).isEqualTo("resnet");
        assertThat(p.modelVersion()).isEqualTo("3");
        assertThat(p.topIndices()).containsExactly(1, 2);
        assertThat(p.topLabels()).containsExactly("b", "c");
        assertThat(p.topScores()).containsExactly(0.7f, 0.2f);
        assertThat(p.groundTruthLabel()).isEqualTo(1);
        assertThat(p.batchSize()).isEqualTo(4);
        assertThat(p.queueWaitMicros()).isEqualTo(5);
        assertThat(p.inferenceMicros()).isEqualTo(6);
        assertThat(p.endToEndMicros()).isEqualTo(20_000);
        assertThat(outcome.lowConfidence()).isFalse();
        assertThat(outcome.misclassified()).isFalse();
        assertThat(outcome.retraining()).isNull();
        assertThat(outcome.deadLetter()).isNull();
        assertThat(outcome.cause()).isNull();
    }

    @Test
    void topKIsCappedAtTheNumberOfLabels() {
        Labeller wide = new Labeller("m", "1", List.of("a", "b"), 5, 0.5f, 1024);

        assertThat(
                        wide.label(scored("x", null, NOW, ORIGINAL, 0.3f, 0.7f), NOW)
                                .prediction()
                                .topLabels())
                .containsExactly("b", "a");
    }

    @Test
    void aCaptureTimeAheadOfTheClockIsNoNegativeLatency() {
        assertThat(
                        labeller.label(
                                        scored("x", null, NOW + 5_000, ORIGINAL, 0.1f, 0.8f, 0.1f),
                                        NOW)
                                .prediction()
                                .endToEndMicros())
                .isZero();
    }

    @Test
    void anUnsureFrameGoesToRetrainingAsItArrived() {
        LabelOutcome outcome =
                labeller.label(scored("x", null, NOW, ORIGINAL, 0.4f, 0.35f, 0.25f), NOW);

        assertThat(outcome.prediction().top1Label()).isEqualTo("a");
        assertThat(outcome.lowConfidence()).isTrue();
        assertThat(outcome.misclassified())
                .as("no ground truth, nothing to disagree with")
                .isFalse();
        assertThat(outcome.retraining()).isSameAs(ORIGINAL);
        assertThat(outcome.deadLetter()).isNull();
    }

    @Test
    void aScoreAtTheThresholdIsSure() {
        LabelOutcome outcome =
                labeller.label(scored("x", null, NOW, ORIGINAL, 0.5f, 0.3f, 0.2f), NOW);

        assertThat(outcome.lowConfidence()).isFalse();
        assertThat(outcome.retraining()).isNull();
    }

    @Test
    void aFrameWhoseGroundTruthDisagreesGoesToRetraining() {
        LabelOutcome outcome = labeller.label(scored("x", 2, NOW, ORIGINAL, 0.1f, 0.8f, 0.1f), NOW);

        assertThat(outcome.prediction().top1Index()).isEqualTo(1);
        assertThat(outcome.lowConfidence()).isFalse();
        assertThat(outcome.misclassified()).isTrue();
        assertThat(outcome.retraining()).isSameAs(ORIGINAL);
    }

    @Test
    void anUnsureFrameTooLargeForTheFeedIsLabelledAndAnOtherDeadLetter() {
        RawFrame fits = new RawFrame(CAMERA, new byte[900], "images", 0, 8, 0L);
        assertThat(
                        labeller.label(scored("fits", null, NOW, fits, 0.4f, 0.35f, 0.25f), NOW)
                                .retraining())
                .isSameAs(fits);

        LabelOutcome outcome =
                labeller.label(scored("too-large", null, NOW, TOO_LARGE, 0.3f, 0.45f, 0.25f), NOW);

        assertThat(outcome.prediction().imageId()).isEqualTo("too-large");
        assertThat(outcome.lowConfidence()).isTrue();
        assertThat(outcome.retraining()).isNull();
        assertThat(outcome.cause()).isEqualTo(DeadLetterCause.TOO_LARGE_FOR_RETRAINING);
        DeadLetterRecord letter = outcome.deadLetter();
        assertThat(letter.stage()).isEqualTo("route-predictions");
        assertThat(letter.errorKind()).isEqualTo(ErrorKind.OTHER);
        assertThat(letter.message())
                .isEqualTo(
                        "labelled b (under the confidence threshold), but too large for the"
                                + " retraining feed: as it arrived (a 1000-byte value), it exceeds"
                                + " the 1024-byte record limit of the job's Kafka producers");
        assertThat(letter.time()).isEqualTo(NOW);
        assertThat(letter.imageId()).isEqualTo("too-large");
        assertThat(letter.original()).isSameAs(TOO_LARGE);
    }

    @Test
    void aMisclassifiedFrameTooLargeForTheFeedSaysSo() {
        LabelOutcome outcome =
                labeller.label(scored("x", 0, NOW, TOO_LARGE, 0.1f, 0.8f, 0.1f), NOW);

        assertThat(outcome.misclassified()).isTrue();
        assertThat(outcome.deadLetter().message())
                .startsWith(
                        "labelled b (not its ground truth), but too large for the retraining feed");
    }

    @Test
    void aSureRightFrameTooLargeForTheFeedIsOnlyLabelled() {
        LabelOutcome outcome =
                labeller.label(scored("x", 1, NOW, TOO_LARGE, 0.05f, 0.9f, 0.05f), NOW);

        assertThat(outcome.prediction()).isNotNull();
        assertThat(outcome.deadLetter()).isNull();
        assertThat(outcome.retraining()).isNull();
    }

    @Test
    void aFailedScoringIsADeadLetterOfItsKindTimeoutsApart() {
        LabelOutcome late =
                labeller.label(failed("late", ErrorKind.TIMEOUT, "not scored in time"), NOW);
        LabelOutcome broken =
                labeller.label(
                        failed("broken", ErrorKind.MODEL_ERROR, "scoring failed: boom"), NOW);

        assertThat(late.prediction()).isNull();
        assertThat(late.cause()).isEqualTo(DeadLetterCause.TIMEOUT);
        assertThat(late.deadLetter().errorKind()).isEqualTo(ErrorKind.TIMEOUT);
        assertThat(late.deadLetter().message()).isEqualTo("not scored in time");
        assertThat(late.deadLetter().stage()).isEqualTo("route-predictions");
        assertThat(late.deadLetter().time()).isEqualTo(NOW);
        assertThat(late.deadLetter().imageId()).isEqualTo("late");
        assertThat(late.deadLetter().original().value())
                .as("the frame's bytes, kept")
                .containsExactly(1, 2, 3);
        assertThat(broken.prediction()).isNull();
        assertThat(broken.cause()).isEqualTo(DeadLetterCause.MODEL_ERROR);
        assertThat(broken.deadLetter().errorKind()).isEqualTo(ErrorKind.MODEL_ERROR);
        assertThat(broken.retraining()).isNull();
    }

    @Test
    void scoresThatAreNotOneFiniteNumberPerLabelAreAModelError() {
        LabelOutcome tooFew = labeller.label(scored("few", null, NOW, ORIGINAL, 0.3f, 0.7f), NOW);
        LabelOutcome nan =
                labeller.label(scored("nan", null, NOW, ORIGINAL, Float.NaN, 0.2f, 0.1f), NOW);
        LabelOutcome infinite =
                labeller.label(
                        scored("inf", 1, NOW, ORIGINAL, 0.2f, Float.NEGATIVE_INFINITY, 0.1f), NOW);

        assertThat(List.of(tooFew, nan, infinite))
                .allSatisfy(
                        o -> {
                            assertThat(o.prediction()).isNull();
                            assertThat(o.retraining()).isNull();
                            assertThat(o.lowConfidence()).isFalse();
                            assertThat(o.misclassified()).isFalse();
                            assertThat(o.cause()).isEqualTo(DeadLetterCause.MODEL_ERROR);
                            assertThat(o.deadLetter().errorKind()).isEqualTo(ErrorKind.MODEL_ERROR);
                            assertThat(o.deadLetter().original()).isSameAs(ORIGINAL);
                        });
        assertThat(tooFew.deadLetter().message())
                .isEqualTo("the model returned 2 probabilities for 3 labels");
        assertThat(nan.deadLetter().message()).isEqualTo("the model returned NaN for label a");
        assertThat(infinite.deadLetter().message())
                .isEqualTo("the model returned -Infinity for label b");
    }

    @Test
    void anOutcomeWithoutLabelsIsADeadLetterWithItsCause() {
        DeadLetterRecord letter =
                new DeadLetterRecord(
                        "route-predictions", ErrorKind.OTHER, "why", NOW, "x", ORIGINAL);

        assertThatThrownBy(() -> new LabelOutcome(null, false, false, null, null, null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("must be a dead letter");
        assertThatThrownBy(() -> new LabelOutcome(null, false, false, null, letter, null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("needs its cause");
    }

    @Test
    void aFrameScoredByASwappedInVersionIsLabelledWithThatVersion() {
        ScoredFrame byV4 =
                new ScoredFrame(
                        "y",
                        "camera-0",
                        NOW,
                        null,
                        new float[] {0.1f, 0.7f, 0.2f},
                        4,
                        5,
                        6,
                        null,
                        null,
                        ORIGINAL,
                        "resnet",
                        "4");

        PredictionRecord p = labeller.label(byV4, NOW).prediction();

        assertThat(p.modelName()).isEqualTo("resnet");
        assertThat(p.modelVersion()).isEqualTo("4");
    }

    private static ScoredFrame scored(
            String id,
            Integer groundTruth,
            long captureTime,
            RawFrame original,
            float... probabilities) {
        return new ScoredFrame(
                id,
                "camera-0",
                captureTime,
                groundTruth,
                probabilities,
                4,
                5,
                6,
                null,
                null,
                original);
    }

    private static ScoredFrame failed(String id, ErrorKind kind, String reason) {
        return new ScoredFrame(id, "camera-0", 0L, null, null, 0, 0, 0, reason, kind, ORIGINAL);
    }
}
