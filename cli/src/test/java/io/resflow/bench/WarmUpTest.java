package io.resflow.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class WarmUpTest {

    private static final Duration WARM_UP = Duration.ofSeconds(120);

    @Test
    void goesOnForTheMinimumTimeWhateverTheCompilerDoes() {
        assertThat(PipelineBenchmark.warmingUp(seconds(60), WARM_UP, segmentWithJit(0.0))).isTrue();
    }

    @Test
    void thenUntilASegmentRanWithTheCompilerNearlyIdle() {
        assertThat(PipelineBenchmark.warmingUp(seconds(130), WARM_UP, segmentWithJit(0.25)))
                .isTrue();
        assertThat(PipelineBenchmark.warmingUp(seconds(130), WARM_UP, segmentWithJit(0.05)))
                .isFalse();
    }

    @Test
    void butNoLongerThanTheLimit() {
        assertThat(PipelineBenchmark.warmingUp(seconds(359), WARM_UP, segmentWithJit(0.5)))
                .isTrue();
        assertThat(PipelineBenchmark.warmingUp(seconds(361), WARM_UP, segmentWithJit(0.5)))
                .isFalse();
    }

    private static long seconds(long s) {
        return Duration.ofSeconds(s).toNanos();
    }

    private static PipelineBenchmark.Segment segmentWithJit(double jitLoad) {
        return new PipelineBenchmark.Segment(
                "warmup1", 6000, 1000, 64, jitLoad, Double.NaN, Double.NaN);
    }
}
