package io.resflow.pipeline.labelling;

import static org.assertj.core.api.Assertions.assertThat;

import io.resflow.pipeline.records.DeadLetterRecord;
import io.resflow.pipeline.records.PredictionRecord;
import io.resflow.pipeline.records.RawFrame;
import io.resflow.pipeline.records.ScoredFrame;
import io.resflow.schema.ErrorKind;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.Test;

class RoutePredictionsTest {

    private static final RawFrame ORIGINAL =
            new RawFrame(null, new byte[] {1, 2, 3}, "images", 0, 7, 0L);

    @Test
    void aTimedOutFrameIsATimeoutDeadLetterAndAFailedModelAModelError() throws Exception {
        try (OneInputStreamOperatorTestHarness<ScoredFrame, PredictionRecord> harness =
                ProcessFunctionTestHarnesses.forProcessFunction(
                        new RoutePredictions("m", "1", List.of("a", "b"), 1, 0.5f, 1024))) {
            harness.processElement(
                    failed("late", ErrorKind.TIMEOUT, "not scored within the async timeout"), 1L);
            harness.processElement(
                    failed("broken", ErrorKind.MODEL_ERROR, "scoring failed: boom"), 2L);

            assertThat(harness.extractOutputValues()).isEmpty();
            List<DeadLetterRecord> deadLetters =
                    harness.getSideOutput(RoutePredictions.DEAD_LETTERS).stream()
                            .map(StreamRecord::getValue)
                            .toList();
            assertThat(deadLetters)
                    .extracting(DeadLetterRecord::imageId)
                    .containsExactly("late", "broken");
            assertThat(deadLetters)
                    .extracting(DeadLetterRecord::errorKind)
                    .containsExactly(ErrorKind.TIMEOUT, ErrorKind.MODEL_ERROR);
            assertThat(deadLetters.get(0).original().value())
                    .as("the frame's bytes, kept")
                    .containsExactly(1, 2, 3);
        }
    }

    @Test
    void aNaNScoreIsAModelErrorNotALabel() throws Exception {
        try (OneInputStreamOperatorTestHarness<ScoredFrame, PredictionRecord> harness =
                ProcessFunctionTestHarnesses.forProcessFunction(
                        new RoutePredictions("m", "1", List.of("a", "b"), 1, 0.5f, 1024))) {
            harness.processElement(scored("nan", Float.NaN, 0.2f), 1L);
            harness.processElement(scored("fine", 0.9f, 0.1f), 2L);

            assertThat(harness.extractOutputValues())
                    .extracting(PredictionRecord::imageId)
                    .containsExactly("fine");
            List<DeadLetterRecord> deadLetters =
                    harness.getSideOutput(RoutePredictions.DEAD_LETTERS).stream()
                            .map(StreamRecord::getValue)
                            .toList();
            assertThat(deadLetters).extracting(DeadLetterRecord::imageId).containsExactly("nan");
            assertThat(deadLetters.get(0).errorKind()).isEqualTo(ErrorKind.MODEL_ERROR);
            assertThat(deadLetters.get(0).message())
                    .isEqualTo("the model returned NaN for label a");
            assertThat(harness.getSideOutput(RoutePredictions.RETRAINING)).isNull();
        }
    }

    @Test
    void anUnsureFrameTooLargeForTheRetrainingFeedIsLabelledAndADeadLetter() throws Exception {
        // 1024 bytes per record: a 900-byte frame fits with Kafka's record overhead, a 1000-byte
        // one does not.
        RawFrame fits =
                new RawFrame(
                        "camera-0".getBytes(StandardCharsets.UTF_8),
                        new byte[900],
                        "images",
                        0,
                        8,
                        0L);
        RawFrame tooLarge =
                new RawFrame(
                        "camera-0".getBytes(StandardCharsets.UTF_8),
                        new byte[1000],
                        "images",
                        0,
                        9,
                        0L);
        try (OneInputStreamOperatorTestHarness<ScoredFrame, PredictionRecord> harness =
                ProcessFunctionTestHarnesses.forProcessFunction(
                        new RoutePredictions("m", "1", List.of("a", "b", "c"), 1, 0.5f, 1024))) {
            harness.processElement(scored("fits", fits, 0.4f, 0.35f, 0.25f), 1L);
            harness.processElement(scored("too-large", tooLarge, 0.3f, 0.45f, 0.25f), 2L);
            harness.processElement(scored("sure", tooLarge, 0.05f, 0.9f, 0.05f), 3L);

            assertThat(harness.extractOutputValues())
                    .extracting(PredictionRecord::imageId)
                    .containsExactly("fits", "too-large", "sure");
            assertThat(harness.getSideOutput(RoutePredictions.RETRAINING))
                    .extracting(r -> r.getValue().offset())
                    .containsExactly(8L);
            List<DeadLetterRecord> deadLetters =
                    harness.getSideOutput(RoutePredictions.DEAD_LETTERS).stream()
                            .map(StreamRecord::getValue)
                            .toList();
            assertThat(deadLetters)
                    .extracting(DeadLetterRecord::imageId)
                    .containsExactly("too-large");
            assertThat(deadLetters.get(0).errorKind()).isEqualTo(ErrorKind.OTHER);
            assertThat(deadLetters.get(0).message())
                    .isEqualTo(
                            "labelled b (under the confidence threshold), but too large for the"
                                + " retraining feed: as it arrived (a 1000-byte value), it exceeds"
                                + " the 1024-byte record limit of the job's Kafka producers");
            assertThat(deadLetters.get(0).original().offset())
                    .as("where the frame is kept")
                    .isEqualTo(9L);
        }
    }

    private static ScoredFrame scored(String id, float... probabilities) {
        return scored(id, ORIGINAL, probabilities);
    }

    private static ScoredFrame scored(String id, RawFrame original, float... probabilities) {
        return new ScoredFrame(
                id, "camera-0", 0L, null, probabilities, 2, 0, 0, null, null, original);
    }

    private static ScoredFrame failed(String id, ErrorKind kind, String reason) {
        return new ScoredFrame(id, "camera-0", 0L, null, null, 0, 0, 0, reason, kind, ORIGINAL);
    }
}
