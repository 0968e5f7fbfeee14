package io.resflow.runtime.scores;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class TopClassesTest {

    @Test
    void argMaxTakesTheHighestAndTheLowerIndexOnATie() {
        assertThat(TopClasses.argMax(new float[] {0.1f, 0.7f, 0.2f})).isEqualTo(1);
        assertThat(TopClasses.argMax(new float[] {-3f, -1f, -1f, -2f})).isEqualTo(1);
        assertThat(TopClasses.argMax(new float[] {5f})).isZero();
        assertThatThrownBy(() -> TopClasses.argMax(new float[0]))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void topIndicesAreBestFirstAndAgreeWithArgMax() {
        float[] scores = {0.05f, 0.4f, 0.05f, 0.3f, 0.2f};
        assertThat(TopClasses.topIndices(scores, 3)).containsExactly(1, 3, 4);
        assertThat(TopClasses.topIndices(scores, 5)).containsExactly(1, 3, 4, 0, 2);
        assertThat(TopClasses.topIndices(scores, 1)[0]).isEqualTo(TopClasses.argMax(scores));
    }

    @Test
    void kMustFitTheRow() {
        float[] scores = {0.5f, 0.5f};
        assertThatThrownBy(() -> TopClasses.topIndices(scores, 0))
                .hasMessage("k must be between 1 and 2, was 0");
        assertThatThrownBy(() -> TopClasses.topIndices(scores, 3))
                .hasMessage("k must be between 1 and 2, was 3");
    }
}
