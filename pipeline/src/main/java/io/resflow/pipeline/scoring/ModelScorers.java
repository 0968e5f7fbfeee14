package io.resflow.pipeline.scoring;

import ai.djl.Device;
import io.resflow.pipeline.registry.ModelRegistry;
import io.resflow.runtime.device.Devices;
import io.resflow.runtime.tensorflow.TensorFlowRuntime;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;

/**
 * Loads a model version into this JVM's {@link SharedBatchScorers}: one place that names a scorer
 * by location, device and settings, so the function that loads a version ahead of a swap and the
 * one that scores with it share one copy.
 */
public final class ModelScorers {

    private ModelScorers() {}

    /** The device a subtask's model runs on, as {@code --device} says. */
    public static Device device(ScorerSettings settings, int subtask) {
        return switch (settings.device()) {
            case CPU -> Device.cpu();
            case AUTO -> Devices.forSlot(TensorFlowRuntime.engine(), subtask);
            case GPU -> Devices.requireGpu(TensorFlowRuntime.engine(), subtask);
        };
    }

    /** The key of the shared scorer for a version's folder on a device. */
    public static String key(String location, Device device, ScorerSettings settings) {
        return location + "@" + device + "/" + settings;
    }

    /**
     * A lease on the shared scorer of the SavedModel at {@code location} (a local path or a Flink
     * file-system URI), loaded and warmed up by the first caller.
     *
     * @throws UncheckedIOException it cannot be read or loaded
     * @throws WarmUpException it loaded but failed its warm-up
     */
    public static SharedBatchScorers.Lease acquire(
            String location, Device device, ScorerSettings settings) {
        return SharedBatchScorers.acquire(
                key(location, device, settings), () -> load(location, device, settings));
    }

    private static BatchScorer load(String location, Device device, ScorerSettings settings) {
        SavedModelBatchModel model;
        try {
            Path folder =
                    ModelRegistry.localFolder(
                            new org.apache.flink.core.fs.Path(location),
                            Path.of(System.getProperty("java.io.tmpdir")));
            model = SavedModelBatchModel.open(folder, device, settings.sessionThreads());
        } catch (IOException e) {
            throw new UncheckedIOException(
                    "Cannot load the model at " + location + ": " + e.getMessage(), e);
        }
        try {
            return new BatchScorer(
                            model,
                            settings.maxBatchSize(),
                            settings.maxBatchDelay(),
                            settings.concurrentBatches())
                    .warmUpAndStart();
        } catch (RuntimeException | Error e) {
            // E.g. a GPU out of memory at the warm-up batch: every retry would leak another
            // session.
            try {
                model.close();
            } catch (RuntimeException closing) {
                e.addSuppressed(closing);
            }
            if (e instanceof Error error) {
                throw error;
            }
            throw new WarmUpException(
                    "the model at " + location + " failed its warm-up: " + e.getMessage(), e);
        }
    }
}
