package io.resflow.trainer.training;

import ai.djl.training.tracker.Tracker;

/**
 * The DJL {@link Tracker} the SGD optimizer asks for its learning rate: the {@link
 * LearningRateSchedule} at the optimizer's update count, or the warm-up rate while an
 * error-triggered warm-up ({@link Warmup.UntilTrainingError}) is still on.
 *
 * <p>DJL's optimizer counts updates from {@code optBeginNumUpdate + 1}; a resumed run sets that to
 * the iterations already done, so the schedule continues where it stopped.
 */
public final class LearningRateTracker implements Tracker {

    private final LearningRateSchedule schedule;
    private final Warmup.UntilTrainingError errorWarmup;
    private volatile boolean warmupDone;

    public LearningRateTracker(LearningRateSchedule schedule, Warmup warmup) {
        this.schedule = java.util.Objects.requireNonNull(schedule, "schedule");
        this.errorWarmup = warmup instanceof Warmup.UntilTrainingError w ? w : null;
        this.warmupDone = errorWarmup == null;
    }

    @Override
    public float getNewValue(int numUpdate) {
        return valueAt(Math.max(0, numUpdate - 1L));
    }

    /** The rate for a 0-based iteration, given the warm-up state now. */
    public float valueAt(long iteration) {
        return warmupDone ? schedule.at(iteration) : errorWarmup.learningRate();
    }

    /**
     * Ends an error-triggered warm-up once the training error is below its threshold.
     *
     * @return true if this call ended the warm-up
     */
    public boolean observeTrainingError(double error) {
        if (!warmupDone && error < errorWarmup.errorBelow()) {
            warmupDone = true;
            return true;
        }
        return false;
    }

    public boolean isWarmupDone() {
        return warmupDone;
    }

    /** For resuming: the warm-up state a checkpoint recorded. */
    public void restoreWarmupDone(boolean done) {
        this.warmupDone = done || errorWarmup == null;
    }

    public LearningRateSchedule schedule() {
        return schedule;
    }
}
