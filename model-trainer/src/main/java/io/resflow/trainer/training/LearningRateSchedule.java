package io.resflow.trainer.training;

/**
 * The learning rate as a pure function of the (0-based) iteration.
 *
 * <ul>
 *   <li>{@link Decay#STEP}: He et al. (2015) §4.2: start at the base rate (0.1) and divide it by 10
 *       at 50% and 75% of the iterations (32k and 48k of 64k in the paper).
 *   <li>{@link Decay#COSINE}: {@code base * (1 + cos(pi * i / total)) / 2}, from the base rate to 0
 *       (Loshchilov and Hutter 2017, without restarts).
 * </ul>
 *
 * <p>Written out rather than built from DJL's {@code MultiFactorTracker}, which keeps mutable state
 * and returns wrong values when asked out of order (e.g. after resuming).
 *
 * <pre>{@code
 * LearningRateSchedule schedule = LearningRateSchedule.step(0.1f, 64_000);
 * schedule.at(32_000);   // 0.01
 * }</pre>
 */
public final class LearningRateSchedule {

    /** The shape of the decay. */
    public enum Decay {
        STEP,
        COSINE
    }

    private final Decay decay;
    private final float baseRate;
    private final long totalIterations;
    private final int linearWarmupIterations;

    private LearningRateSchedule(
            Decay decay, float baseRate, long totalIterations, int linearWarmupIterations) {
        if (!(baseRate > 0) || Float.isInfinite(baseRate)) {
            throw new IllegalArgumentException(
                    "base learning rate must be positive, got " + baseRate);
        }
        if (totalIterations <= 0) {
            throw new IllegalArgumentException(
                    "total iterations must be positive, got " + totalIterations);
        }
        if (linearWarmupIterations < 0) {
            throw new IllegalArgumentException(
                    "warm-up iterations must be >= 0, got " + linearWarmupIterations);
        }
        this.decay = java.util.Objects.requireNonNull(decay, "decay");
        this.baseRate = baseRate;
        this.totalIterations = totalIterations;
        this.linearWarmupIterations = linearWarmupIterations;
    }

    public static LearningRateSchedule of(Decay decay, float baseRate, long totalIterations) {
        return new LearningRateSchedule(decay, baseRate, totalIterations, 0);
    }

    public static LearningRateSchedule step(float baseRate, long totalIterations) {
        return of(Decay.STEP, baseRate, totalIterations);
    }

    public static LearningRateSchedule cosine(float baseRate, long totalIterations) {
        return of(Decay.COSINE, baseRate, totalIterations);
    }

    /** The same schedule, scaled by {@code (i + 1) / iterations} for the first iterations. */
    public LearningRateSchedule withLinearWarmup(int iterations) {
        return new LearningRateSchedule(decay, baseRate, totalIterations, iterations);
    }

    /** The rate for the given 0-based iteration; iterations past the end keep the final rate. */
    public float at(long iteration) {
        if (iteration < 0) {
            throw new IllegalArgumentException("iteration must be >= 0, got " + iteration);
        }
        long i = Math.min(iteration, totalIterations);
        double rate =
                switch (decay) {
                    case STEP -> {
                        int drops =
                                (i >= totalIterations / 2 ? 1 : 0)
                                        + (i >= totalIterations * 3 / 4 ? 1 : 0);
                        yield baseRate * Math.pow(0.1, drops);
                    }
                    case COSINE -> baseRate * (1 + Math.cos(Math.PI * i / totalIterations)) / 2;
                };
        if (iteration < linearWarmupIterations) {
            rate *= (iteration + 1) / (double) linearWarmupIterations;
        }
        return (float) rate;
    }

    public Decay decay() {
        return decay;
    }

    public float baseRate() {
        return baseRate;
    }

    public long totalIterations() {
        return totalIterations;
    }

    public int linearWarmupIterations() {
        return linearWarmupIterations;
    }
}
