package io.resflow.trainer.training;

import ai.djl.training.tracker.Tracker;

/**
 * The DJL {@link Tracker} the SGD optimizer asks for its learning rate: the {@link
 * LearningRateSchedule} at the optimizer's update count, or the warm-up rate while an
 * error-triggered warm-up ({@link Warmup.UntilTrainingError}) is still on.
 *
 * <p>DJL's optimizer counts updates from {@code optBeginNumUpdate + 1}, and once per device in a
 * step: its parameter server updates each device's copy of a parameter, and each update counts. So
 * an iteration is {@code updatesPerIteration} (the device count) updates, and a resumed run sets
 * {@code optBeginNumUpdate} to {@link #updatesBefore} its iteration, so the schedule continues
 * where it stopped. Counted as one update per step, two GPUs ran the schedule at twice its speed.
 */
public final class LearningRateTracker implements Tracker {

    private final LearningRateSchedule schedule;
    private final Warmup.UntilTrainingError errorWarmup;
    private final int updatesPerIteration;
    private volatile boolean warmupDone;

    /** For training on one device. */
    public LearningRateTracker(LearningRateSchedule schedule, Warmup warmup) {
        this(schedule, warmup, 1);
    }

    /** For training on {@code devices} devices, each counting its own update of every parameter. */
    public LearningRateTracker(LearningRateSchedule schedule, Warmup warmup, int devices) {
        this.schedule = java.util.Objects.requireNonNull(schedule, "schedule");
        this.errorWarmup = warmup instanceof Warmup.UntilTrainingError w ? w : null;
        this.warmupDone = errorWarmup == null;
        if (devices < 1) {
            throw new IllegalArgumentException("devices must be at least 1, got " + devices);
        }
        this.updatesPerIteration = devices;
    }

    @Override
    public float getNewValue(int numUpdate) {
        return valueAt(Math.max(0, numUpdate - 1L) / updatesPerIteration);
    }

    /**
     * DJL's update count after {@code iterations} iterations: the optimizer's {@code
     * optBeginNumUpdate} on resume.
     */
    public int updatesBefore(long iterations) {
        return Math.toIntExact(iterations * updatesPerIteration);
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
