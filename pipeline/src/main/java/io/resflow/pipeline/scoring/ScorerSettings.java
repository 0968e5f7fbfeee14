package io.resflow.pipeline.scoring;

import io.resflow.pipeline.scoring.BatchScoringFunction.DeviceChoice;
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
 * @param inferenceThreads TensorFlow intra-op threads, 0 for one per core
 * @param threadSpinning whether TensorFlow's idle threads spin (only worth it when inference has the CPU to itself)
 * @param device where the model runs
 */
public record ScorerSettings(int maxBatchSize, Duration maxBatchDelay, int concurrentBatches, int inferenceThreads,
        boolean threadSpinning, DeviceChoice device) implements Serializable {

    public ScorerSettings {
        if (maxBatchSize < 1 || concurrentBatches < 1 || inferenceThreads < 0 || maxBatchDelay.isNegative()) {
            throw new IllegalArgumentException("Invalid scorer settings: " + describe(maxBatchSize, maxBatchDelay,
                    concurrentBatches, inferenceThreads, threadSpinning, device));
        }
    }

    /** These settings with another batch size. */
    public ScorerSettings withMaxBatchSize(int size) {
        return new ScorerSettings(size, maxBatchDelay, concurrentBatches, inferenceThreads, threadSpinning, device);
    }

    /** These settings with another number of batches scored side by side. */
    public ScorerSettings withConcurrentBatches(int batches) {
        return new ScorerSettings(maxBatchSize, maxBatchDelay, batches, inferenceThreads, threadSpinning, device);
    }

    /**
     * TensorFlow's session threads for these settings: a thread count bounds both of its pools, as
     * each would otherwise size itself from the host's cores, not a container's CPU limit.
     */
    public SessionThreads sessionThreads() {
        SessionThreads threads = SessionThreads.tensorFlowDefaults().withSpinning(threadSpinning);
        return inferenceThreads == 0 ? threads : threads.withIntraOp(inferenceThreads).withInterOp(inferenceThreads);
    }

    @Override
    public String toString() {
        return describe(maxBatchSize, maxBatchDelay, concurrentBatches, inferenceThreads, threadSpinning, device);
    }

    private static String describe(int maxBatchSize, Duration maxBatchDelay, int concurrentBatches,
            int inferenceThreads, boolean threadSpinning, DeviceChoice device) {
        return "batch=" + maxBatchSize + "/delay=" + maxBatchDelay.toMillis() + "ms/concurrent=" + concurrentBatches
                + "/threads=" + (inferenceThreads == 0 ? "auto" : inferenceThreads) + "/spinning=" + threadSpinning
                + "/device=" + device;
    }
}
