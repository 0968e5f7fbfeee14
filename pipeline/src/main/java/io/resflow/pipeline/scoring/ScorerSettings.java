package io.resflow.pipeline.scoring;

import io.resflow.runtime.savedmodel.SessionThreads;
import java.io.Serializable;
import java.time.Duration;

/**
 * How a TaskManager's shared {@link BatchScorer} batches and runs the model. Slots whose settings
 * are equal share one scorer.
 *
 * @param maxBatchSize most images per model call
 * @param maxBatchDelay longest the oldest image of a batch waits for it to fill
 * @param concurrentBatches batches predicted at the same time (one thread each)
 * @param inferenceThreads threads in each of TensorFlow's CPU pools, 0 for one per CPU this JVM may
 *     use
 * @param threadSpinning whether TensorFlow's idle threads spin (only worth it when inference has
 *     the CPU to itself)
 * @param device where the model runs
 */
public record ScorerSettings(
        int maxBatchSize,
        Duration maxBatchDelay,
        int concurrentBatches,
        int inferenceThreads,
        boolean threadSpinning,
        DeviceChoice device)
        implements Serializable {

    public ScorerSettings {
        if (maxBatchSize < 1
                || concurrentBatches < 1
                || inferenceThreads < 0
                || maxBatchDelay.isNegative()) {
            throw new IllegalArgumentException(
                    "Invalid scorer settings: "
                            + describe(
                                    maxBatchSize,
                                    maxBatchDelay,
                                    concurrentBatches,
                                    inferenceThreads,
                                    threadSpinning,
                                    device));
        }
    }

    /** These settings with another batch size. */
    public ScorerSettings withMaxBatchSize(int size) {
        return new ScorerSettings(
                size, maxBatchDelay, concurrentBatches, inferenceThreads, threadSpinning, device);
    }

    /** These settings with another number of batches scored side by side. */
    public ScorerSettings withConcurrentBatches(int batches) {
        return new ScorerSettings(
                maxBatchSize, maxBatchDelay, batches, inferenceThreads, threadSpinning, device);
    }

    /**
     * TensorFlow's session threads for these settings, on the JVM that calls this (the
     * TaskManager's): a thread count bounds both of its pools. Unset (0), the count is the JVM's
     * CPUs, which honour a container's CPU limit; TensorFlow's own "one per core" counts the node's
     * cores (tensorflow/tensorflow#17206) and on a large node would start far more threads than the
     * limit lets run.
     */
    public SessionThreads sessionThreads() {
        return sessionThreads(inferenceThreads, threadSpinning);
    }

    /**
     * {@link #sessionThreads()} for an {@code --inference-threads} and spinning setting, on this
     * JVM.
     */
    public static SessionThreads sessionThreads(int inferenceThreads, boolean threadSpinning) {
        int threads =
                inferenceThreads == 0
                        ? Runtime.getRuntime().availableProcessors()
                        : inferenceThreads;
        return SessionThreads.tensorFlowDefaults()
                .withSpinning(threadSpinning)
                .withIntraOp(threads)
                .withInterOp(threads);
    }

    @Override
    public String toString() {
        return describe(
                maxBatchSize,
                maxBatchDelay,
                concurrentBatches,
                inferenceThreads,
                threadSpinning,
                device);
    }

    private static String describe(
            int maxBatchSize,
            Duration maxBatchDelay,
            int concurrentBatches,
            int inferenceThreads,
            boolean threadSpinning,
            DeviceChoice device) {
        return "batch="
                + maxBatchSize
                + "/delay="
                + maxBatchDelay.toMillis()
                + "ms/concurrent="
                + concurrentBatches
                + "/threads="
                + (inferenceThreads == 0 ? "auto" : inferenceThreads)
                + "/spinning="
                + threadSpinning
                + "/device="
                + device;
    }
}
