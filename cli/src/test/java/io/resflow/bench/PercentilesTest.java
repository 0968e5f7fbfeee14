package io.resflow.bench;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PercentilesTest {

    @Test
    void medianOfAnOddCountIsTheMiddleValueWhateverTheOrder() {
        assertThat(Percentiles.median(new double[] {900, 1400, 400})).isEqualTo(900);
    }

    @Test
    void medianOfAnEvenCountIsTheMeanOfTheMiddleTwo() {
        assertThat(Percentiles.median(new double[] {4, 1, 3, 2})).isEqualTo(2.5);
    }

    @Test
    void medianLeavesItsInputAlone() {
        double[] values = {3, 1, 2};
        Percentiles.median(values);
        assertThat(values).containsExactly(3, 1, 2);
    }

    @Test
    void medianOfNothingIsNaN() {
        assertThat(Percentiles.median(new double[0])).isNaN();
    }

    @Test
    void nearestRankPercentiles() {
        long[] sorted = {10, 20, 30, 40, 50, 60, 70, 80, 90, 100};
        assertThat(Percentiles.of(sorted, 0.5)).isEqualTo(50);
        assertThat(Percentiles.of(sorted, 0.99)).isEqualTo(100);
        assertThat(Percentiles.of(new long[0], 0.5)).isZero();
    }
}
