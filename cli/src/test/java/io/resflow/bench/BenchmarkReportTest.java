package io.resflow.bench;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class BenchmarkReportTest {

    @Test
    void bucketMeansAverageEachFiveSecondsAndTheShortTail() {
        double[] perSecond = {0, 128, 0, 128, 64, 100, 100, 100, 100, 100, 10, 20};
        assertThat(BenchmarkReport.bucketMeans(perSecond)).containsExactly(64, 100, 15);
    }

    @Test
    void noSecondsNoBuckets() {
        assertThat(BenchmarkReport.bucketMeans(new double[0])).isEmpty();
    }
}
