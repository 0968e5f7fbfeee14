package io.resflow.trainer.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class LearningRateScheduleTest {

    @Test
    void stepScheduleDividesByTenAtHalfAndThreeQuartersLikeThePaper() {
        // He et al. 2015 §4.2: 0.1, divided by 10 at 32k and 48k iterations, stop at 64k.
        LearningRateSchedule schedule = LearningRateSchedule.step(0.1f, 64_000);

        assertThat(schedule.at(0)).isEqualTo(0.1f);
        assertThat(schedule.at(31_999)).isEqualTo(0.1f);
        assertThat(schedule.at(32_000)).isCloseTo(0.01f, within(1e-9f));
        assertThat(schedule.at(47_999)).isCloseTo(0.01f, within(1e-9f));
        assertThat(schedule.at(48_000)).isCloseTo(0.001f, within(1e-9f));
        assertThat(schedule.at(63_999)).isCloseTo(0.001f, within(1e-9f));
        assertThat(schedule.at(100_000)).isCloseTo(0.001f, within(1e-9f));
    }

    @Test
    void cosineScheduleGoesFromBaseToZero() {
        LearningRateSchedule schedule = LearningRateSchedule.cosine(0.1f, 1000);

        assertThat(schedule.at(0)).isEqualTo(0.1f);
        assertThat(schedule.at(250))
                .isCloseTo((float) (0.05 * (1 + Math.cos(Math.PI / 4))), within(1e-7f));
        assertThat(schedule.at(500)).isCloseTo(0.05f, within(1e-7f));
        assertThat(schedule.at(1000)).isCloseTo(0f, within(1e-9f));
        assertThat(schedule.at(999)).isGreaterThan(0f);
    }

    @Test
    void linearWarmupRampsUpToTheSchedule() {
        LearningRateSchedule schedule = LearningRateSchedule.step(0.1f, 1000).withLinearWarmup(10);

        assertThat(schedule.at(0)).isCloseTo(0.01f, within(1e-8f));
        assertThat(schedule.at(4)).isCloseTo(0.05f, within(1e-8f));
        assertThat(schedule.at(9)).isCloseTo(0.1f, within(1e-8f));
        assertThat(schedule.at(10)).isEqualTo(0.1f);
    }

    @Test
    void trackerMapsDjlUpdateCountsToIterations() {
        LearningRateTracker tracker =
                new LearningRateTracker(LearningRateSchedule.step(0.1f, 100), Warmup.none());

        // DJL's optimizer counts updates from 1 (optBeginNumUpdate + 1).
        assertThat(tracker.getNewValue(1)).isEqualTo(0.1f);
        assertThat(tracker.getNewValue(50)).isEqualTo(0.1f);
        assertThat(tracker.getNewValue(51)).isCloseTo(0.01f, within(1e-9f));
        assertThat(tracker.isWarmupDone()).isTrue();
    }

    @Test
    void onTwoDevicesEachStepCountsTwoUpdatesAndStaysOneIteration() {
        LearningRateTracker tracker =
                new LearningRateTracker(LearningRateSchedule.step(0.1f, 100), Warmup.none(), 2);

        // Step s updates each parameter on both devices: counts 2s+1 and 2s+2 are iteration s.
        assertThat(tracker.getNewValue(99)).as("iteration 49, first device").isEqualTo(0.1f);
        assertThat(tracker.getNewValue(100)).as("iteration 49, second device").isEqualTo(0.1f);
        assertThat(tracker.getNewValue(101))
                .as("iteration 50: the first drop, at half of training")
                .isCloseTo(0.01f, within(1e-9f));
        assertThat(tracker.getNewValue(102)).isCloseTo(0.01f, within(1e-9f));
        // A run resumed after 50 iterations starts counting after 100 updates.
        assertThat(tracker.updatesBefore(50)).isEqualTo(100);
        assertThat(tracker.getNewValue(tracker.updatesBefore(50) + 1))
                .isCloseTo(0.01f, within(1e-9f));
    }

    @Test
    void errorWarmupHoldsTheLowRateUntilTrainingErrorDropsBelowTheThreshold() {
        LearningRateTracker tracker =
                new LearningRateTracker(
                        LearningRateSchedule.step(0.1f, 64_000), Warmup.paper110Layer());

        assertThat(tracker.getNewValue(1)).isEqualTo(0.01f);
        assertThat(tracker.observeTrainingError(0.85)).isFalse();
        assertThat(tracker.getNewValue(200)).isEqualTo(0.01f);
        assertThat(tracker.observeTrainingError(0.79)).isTrue();
        // back to 0.1; the step points stay where they were (32k, 48k)
        assertThat(tracker.getNewValue(401)).isEqualTo(0.1f);
        assertThat(tracker.getNewValue(32_001)).isCloseTo(0.01f, within(1e-9f));
        assertThat(tracker.observeTrainingError(0.5)).isFalse();

        LearningRateTracker resumed =
                new LearningRateTracker(
                        LearningRateSchedule.step(0.1f, 64_000), Warmup.paper110Layer());
        resumed.restoreWarmupDone(true);
        assertThat(resumed.getNewValue(500)).isEqualTo(0.1f);
    }

    @Test
    void invalidSchedulesAreRefused() {
        assertThatThrownBy(() -> LearningRateSchedule.step(0f, 10))
                .hasMessageContaining("must be positive");
        assertThatThrownBy(() -> LearningRateSchedule.cosine(0.1f, 0))
                .hasMessageContaining("total iterations");
        assertThatThrownBy(() -> Warmup.linear(0))
                .hasMessageContaining("positive number of iterations");
        assertThatThrownBy(() -> Warmup.untilTrainingErrorBelow(1.5f, 0.01f))
                .hasMessageContaining("(0, 1]");
    }
}
