package io.resflow.pipeline.scoring;

import ai.djl.Device;
import io.resflow.pipeline.metrics.PipelineMetrics;
import io.resflow.pipeline.records.ModelInput;
import io.resflow.pipeline.records.ScoredFrame;
import io.resflow.runtime.device.Devices;
import io.resflow.runtime.tensorflow.TensorFlowRuntime;
import io.resflow.schema.ErrorKind;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.MetricGroup;
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

    private final String modelDirectory;
    private final String modelName;
    private final String modelVersion;
    private final ScorerSettings settings;

    private transient SharedBatchScorers.Lease lease;

    /** Each waiting input's request, by identity: Flink hands {@link #timeout} the same object. */
    private transient Map<ModelInput, CompletableFuture<BatchScorer.Scores>> waiting;

    /**
     * @param modelName the name in the model's metadata, a label of the {@link
     *     PipelineMetrics#MODEL_LOADED} gauge
     * @param modelVersion the version in the model's metadata, the gauge's other label
     */
    public BatchScoringFunction(
            Path modelDirectory, String modelName, String modelVersion, ScorerSettings settings) {
        this.modelDirectory = modelDirectory.toAbsolutePath().toString();
        this.modelName = modelName;
        this.modelVersion = modelVersion;
        this.settings = settings;
    }

    @Override
    public void open(OpenContext openContext) {
        registerMetrics(getRuntimeContext().getMetricGroup());
        int slot = getRuntimeContext().getTaskInfo().getIndexOfThisSubtask();
        Device device =
                switch (settings.device()) {
                    case CPU -> Device.cpu();
                    case AUTO -> Devices.forSlot(TensorFlowRuntime.engine(), slot);
                    case GPU -> Devices.requireGpu(TensorFlowRuntime.engine(), slot);
                };
        String key = modelDirectory + "@" + device + "/" + settings;
        waiting = Collections.synchronizedMap(new IdentityHashMap<>());
        lease =
                SharedBatchScorers.acquire(
                        key,
                        () -> {
                            SavedModelBatchModel model;
                            try {
                                model =
                                        SavedModelBatchModel.open(
                                                Path.of(modelDirectory),
                                                device,
                                                settings.sessionThreads());
                            } catch (IOException e) {
                                throw new UncheckedIOException(
                                        "Cannot load the model at "
                                                + modelDirectory
                                                + ": "
                                                + e.getMessage(),
                                        e);
                            }
                            try {
                                return new BatchScorer(
                                                model,
                                                settings.maxBatchSize(),
                                                settings.maxBatchDelay(),
                                                settings.concurrentBatches())
                                        .warmUpAndStart();
                            } catch (RuntimeException | Error e) {
                                // E.g. a GPU out of memory at the warm-up batch: every restart
                                // would leak another session.
                                try {
                                    model.close();
                                } catch (RuntimeException closing) {
                                    e.addSuppressed(closing);
                                }
                                throw e;
                            }
                        });
    }

    /**
     * The model version as labels ({model_name=..., model_version=...} in Prometheus). 1 once this
     * TaskManager's scorer has loaded and warmed it up, 0 before: {@link #open} registers it before
     * it acquires the scorer, so a model that is loading, or fails to load, does not look served.
     * Apart from {@link #open} so the metric catalogue (k8s tests) can read it without a model.
     */
    void registerMetrics(MetricGroup metrics) {
        metrics.addGroup(PipelineMetrics.MODEL_NAME_GROUP, modelName)
                .addGroup(PipelineMetrics.MODEL_VERSION_GROUP, modelVersion)
                .gauge(
                        PipelineMetrics.MODEL_LOADED,
                        () -> SharedBatchScorers.serves(modelName, modelVersion) ? 1 : 0);
    }

    @Override
    public void asyncInvoke(ModelInput input, ResultFuture<ScoredFrame> resultFuture) {
        CompletableFuture<BatchScorer.Scores> request = lease.scorer().submit(input.values());
        waiting.put(input, request);
        request.whenComplete(
                (scores, error) -> {
                    waiting.remove(input);
                    if (error instanceof CancellationException) {
                        return; // timed out: timeout() has answered for it
                    }
                    if (error == null) {
                        resultFuture.complete(
                                List.of(
                                        new ScoredFrame(
                                                input.id(),
                                                input.source(),
                                                input.captureTime(),
                                                input.groundTruthLabel(),
                                                scores.probabilities(),
                                                scores.batchSize(),
                                                scores.queueWaitMicros(),
                                                scores.inferenceMicros(),
                                                null,
                                                null,
                                                input.original())));
                    } else {
                        Throwable cause =
                                error instanceof CompletionException && error.getCause() != null
                                        ? error.getCause()
                                        : error;
                        resultFuture.complete(
                                List.of(
                                        failed(
                                                input,
                                                ErrorKind.MODEL_ERROR,
                                                "scoring failed: " + cause)));
                    }
                });
    }

    @Override
    public void timeout(ModelInput input, ResultFuture<ScoredFrame> resultFuture) {
        resultFuture.complete(
                List.of(
                        failed(
                                input,
                                ErrorKind.TIMEOUT,
                                "not scored within the async timeout (--async-timeout): the job is"
                                        + " behind")));
        // Take it out of the scorer's queue: scored later, its result would be thrown away, and
        // under a backlog
        // the frames behind it would time out in turn.
        CompletableFuture<BatchScorer.Scores> request = waiting.remove(input);
        if (request != null) {
            request.cancel(false);
        }
    }

    private static ScoredFrame failed(ModelInput input, ErrorKind kind, String reason) {
        return new ScoredFrame(
                input.id(),
                input.source(),
                input.captureTime(),
                input.groundTruthLabel(),
                null,
                0,
                0,
                0,
                reason,
                kind,
                input.original());
    }

    @Override
    public void close() {
        if (lease != null) {
            lease.close();
            lease = null;
        }
    }
}
