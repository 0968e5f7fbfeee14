package io.resflow.bench;

import ai.djl.Device;
import io.resflow.datasets.LabelledImages;
import io.resflow.kafka.embedded.EmbeddedKafka;
import io.resflow.localflink.LocalFlink;
import io.resflow.pipeline.scoring.ScorerSettings;
import io.resflow.runtime.savedmodel.SavedModelClassifier;
import io.resflow.runtime.savedmodel.SessionThreads;
import io.resflow.schema.ImageEncoding;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Runs every measurement of BENCHMARKS.md in one process, one after the other on the same
 * machine, so the ratios compare like with like.
 */
public final class Benchmarks {

    /** What to run. */
    public record Plan(Path model, LabelledImages images, int batchSize, List<Integer> sweep, long millisPerPoint,
            int framesPerSegment, int segments, int warmUpSegments, int parallelism, Duration latencyDuration,
            List<Double> loadFractions,
            ScorerSettings scorer) {

        public Plan {
            if (scorer.maxBatchSize() != batchSize) {
                throw new IllegalArgumentException("the scorer's batch size must be the plan's " + batchSize);
            }
            if (segments < 1 || framesPerSegment < 1 || warmUpSegments < 0) {
                throw new IllegalArgumentException("a pipeline run needs at least one measured segment of one frame");
            }
        }
    }

    private Benchmarks() {}

    public static void run(Plan plan, String machine, String command, Path markdown, Path plots, Consumer<String> log)
            throws Exception {
        // The test images as the model takes them: NCHW, scaled by 1/255, exactly as the pipeline feeds them.
        float[] inputs = plan.images().toNchw(0, plan.images().size(), 1f / 255);
        // TensorFlow's defaults, and the pipeline's own thread settings when they differ: both are measured next to
        // every pipeline run and the better is its reference, so a setting that helps the pipeline but slows the
        // bare engine cannot make the ratio look better than it is.
        boolean ownSettings = !plan.scorer().sessionThreads().equals(SessionThreads.tensorFlowDefaults())
                || plan.scorer().concurrentBatches() > 1;
        try (JitMonitor jit = JitMonitor.start();
                EmbeddedKafka kafka = EmbeddedKafka.builder().build().start();
                LocalFlink flink = LocalFlink.start(plan.parallelism(), "9260-9270", "8092-8102");
                SavedModelClassifier defaultsModel = SavedModelClassifier.open(plan.model(), Device.cpu());
                SavedModelClassifier pipelineModel = ownSettings
                        ? SavedModelClassifier.open(plan.model(), Device.cpu(), plan.scorer().sessionThreads())
                        : null) {
            String modelDescription = defaultsModel.metadata().name() + " " + defaultsModel.metadata().version() + " ("
                    + defaultsModel.metadata().architecture() + ", " + defaultsModel.metadata().parameterCount()
                    + " parameters)";
            RawEngineBenchmark defaults = new RawEngineBenchmark(defaultsModel, inputs, plan.millisPerPoint());
            Optional<RawEngineBenchmark> asPipeline = Optional.ofNullable(pipelineModel)
                    .map(m -> new RawEngineBenchmark(m, inputs, plan.millisPerPoint()));
            List<RawEngineBenchmark.Point> sweep = new ArrayList<>();
            for (int batch : plan.sweep()) {
                RawEngineBenchmark.Point point = defaults.measure(batch);
                log.accept(String.format("raw engine, batch %3d: %8.0f images/s", batch, point.imagesPerSecond()));
                sweep.add(point);
            }

            PipelineBenchmark pipeline = new PipelineBenchmark(kafka, flink, jit, plan.model(), plan.images(),
                    plan.parallelism(), plan.scorer());
            // Unmeasured: on 2 cores the JIT compiling Flink's, Kafka's and our code paths takes up to a core for
            // the JVM's first minutes of pipeline work, and every measured run would pay for part of it.
            Optional<PipelineBenchmark.Throughput> jvmWarmUp = Optional.empty();
            if (plan.warmUpSegments() > 0) {
                PipelineBenchmark.Throughput w = pipeline.throughput(plan.batchSize(), plan.framesPerSegment(),
                        plan.warmUpSegments(), ImageEncoding.PNG);
                log.accept(String.format("pipeline warm-up job (not measured): segments %s images/s, JIT %s",
                        String.join(" ", w.measured().stream()
                                .map(seg -> String.format("%.0f", seg.imagesPerSecond())).toList()),
                        String.join(" ", w.measured().stream().map(seg -> String.format("%.2f", seg.jitLoad()))
                                .toList())));
                jvmWarmUp = Optional.of(w);
            }
            SideBySideRuns runs = new SideBySideRuns(defaults, asPipeline, pipeline, plan, log);
            // One record at a time is ~4x slower: a quarter of the frames keeps its segments as long in time.
            int perRecordFrames = Math.max(500, plan.framesPerSegment() / 4);
            SideBySide batched = runs.run(plan.batchSize(), plan.framesPerSegment(), ImageEncoding.PNG);
            SideBySide batchedRawU8 = runs.run(plan.batchSize(), plan.framesPerSegment(), ImageEncoding.RAW_U8);
            SideBySide perRecord = runs.run(1, perRecordFrames, ImageEncoding.PNG);
            SideBySide perRecordRawU8 = runs.run(1, perRecordFrames, ImageEncoding.RAW_U8);

            List<PipelineBenchmark.Latency> latencies = new ArrayList<>();
            for (double fraction : plan.loadFractions()) {
                double rate = fraction * batched.pipeline().imagesPerSecond();
                PipelineBenchmark.Latency latency = pipeline.latency(plan.batchSize(), rate, plan.latencyDuration());
                log.accept(String.format("latency at %.0f%% of max (%.0f/s): p50 %.1f ms, p99 %.1f ms", fraction * 100,
                        rate, latency.p50Millis(), latency.p99Millis()));
                latencies.add(latency);
            }
            BenchmarkReport.Results results = new BenchmarkReport.Results(modelDescription, machine, command,
                    plan.batchSize(), sweep, plan.scorer().toString(), jvmWarmUp, batched, batchedRawU8, perRecord,
                    perRecordRawU8, latencies);
            BenchmarkReport.write(results, markdown, plots);
            log.accept(String.format("pipeline/raw = %.2f (RAW_U8 frames %.2f)   batched/per-record = %.1f (RAW_U8"
                            + " frames %.1f)", results.pipelineOverRaw(), results.rawU8OverRaw(),
                    results.batchedOverPerRecord(), results.rawU8BatchedOverPerRecord()));
        }
    }

    /** The raw engine in one configuration, measured just before and just after a pipeline run. */
    record RawAround(RawEngineBenchmark.Point before, RawEngineBenchmark.Point after) {

        double imagesPerSecond() {
            return (before.imagesPerSecond() + after.imagesPerSecond()) / 2;
        }
    }

    /**
     * A pipeline run and the raw engine at the same batch size around it, so the two see the same
     * machine (its speed drifts by tens of percent over minutes here): with TensorFlow's defaults,
     * and with the pipeline's own settings when they differ.
     */
    record SideBySide(PipelineBenchmark.Throughput pipeline, RawAround defaults, Optional<RawAround> asPipeline) {

        /** The better raw configuration's mean: the run's reference. */
        double rawImagesPerSecond() {
            return Math.max(defaults.imagesPerSecond(), asPipeline.map(RawAround::imagesPerSecond).orElse(0.0));
        }

        double ratio() {
            return pipeline.imagesPerSecond() / rawImagesPerSecond();
        }
    }

    private record SideBySideRuns(RawEngineBenchmark defaults, Optional<RawEngineBenchmark> asPipeline,
            PipelineBenchmark pipeline, Plan plan, Consumer<String> log) {

        SideBySide run(int maxBatchSize, int framesPerSegment, ImageEncoding encoding) throws Exception {
            // One record at a time means one prediction at a time, in the pipeline as here.
            int callers = maxBatchSize == 1 ? 1 : plan.scorer().concurrentBatches();
            RawEngineBenchmark.Point defaultsBefore = defaults.measure(maxBatchSize);
            Optional<RawEngineBenchmark.Point> ownBefore = asPipeline.map(r -> r.measure(maxBatchSize, callers));
            PipelineBenchmark.Throughput run = pipeline.throughput(maxBatchSize, framesPerSegment, plan.segments(),
                    encoding);
            Optional<RawEngineBenchmark.Point> ownAfter = asPipeline.map(r -> r.measure(maxBatchSize, callers));
            RawEngineBenchmark.Point defaultsAfter = defaults.measure(maxBatchSize);
            SideBySide result = new SideBySide(run, new RawAround(defaultsBefore, defaultsAfter),
                    ownBefore.map(before -> new RawAround(before, ownAfter.orElseThrow())));
            StringBuilder segments = new StringBuilder();
            for (PipelineBenchmark.Segment s : run.measured()) {
                segments.append(String.format(" %.0f (JIT %.2f)", s.imagesPerSecond(), s.jitLoad()));
            }
            log.accept(String.format("pipeline, %s, max batch %d: %.0f images/s, median of%s; warm-up segment %.0f"
                            + " (JIT %.2f); raw engine around it %.0f / %.0f%s -> %.2f", encoding, maxBatchSize,
                    run.imagesPerSecond(), segments, run.warmUp().imagesPerSecond(), run.warmUp().jitLoad(),
                    defaultsBefore.imagesPerSecond(), defaultsAfter.imagesPerSecond(),
                    result.asPipeline().map(r -> String.format(", with the pipeline's settings %.0f / %.0f",
                            r.before().imagesPerSecond(), r.after().imagesPerSecond())).orElse(""),
                    result.ratio()));
            return result;
        }
    }
}
