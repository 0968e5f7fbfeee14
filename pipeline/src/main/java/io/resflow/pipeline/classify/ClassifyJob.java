package io.resflow.pipeline.classify;

import static io.resflow.pipeline.classify.ClassifyJobOptions.ALLOWED_LATENESS;
import static io.resflow.pipeline.classify.ClassifyJobOptions.ASYNC_CAPACITY;
import static io.resflow.pipeline.classify.ClassifyJobOptions.ASYNC_TIMEOUT;
import static io.resflow.pipeline.classify.ClassifyJobOptions.BOUNDED;
import static io.resflow.pipeline.classify.ClassifyJobOptions.CHECKPOINT_INTERVAL;
import static io.resflow.pipeline.classify.ClassifyJobOptions.CONFIDENCE_THRESHOLD;
import static io.resflow.pipeline.classify.ClassifyJobOptions.IDLENESS;
import static io.resflow.pipeline.classify.ClassifyJobOptions.MODEL_REGISTRY;
import static io.resflow.pipeline.classify.ClassifyJobOptions.OUT_OF_ORDERNESS;
import static io.resflow.pipeline.classify.ClassifyJobOptions.PARALLELISM;
import static io.resflow.pipeline.classify.ClassifyJobOptions.RESIZE;
import static io.resflow.pipeline.classify.ClassifyJobOptions.STATS_WINDOW;
import static io.resflow.pipeline.classify.ClassifyJobOptions.TOP_K;

import io.resflow.pipeline.classify.functions.CaptureTimes;
import io.resflow.pipeline.classify.functions.ClockBoundedWatermarks;
import io.resflow.pipeline.classify.functions.DecodeImages;
import io.resflow.pipeline.classify.functions.IdleWatermarks;
import io.resflow.pipeline.classify.functions.LabelCounts;
import io.resflow.pipeline.classify.functions.LateForStats;
import io.resflow.pipeline.classify.functions.PreprocessImages;
import io.resflow.pipeline.deployment.ModelUpdates;
import io.resflow.pipeline.deployment.ServeModelVersions;
import io.resflow.pipeline.kafka.KafkaRecordLimits;
import io.resflow.pipeline.labelling.RoutePredictions;
import io.resflow.pipeline.records.DeadLetterRecord;
import io.resflow.pipeline.records.DecodedImage;
import io.resflow.pipeline.records.LabelStatsRecord;
import io.resflow.pipeline.records.ModelInput;
import io.resflow.pipeline.records.ModelUpdateRecord;
import io.resflow.pipeline.records.ModelVersion;
import io.resflow.pipeline.records.PredictionRecord;
import io.resflow.pipeline.records.RawFrame;
import io.resflow.pipeline.records.ScoredFrame;
import io.resflow.pipeline.records.VersionedInput;
import io.resflow.pipeline.scoring.BatchScoringFunction;
import io.resflow.runtime.images.ImagePreprocessor;
import io.resflow.runtime.metadata.InputSpec;
import io.resflow.runtime.metadata.ModelMetadata;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.api.connector.source.util.ratelimit.RateLimiterStrategy;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.core.execution.CheckpointingMode;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.datastream.AsyncDataStream;
import org.apache.flink.streaming.api.datastream.BroadcastStream;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
import org.apache.flink.streaming.api.windowing.assigners.TumblingEventTimeWindows;

/**
 * The classification job: frames from Kafka are decoded and validated, converted to the model's
 * input, scored in batches by a ResNet SavedModel on DJL's TensorFlow engine, and written out as
 * labels, a retraining feed, windowed label statistics and dead letters.
 *
 * <pre>
 * images ─ decode-images ─ preprocess-images ─ serve-model-versions ─ score-images ─ route-predictions ─ labels
 *           │                  │        model-updates ─┘  └─ answers ─ model-updates        │           ├─ retraining
 *           └──────────────────┴─────────── dead-letters ───────────────────────────────────┘           └─ label-stats
 * </pre>
 *
 * The source and sinks are passed in ({@link #onKafka} wires production's, {@link KafkaIo}); this
 * class is the one place the graph is assembled, for the cluster ({@link #main}), the launcher's
 * commands and the tests alike. Every operator has a stable uid so savepoints survive upgrades.
 */
public final class ClassifyJob {

    public static final String JOB_NAME = "resflow-classify";

    /** Where the job's four outputs and its answers on the control topic go. */
    public record Sinks(
            Sink<PredictionRecord> labels,
            Sink<DeadLetterRecord> deadLetters,
            Sink<RawFrame> retraining,
            Sink<LabelStatsRecord> labelStats,
            Sink<ModelUpdateRecord> modelUpdates) {}

    private final ClassifyJobConfig config;
    private final Source<RawFrame, ?, ?> source;
    private final Source<ModelUpdateRecord, ?, ?> modelUpdates;
    private final Sinks sinks;

    /**
     * The job reading frames from {@code source} and commands about its model from {@code
     * modelUpdates}, and writing {@code sinks}, e.g. bounded ones in a test.
     */
    public ClassifyJob(
            ClassifyJobConfig config,
            Source<RawFrame, ?, ?> source,
            Source<ModelUpdateRecord, ?, ?> modelUpdates,
            Sinks sinks) {
        this.config = config;
        this.source = source;
        this.modelUpdates = modelUpdates;
        this.sinks = sinks;
    }

    /** The job as it runs in production: Kafka in and out through {@link KafkaIo}. */
    public static ClassifyJob onKafka(ClassifyJobConfig config) {
        return new ClassifyJob(
                config,
                KafkaIo.source(config),
                KafkaIo.modelUpdates(config, System.currentTimeMillis()),
                KafkaIo.sinks(config));
    }

    /**
     * Entry point on a Flink cluster (application or session mode): {@code --key value} pairs of
     * {@link ClassifyJobOptions}, production Kafka I/O, the cluster's own environment.
     */
    public static void main(String[] args) throws Exception {
        ClassifyJobConfig config = ClassifyJobConfig.from(ClassifyJobConfig.parseArgs(args));
        onKafka(config).execute(StreamExecutionEnvironment.getExecutionEnvironment());
    }

    /** Builds the graph on {@code env} and runs it until it ends (bounded, cancelled or failed). */
    public JobExecutionResult execute(StreamExecutionEnvironment env) throws Exception {
        build(env);
        return env.execute(JOB_NAME);
    }

    /** Builds the graph on {@code env} and submits it; returns once the cluster has it. */
    public JobClient executeAsync(StreamExecutionEnvironment env) throws Exception {
        return executeAsync(env, JOB_NAME);
    }

    /** As {@link #executeAsync(StreamExecutionEnvironment)}, under another name in the web UI. */
    public JobClient executeAsync(StreamExecutionEnvironment env, String jobName) throws Exception {
        build(env);
        return env.executeAsync(jobName);
    }

    /** The job's graph on {@code env}, checkpointing included. */
    private void build(StreamExecutionEnvironment env) {
        ModelMetadata model = config.metadata();
        InputSpec input = model.input();
        env.setParallelism(config.get(PARALLELISM));
        env.enableCheckpointing(
                config.get(CHECKPOINT_INTERVAL).toMillis(), CheckpointingMode.EXACTLY_ONCE);
        env.getConfig().setGlobalJobParameters(config.configuration());
        // Every function here builds a new record per output and never keeps or changes its input,
        // so chained operators may hand records over without Flink's defensive deep copies (which
        // would copy each frame's bytes and model input at every step).
        env.getConfig().enableObjectReuse();

        // Event time is assigned in the source, so watermarks are kept per Kafka partition
        // (CaptureTimes),
        // and none runs ahead of the TaskManager's clock (ClockBoundedWatermarks).
        Duration outOfOrderness = config.get(OUT_OF_ORDERNESS);
        DataStream<RawFrame> frames =
                env.fromSource(
                                source,
                                WatermarkStrategy.<RawFrame>forGenerator(
                                                context ->
                                                        new ClockBoundedWatermarks<>(
                                                                outOfOrderness))
                                        .withTimestampAssigner(new CaptureTimes())
                                        .withIdleness(config.get(IDLENESS)),
                                "kafka-images")
                        .uid("kafka-images");

        SingleOutputStreamOperator<DecodedImage> decoded =
                frames.process(new DecodeImages()).name("decode-images").uid(DecodeImages.UID);

        SingleOutputStreamOperator<ModelInput> inputs =
                decoded.process(
                                new PreprocessImages(
                                        ImagePreprocessor.forInput(input), config.get(RESIZE)))
                        .name("preprocess-images")
                        .uid(PreprocessImages.UID);

        // The control topic, on every scoring subtask, with a clock that lets a loaded version take
        // over (and its answer go out) while no frame arrives. Neither carries event time: they are
        // idle for watermarks, so they never hold back the frames' windows.
        DataStream<ModelUpdateRecord> control =
                env.fromSource(
                                modelUpdates,
                                WatermarkStrategy.<ModelUpdateRecord>forGenerator(
                                        context -> new IdleWatermarks<>()),
                                "kafka-model-updates")
                        .uid("kafka-model-updates")
                        .setParallelism(1);
        if (!config.get(BOUNDED)) {
            control =
                    control.union(
                            env.fromSource(
                                            new DataGeneratorSource<>(
                                                    index -> ModelUpdates.tick(),
                                                    Long.MAX_VALUE,
                                                    RateLimiterStrategy.perSecond(
                                                            ModelUpdates.TICKS_PER_SECOND),
                                                    TypeInformation.of(ModelUpdateRecord.class)),
                                            WatermarkStrategy.<ModelUpdateRecord>forGenerator(
                                                    context -> new IdleWatermarks<>()),
                                            "model-update-clock")
                                    .uid("model-update-clock")
                                    .setParallelism(1));
        }
        BroadcastStream<ModelUpdateRecord> commands = control.broadcast(ServeModelVersions.STATE);

        SingleOutputStreamOperator<VersionedInput> versioned =
                inputs.connect(commands)
                        .process(
                                new ServeModelVersions(
                                        model,
                                        new ModelVersion(
                                                model.name(),
                                                model.version(),
                                                config.modelPath().toAbsolutePath().toString()),
                                        config.configuration().get(MODEL_REGISTRY),
                                        config.scorerSettings()))
                        .name("serve-model-versions")
                        .uid(ServeModelVersions.UID);

        versioned
                .getSideOutput(ServeModelVersions.ANSWERS)
                .sinkTo(sinks.modelUpdates())
                .name("kafka-model-updates-answers")
                .uid("kafka-model-updates-answers");

        SingleOutputStreamOperator<ScoredFrame> scored =
                AsyncDataStream.unorderedWait(
                                versioned,
                                new BatchScoringFunction(
                                        model.name(), model.version(), config.scorerSettings()),
                                config.get(ASYNC_TIMEOUT).toMillis(),
                                TimeUnit.MILLISECONDS,
                                config.get(ASYNC_CAPACITY))
                        .name("score-images")
                        .uid("score-images");

        SingleOutputStreamOperator<PredictionRecord> predictions =
                scored.process(
                                new RoutePredictions(
                                        model.name(),
                                        model.version(),
                                        model.labels(),
                                        config.get(TOP_K),
                                        config.get(CONFIDENCE_THRESHOLD).floatValue(),
                                        KafkaRecordLimits.MAX_RECORD_BYTES))
                        .name("route-predictions")
                        .uid(RoutePredictions.UID);

        predictions.sinkTo(sinks.labels()).name("kafka-labels").uid("kafka-labels");

        predictions
                .getSideOutput(RoutePredictions.RETRAINING)
                .sinkTo(sinks.retraining())
                .name("kafka-retraining")
                .uid("kafka-retraining");

        SingleOutputStreamOperator<LabelStatsRecord> labelStats =
                predictions
                        .map(LabelCounts::toLabelEvent)
                        .name("label-events")
                        .uid("label-events")
                        .keyBy(LabelCounts.LabelEvent::source)
                        .window(TumblingEventTimeWindows.of(config.get(STATS_WINDOW)))
                        .allowedLateness(config.get(ALLOWED_LATENESS))
                        .sideOutputLateData(LabelCounts.TOO_LATE)
                        .aggregate(new LabelCounts(), new LabelCounts.ToStats())
                        .name("label-stats")
                        .uid(LabelCounts.UID);
        labelStats.sinkTo(sinks.labelStats()).name("kafka-label-stats").uid("kafka-label-stats");
        labelStats
                .getSideOutput(LabelCounts.TOO_LATE)
                .process(new LateForStats())
                .name("late-for-stats")
                .uid(LateForStats.UID)
                .sinkTo(new DiscardingSink<>())
                .name("late-for-stats-end")
                .uid("late-for-stats-end");

        decoded.getSideOutput(DecodeImages.DEAD_LETTERS)
                .union(
                        inputs.getSideOutput(PreprocessImages.DEAD_LETTERS),
                        predictions.getSideOutput(RoutePredictions.DEAD_LETTERS))
                .sinkTo(sinks.deadLetters())
                .name("kafka-dead-letters")
                .uid("kafka-dead-letters");
    }
}
