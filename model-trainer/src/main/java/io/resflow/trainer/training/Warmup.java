package io.resflow.trainer.training;

/**
 * How training starts before the main learning-rate schedule takes over.
 *
 * <ul>
 *   <li>{@link #none()}: the schedule from the first iteration.
 *   <li>{@link #linear(int)}: the schedule's rate scaled by {@code (i + 1) / n} for the first n
 *       iterations (the gradual warm-up of Goyal et al. 2017); a fixed number of iterations.
 *   <li>{@link #untilTrainingErrorBelow(float, float)}: He et al. (2015) §4.2 for the 110-layer
 *       net: "we use 0.01 to warm up the training until the training error is below 80% (about 400
 *       iterations), and then go back to 0.1". The trainer checks the training error of the last
 *       history window (see {@code TrainingConfig.historyInterval}) at the end of each window; the
 *       schedule's iteration count keeps running during the warm-up, as in the paper, whose step
 *       points stay at 32k and 48k.
 * </ul>
 */
public sealed interface Warmup {

    /** No warm-up. */
    record None() implements Warmup {
        @Override
        public String toString() {
            return "none";
        }
    }

    /** Linear ramp over a fixed number of iterations. */
    record Linear(int iterations) implements Warmup {
        public Linear {
            if (iterations <= 0) {
                throw new IllegalArgumentException(
                        "linear warm-up needs a positive number of iterations, got " + iterations);
            }
        }

        @Override
        public String toString() {
            return "linear over " + iterations + " iterations";
        }
    }

    /** A constant low rate until the windowed training error drops below a threshold. */
    record UntilTrainingError(float learningRate, float errorBelow) implements Warmup {
        public UntilTrainingError {
            if (!(learningRate > 0)) {
                throw new IllegalArgumentException(
                        "warm-up learning rate must be positive, got " + learningRate);
            }
            if (!(errorBelow > 0 && errorBelow <= 1)) {
                throw new IllegalArgumentException(
                        "warm-up error threshold must be in (0, 1], got " + errorBelow);
            }
        }

        @Override
        public String toString() {
            return learningRate + " until training error < " + errorBelow;
        }
    }

    static Warmup none() {
        return new None();
    }

    static Warmup linear(int iterations) {
        return new Linear(iterations);
    }

    static Warmup untilTrainingErrorBelow(float errorBelow, float learningRate) {
        return new UntilTrainingError(learningRate, errorBelow);
    }

    /** The paper's 110-layer warm-up: 0.01 until training error is below 80%. */
    static Warmup paper110Layer() {
        return new UntilTrainingError(0.01f, 0.8f);
    }
}
