package io.resflow.bench;

import ai.djl.Device;
import io.resflow.pipeline.scoring.ScorerSettings;
import io.resflow.runtime.savedmodel.SavedModelClassifier;
import io.resflow.runtime.savedmodel.SessionThreads;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * How far this CPU lets batching go, measured on the bare engine: at the pipeline's batch size,
 * TensorFlow on one thread against all cores (does a second core add throughput?), and at batch 1,
 * TensorFlow's spinning thread pools against pools that sleep and against one thread (candidates
 * for the one-record-at-a-time baseline, the best of which the batching gain is measured against).
 * Each round measures them all back to back, and the medians are reported.
 *
 * @param oneThread images/s at {@code batchSize}, one intra-op and one inter-op thread
 * @param allCores images/s at {@code batchSize}, one thread per core for both pools
 * @param singleSpinning images/s at batch 1, TensorFlow's defaults (idle threads spin)
 * @param singleSleeping images/s at batch 1, one thread per core, idle threads sleep (the
 *     pipeline's default)
 * @param singleOneThread images/s at batch 1, one intra-op and one inter-op thread
 */
record CpuScaling(
        int batchSize,
        int pairs,
        double oneThread,
        double allCores,
        double singleSpinning,
        double singleSleeping,
        double singleOneThread) {

    /** {@code spinningBench}: the engine with TensorFlow's defaults, already open. */
    static CpuScaling measure(
            Path model,
            float[] inputs,
            RawEngineBenchmark spinningBench,
            int batchSize,
            long millisPerPoint,
            int pairs,
            Consumer<String> log)
            throws Exception {
        // ResFlow's default: --inference-threads 0, idle threads sleeping.
        SessionThreads sleeping = ScorerSettings.sessionThreads(0, false);
        try (SavedModelClassifier one =
                        SavedModelClassifier.open(
                                model, Device.cpu(), sleeping.withIntraOp(1).withInterOp(1));
                SavedModelClassifier all =
                        SavedModelClassifier.open(model, Device.cpu(), sleeping)) {
            RawEngineBenchmark oneBench = new RawEngineBenchmark(one, inputs, millisPerPoint);
            RawEngineBenchmark allBench = new RawEngineBenchmark(all, inputs, millisPerPoint);
            List<double[]> rounds = new ArrayList<>();
            for (int i = 0; i < pairs; i++) {
                double[] round = {
                    oneBench.measure(batchSize).imagesPerSecond(),
                    allBench.measure(batchSize).imagesPerSecond(),
                    spinningBench.measure(1).imagesPerSecond(),
                    allBench.measure(1).imagesPerSecond(),
                    oneBench.measure(1).imagesPerSecond()
                };
                log.accept(
                        String.format(
                                "raw engine, batch %d: one thread %.0f, all cores %.0f images/s;"
                                    + " batch 1: threads spinning %.0f, sleeping %.0f, one thread"
                                    + " %.0f images/s",
                                batchSize, round[0], round[1], round[2], round[3], round[4]));
                rounds.add(round);
            }
            return new CpuScaling(
                    batchSize,
                    pairs,
                    median(rounds, 0),
                    median(rounds, 1),
                    median(rounds, 2),
                    median(rounds, 3),
                    median(rounds, 4));
        }
    }

    /**
     * What the cores beyond the first add at the batch size: 1.0 is nothing, 2.0 a second full
     * core.
     */
    double coreScaling() {
        return allCores / oneThread;
    }

    /** The engine's batching gain over the best one-at-a-time baseline. */
    double batchingGain() {
        return Math.max(oneThread, allCores)
                / Math.max(singleOneThread, Math.max(singleSpinning, singleSleeping));
    }

    private static double median(List<double[]> rounds, int column) {
        return Percentiles.median(rounds.stream().mapToDouble(r -> r[column]).toArray());
    }
}
