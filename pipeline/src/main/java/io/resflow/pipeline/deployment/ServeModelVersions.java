package io.resflow.pipeline.deployment;

import ai.djl.Device;
import io.resflow.pipeline.records.ModelInput;
import io.resflow.pipeline.records.ModelUpdateRecord;
import io.resflow.pipeline.records.ModelVersion;
import io.resflow.pipeline.records.VersionedInput;
import io.resflow.pipeline.registry.ModelRegistry;
import io.resflow.pipeline.scoring.ModelScorers;
import io.resflow.pipeline.scoring.ScorerSettings;
import io.resflow.pipeline.scoring.SharedBatchScorers;
import io.resflow.runtime.metadata.ModelMetadata;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Consumer;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.BroadcastState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.core.fs.Path;
import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.runtime.state.FunctionSnapshotContext;
import org.apache.flink.streaming.api.checkpoint.CheckpointedFunction;
import org.apache.flink.streaming.api.functions.co.BroadcastProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code serve-model-versions} operator: reads the control topic as a broadcast stream, keeps
 * the {@link DeploymentState} in Flink's checkpointed broadcast state, and stamps each model input
 * with the version that is to score it. A deployed version loads on a thread of its own beside the
 * serving one ({@link ModelSwitch}, into the TaskManager's shared scorers), and the stamp changes
 * between two frames once it has warmed up: no frame waits for a load. Its answers (LOADED,
 * REFUSED) go out on {@link #ANSWERS}, to the control topic through the job's exactly-once sink.
 *
 * <p>After a failure the subtask starts with the primary of the restored state, not the command
 * line's model; if that version no longer loads it falls back to the one before and says so.
 */
public final class ServeModelVersions
        extends BroadcastProcessFunction<ModelInput, ModelUpdateRecord, VersionedInput>
        implements CheckpointedFunction {

    private static final long serialVersionUID = 1L;

    private static final Logger LOG = LoggerFactory.getLogger(ServeModelVersions.class);

    public static final String UID = "serve-model-versions";

    /** The broadcast state: the deployment under {@link #PRIMARY_KEY}. */
    public static final MapStateDescriptor<String, DeploymentState> STATE =
            new MapStateDescriptor<>(
                    "model-deployments", Types.STRING, TypeInformation.of(DeploymentState.class));

    /** The job's answers on the control topic. */
    public static final OutputTag<ModelUpdateRecord> ANSWERS =
            new OutputTag<>("model-update-answers", TypeInformation.of(ModelUpdateRecord.class));

    private static final String PRIMARY_KEY = "primary";

    private final ModelMetadata model;
    private final ModelVersion initial;
    private final String registry;
    private final ScorerSettings settings;

    private transient DeploymentState restored;
    private transient int subtask;
    private transient ExecutorService loads;
    private transient ModelSwitch<SharedBatchScorers.Lease> versions;
    private transient Map<ModelVersion, String> requestedBy;
    private transient List<ModelUpdateRecord> answers;

    /**
     * @param model the metadata of the model the job was built for: candidates must take the same
     *     input and have the same labels
     * @param initial that model's version and folder, served until a command says otherwise
     * @param registry the model registry's root ({@code --model-registry}), or null: then DEPLOY
     *     commands must carry their location
     */
    public ServeModelVersions(
            ModelMetadata model, ModelVersion initial, String registry, ScorerSettings settings) {
        this.model = model;
        this.initial = initial;
        this.registry = registry;
        this.settings = settings;
    }

    @Override
    public void initializeState(FunctionInitializationContext context) throws Exception {
        BroadcastState<String, DeploymentState> state =
                context.getOperatorStateStore().getBroadcastState(STATE);
        restored = state.get(PRIMARY_KEY);
    }

    @Override
    public void snapshotState(FunctionSnapshotContext context) {
        // Flink snapshots the broadcast state itself; what is loading is not state: a restored
        // subtask loads the primary the state names.
    }

    @Override
    public void open(OpenContext openContext) {
        subtask = getRuntimeContext().getTaskInfo().getIndexOfThisSubtask();
        Device device = ModelScorers.device(settings, subtask);
        loads =
                Executors.newSingleThreadExecutor(
                        r -> {
                            Thread thread = new Thread(r, "resflow-model-loader-" + subtask);
                            thread.setDaemon(true);
                            return thread;
                        });
        versions =
                new ModelSwitch<>(
                        version ->
                                CompletableFuture.supplyAsync(
                                        () ->
                                                ModelScorers.acquire(
                                                        version.location(), device, settings),
                                        loads),
                        System::currentTimeMillis);
        requestedBy = new HashMap<>();
        answers = new ArrayList<>();
        DeploymentState start = restored != null ? restored : DeploymentState.serving(initial);
        if (restored != null) {
            LOG.info("Restored deployment state: {}", restored);
        }
        try {
            versions.start(
                    start.primary(),
                    ModelScorers.acquire(start.primary().location(), device, settings));
        } catch (RuntimeException e) {
            if (start.previous() == null) {
                throw e;
            }
            LOG.warn("{} does not load after the restart; serving {}", start.primary(), e);
            answers.add(
                    ModelUpdates.refused(
                            start.primary().name(),
                            start.primary().version(),
                            start.since(),
                            Refusal.of(e),
                            ModelUpdates.job(subtask),
                            Map.of("subtask", Integer.toString(subtask))));
            versions.start(
                    start.previous(),
                    ModelScorers.acquire(start.previous().location(), device, settings));
        }
    }

    @Override
    public void processElement(
            ModelInput input, ReadOnlyContext ctx, Collector<VersionedInput> out) {
        answer(answer -> ctx.output(ANSWERS, answer));
        out.collect(new VersionedInput(input, versions.serving()));
    }

    @Override
    public void processBroadcastElement(
            ModelUpdateRecord update, Context ctx, Collector<VersionedInput> out) throws Exception {
        BroadcastState<String, DeploymentState> state = ctx.getBroadcastState(STATE);
        DeploymentState current = state.get(PRIMARY_KEY);
        if (current == null) {
            current = DeploymentState.serving(initial);
        }
        if (update.isCommand()) {
            DeploymentState.Decision decision = current.decide(update, model, candidates());
            if (decision instanceof DeploymentState.Accepted accepted) {
                LOG.info("{} {}: loading {}", update.kind(), update.id(), accepted.load());
                state.put(PRIMARY_KEY, accepted.next());
                requestedBy.put(accepted.load(), update.id());
                versions.target(accepted.load());
            } else if (decision instanceof DeploymentState.Refused refused) {
                LOG.warn("{} {} refused: {}", update.kind(), update.id(), refused.refusal());
                // Every subtask decides alike from the same state and files; one answers.
                if (subtask == 0) {
                    answers.add(
                            ModelUpdates.refused(
                                    update.modelName(),
                                    update.modelVersion(),
                                    update.id(),
                                    refused.refusal(),
                                    ModelUpdates.job(subtask),
                                    Map.of()));
                }
            }
        } else {
            DeploymentState next = current.apply(update);
            if (!next.equals(current)) {
                LOG.info("{} of {}: now {}", update.kind(), update.modelVersion(), next);
                state.put(PRIMARY_KEY, next);
                versions.target(next.primary());
            }
        }
        answer(answer -> ctx.output(ANSWERS, answer));
    }

    /** Switches to a loaded version and emits what there is to answer; never waits. */
    private void answer(Consumer<ModelUpdateRecord> emit) {
        for (ModelSwitch.Event event : versions.poll()) {
            if (event instanceof ModelSwitch.Switched switched) {
                LOG.info(
                        "Subtask {} scores with {} (was {}), loaded in {} ms",
                        subtask,
                        switched.to(),
                        switched.from(),
                        switched.loadMillis());
                answers.add(
                        ModelUpdates.loaded(
                                switched.to(),
                                requestedBy.remove(switched.to()),
                                ModelUpdates.job(subtask),
                                Map.of(
                                        "subtask", Integer.toString(subtask),
                                        "replaced", switched.from().toString(),
                                        "loadMillis", Long.toString(switched.loadMillis()))));
            } else if (event instanceof ModelSwitch.Failed failed) {
                Refusal refusal = Refusal.of(failed.cause());
                LOG.warn("Subtask {} refuses {}: {}", subtask, failed.version(), refusal);
                answers.add(
                        ModelUpdates.refused(
                                failed.version().name(),
                                failed.version().version(),
                                requestedBy.remove(failed.version()),
                                refusal,
                                ModelUpdates.job(subtask),
                                Map.of("subtask", Integer.toString(subtask))));
            }
        }
        for (ModelUpdateRecord answer : answers) {
            emit.accept(answer);
        }
        answers.clear();
    }

    private DeploymentState.Candidates candidates() {
        return new DeploymentState.Candidates() {
            @Override
            public Optional<String> locate(String name, String version) {
                return registry == null
                        ? Optional.empty()
                        : Optional.of(
                                ModelRegistry.uri(
                                        ModelRegistry.at(registry).location(name, version)));
            }

            @Override
            public ModelMetadata metadata(ModelVersion version) throws IOException {
                return ModelRegistry.metadata(new Path(version.location()));
            }
        };
    }

    @Override
    public void close() {
        if (versions != null) {
            versions.close();
        }
        if (loads != null) {
            loads.shutdownNow();
        }
    }
}
