package io.resflow.trainer.evaluation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

class ConfusionMatrixTest {

    /**
     *
     *
     * <pre>
     *             predicted
     *              a   b   c
     * actual a     5   1   0     support 6
     *        b     2   3   1     support 6
     *        c     0   0   0     support 0 (never occurs)
     * predicted    7   4   1
     * </pre>
     */
    private static ConfusionMatrix handMade() {
        return ConfusionMatrix.of(
                List.of("a", "b", "c"), new long[][] {{5, 1, 0}, {2, 3, 1}, {0, 0, 0}});
    }

    @Test
    void accuracyPrecisionRecallF1() {
        ConfusionMatrix m = handMade();

        assertThat(m.total()).isEqualTo(12);
        assertThat(m.accuracy()).isCloseTo(8 / 12.0, within(1e-12));
        assertThat(m.precision(0)).isCloseTo(5 / 7.0, within(1e-12));
        assertThat(m.recall(0)).isCloseTo(5 / 6.0, within(1e-12));
        assertThat(m.f1(0))
                .isCloseTo(2 * (5 / 7.0) * (5 / 6.0) / (5 / 7.0 + 5 / 6.0), within(1e-12));
        assertThat(m.precision(1)).isCloseTo(3 / 4.0, within(1e-12));
        assertThat(m.recall(1)).isCloseTo(3 / 6.0, within(1e-12));
        assertThat(m.f1(1)).isCloseTo(0.6, within(1e-12));
        // c is predicted once, wrongly, and never occurs: precision 0, recall 0 (zero division), F1
        // 0
        assertThat(m.precision(2)).isZero();
        assertThat(m.recall(2)).isZero();
        assertThat(m.f1(2)).isZero();
        assertThat(m.macroPrecision()).isCloseTo((5 / 7.0 + 0.75) / 3, within(1e-12));
        assertThat(m.macroRecall()).isCloseTo((5 / 6.0 + 0.5) / 3, within(1e-12));
    }

    @Test
    void addCountsPairsAndReportCopiesThem() {
        ConfusionMatrix m = new ConfusionMatrix(List.of("x", "y"));
        m.add(0, 0);
        m.add(0, 1);
        m.add(1, 1);

        ClassificationReport report = ClassificationReport.from(m);

        assertThat(report.examples()).isEqualTo(3);
        assertThat(report.accuracy()).isCloseTo(2 / 3.0, within(1e-12));
        assertThat(report.confusionMatrix()).isDeepEqualTo(new long[][] {{1, 1}, {0, 1}});
        assertThat(report.classes()).extracting(ClassMetrics::name).containsExactly("x", "y");
        assertThat(report.classes().get(1).precision()).isCloseTo(0.5, within(1e-12));
        assertThat(report.toConfusionMatrix().counts()).isDeepEqualTo(m.counts());
    }

    @Test
    void emptyMatrixHasUndefinedAccuracy() {
        assertThat(new ConfusionMatrix(List.of("x")).accuracy()).isNaN();
    }

    @Test
    void wrongInputsAreRefused() {
        ConfusionMatrix m = new ConfusionMatrix(List.of("x", "y"));
        assertThatThrownBy(() -> m.add(2, 0)).hasMessageContaining("actual class 2 outside 0..1");
        assertThatThrownBy(() -> m.add(0, -1))
                .hasMessageContaining("predicted class -1 outside 0..1");
        assertThatThrownBy(() -> ConfusionMatrix.of(List.of("x", "y"), new long[][] {{1, 2}}))
                .hasMessageContaining("1 rows, need one per class (2)");
    }
}
