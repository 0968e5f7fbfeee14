package io.resflow.pipeline.scoring;

import ai.djl.Device;
import io.resflow.pipeline.classify.records.ModelInput;
import io.resflow.pipeline.classify.records.ScoredFrame;
import io.resflow.runtime.device.Devices;
import io.resflow.runtime.tensorflow.TensorFlowRuntime;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletionException;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.streaming.api.functions.async.ResultFuture;
import org.apache.flink.streaming.api.functions.async.RichAsyncFunction;

/**
 * Flink async I/O around the JVM's shared {@link BatchScorer}: each record waits in the shared
 * batch, and Flink's async operator keeps in-flight records in its checkpointed state, so a record
 * in a half-full batch is scored again after a failure, never lost. A model failure or a timeout
 * becomes a failed {@link ScoredFrame} (routed to dead letters), never a job restart.
 */
public final class BatchScoringFunction extends RichAsyncFunction<ModelInput, ScoredFrame> {

    private static final long serialVersionUID = 1L;

    /** Where the model runs. */
    public enum DeviceChoice {
        /** A GPU per slot, round-robin, when the engine sees GPUs; else the CPU. */
        AUTO,
        CPU
    }

    private final String modelDirectory;
    private final ScorerSettings settings;

    private transient SharedBatchScorers.Lease lease;

    public BatchScoringFunction(Path modelDirectory, ScorerSettings settings) {
        this.modelDirectory = modelDirectory.toAbsolutePath().toString();
        this.settings = settings;
    }

    @Override
    public void open(OpenContext openContext) {
        int slot = getRuntimeContext().getTaskInfo().getIndexOfThisSubtask();
        Device device = settings.device() == DeviceChoice.CPU ? Device.cpu()
                : Devices.forSlot(TensorFlowRuntime.engine(), slot);
        String key = modelDirectory + "@" + device + "/" + settings;
        lease = SharedBatchScorers.acquire(key, () -> {
            try {
                return new BatchScorer(SavedModelBatchModel.open(Path.of(modelDirectory), device, settings.sessionThreads()),
                        settings.maxBatchSize(), settings.maxBatchDelay(), settings.concurrentBatches()).warmUpAndStart();
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot load the model at " + modelDirectory + ": " + e.getMessage(), e);
            }
        });
    }

    @Override
    public void asyncInvoke(ModelInput input, ResultFuture<ScoredFrame> resultFuture) {
        lease.scorer().submit(input.values()).whenComplete((scores, error) -> {
            if (error == null) {
                resultFuture.complete(List.of(new ScoredFrame(input.id(), input.source(), input.captureTime(),
                        input.groundTruthLabel(), scores.probabilities(), scores.batchSize(), scores.queueWaitMicros(),
                        scores.inferenceMicros(), null, input.original())));
            } else {
                Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
                resultFuture.complete(List.of(failed(input, "scoring failed: " + cause)));
            }
        });
    }

    @Override
    public void timeout(ModelInput input, ResultFuture<ScoredFrame> resultFuture) {
        resultFuture.complete(List.of(failed(input, "scoring did not finish within the async timeout")));
    }

    private static ScoredFrame failed(ModelInput input, String reason) {
        return new ScoredFrame(input.id(), input.source(), input.captureTime(), input.groundTruthLabel(), null, 0, 0,
                0, reason, input.original());
    }

    @Override
    public void close() {
        if (lease != null) {
            lease.close();
            lease = null;
        }
    }
}
