package io.resflow.pipeline.scoring;

import ai.djl.Device;
import io.resflow.pipeline.metrics.PipelineMetrics;
import io.resflow.pipeline.records.ModelInput;
import io.resflow.pipeline.records.ModelVersion;
import io.resflow.pipeline.records.ScoredFrame;
import io.resflow.pipeline.records.VersionedInput;
import io.resflow.schema.ErrorKind;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.streaming.api.functions.async.ResultFuture;
import org.apache.flink.streaming.api.functions.async.RichAsyncFunction;

/**
 * Flink async I/O around the JVM's shared {@link BatchScorer}s: each record waits in the shared
 * batch of the model version chosen for it upstream ({@link VersionedInput}), and Flink's async
 * operator keeps in-flight records in its checkpointed state, so a record in a half-full batch is
 * scored again after a failure, never lost. A model failure or a timeout becomes a failed {@link
 * ScoredFrame} (routed to dead letters), never a job restart.
 *
 * <p>It holds a lease on every version it has frames in flight for: when frames of a newer version
 * arrive (a hot swap upstream), the older one is let go once its last frame is scored, so its model
 * closes after its last batch, not before.
 */
public final class BatchScoringFunction extends RichAsyncFunction<VersionedInput, ScoredFrame> {

    private static final long serialVersionUID = 1L;

    private final String modelName;
    private final String modelVersion;
    private final ScorerSettings settings;

    private transient Device device;
    private transient MetricGroup metrics;
    private transient Set<ModelVersion> gauged;

    /** The versions this subtask scores with, by location, the newest last. */
    private transient Map<String, Held> held;

    private transient String newest;

    /** Each waiting input's request, by identity: Flink hands {@link #timeout} the same object. */
    private transient Map<VersionedInput, CompletableFuture<BatchScorer.Scores>> waiting;

    private static final class Held {
        final SharedBatchScorers.Lease lease;
        final AtomicInteger inFlight = new AtomicInteger();

        Held(SharedBatchScorers.Lease lease) {
            this.lease = lease;
        }
    }

    /**
     * @param modelName the name in the job's model metadata, a label of the {@link
     *     PipelineMetrics#MODEL_LOADED} gauge
     * @param modelVersion the version the job starts with, the gauge's other label (versions
     *     swapped in later get gauges of their own)
     */
    public BatchScoringFunction(String modelName, String modelVersion, ScorerSettings settings) {
        this.modelName = modelName;
        this.modelVersion = modelVersion;
        this.settings = settings;
    }

    @Override
    public void open(OpenContext openContext) {
        gauged = new HashSet<>();
        registerMetrics(getRuntimeContext().getMetricGroup());
        device =
                ModelScorers.device(
                        settings, getRuntimeContext().getTaskInfo().getIndexOfThisSubtask());
        held = new HashMap<>();
        waiting = Collections.synchronizedMap(new IdentityHashMap<>());
    }

    /**
     * The model version as labels ({model_name=..., model_version=...} in Prometheus). 1 while this
     * TaskManager has loaded and warmed it up, 0 before and after: a model that is loading, or
     * fails to load, or was swapped out, does not look served. Apart from {@link #open} so the
     * metric catalogue (k8s tests) can read it without a model.
     */
    void registerMetrics(MetricGroup metrics) {
        this.metrics = metrics;
        gauge(modelName, modelVersion);
    }

    private void gauge(String name, String version) {
        if (gauged != null && !gauged.add(new ModelVersion(name, version, ""))) {
            return;
        }
        metrics.addGroup(PipelineMetrics.MODEL_NAME_GROUP, name)
                .addGroup(PipelineMetrics.MODEL_VERSION_GROUP, version)
                .gauge(
                        PipelineMetrics.MODEL_LOADED,
                        () -> SharedBatchScorers.serves(name, version) ? 1 : 0);
    }

    @Override
    public void asyncInvoke(VersionedInput versioned, ResultFuture<ScoredFrame> resultFuture) {
        ModelVersion version = versioned.model();
        Held scorer = scorerFor(version);
        ModelInput input = versioned.input();
        scorer.inFlight.incrementAndGet();
        CompletableFuture<BatchScorer.Scores> request =
                scorer.lease.scorer().submit(input.values());
        waiting.put(versioned, request);
        request.whenComplete(
                (scores, error) -> {
                    scorer.inFlight.decrementAndGet();
                    waiting.remove(versioned);
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
                                                input.original(),
                                                version.name(),
                                                version.version())));
                    } else {
                        Throwable cause =
                                error instanceof CompletionException && error.getCause() != null
                                        ? error.getCause()
                                        : error;
                        resultFuture.complete(
                                List.of(
                                        failed(
                                                input,
                                                version,
                                                ErrorKind.MODEL_ERROR,
                                                "scoring failed: " + cause)));
                    }
                });
    }

    /**
     * The lease for a frame's version (upstream holds one already, so this does not load), and
     * releases older versions whose last frame is scored. On the task thread: a scorer thread must
     * not close its own scorer.
     */
    private Held scorerFor(ModelVersion version) {
        Held scorer = held.get(version.location());
        if (scorer == null) {
            scorer = new Held(ModelScorers.acquire(version.location(), device, settings));
            held.put(version.location(), scorer);
            gauge(version.name(), version.version());
        }
        newest = version.location();
        for (Iterator<Map.Entry<String, Held>> it = held.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<String, Held> entry = it.next();
            if (!entry.getKey().equals(newest) && entry.getValue().inFlight.get() == 0) {
                entry.getValue().lease.close();
                it.remove();
            }
        }
        return scorer;
    }

    @Override
    public void timeout(VersionedInput versioned, ResultFuture<ScoredFrame> resultFuture) {
        resultFuture.complete(
                List.of(
                        failed(
                                versioned.input(),
                                versioned.model(),
                                ErrorKind.TIMEOUT,
                                "not scored within the async timeout (--async-timeout): the job is"
                                        + " behind")));
        // Take it out of the scorer's queue: scored later, its result would be thrown away, and
        // under a backlog
        // the frames behind it would time out in turn.
        CompletableFuture<BatchScorer.Scores> request = waiting.remove(versioned);
        if (request != null) {
            request.cancel(false);
        }
    }

    private static ScoredFrame failed(
            ModelInput input, ModelVersion version, ErrorKind kind, String reason) {
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
                input.original(),
                version.name(),
                version.version());
    }

    @Override
    public void close() {
        if (held != null) {
            held.values().forEach(scorer -> scorer.lease.close());
            held.clear();
        }
    }
}
