package io.resflow.bench;

import ai.djl.Device;
import io.resflow.datasets.LabelledImages;
import io.resflow.localstack.LocalStack;
import io.resflow.pipeline.scoring.ScorerSettings;
import io.resflow.runtime.savedmodel.SavedModelClassifier;
import io.resflow.runtime.savedmodel.SessionThreads;
import io.resflow.schema.ImageEncoding;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Runs every measurement of BENCHMARKS.md in one process, one after the other on the same machine,
 * so the ratios compare like with like.
 */
public final class Benchmarks {

    /**
     * Offered rate of the run that finds the maximum with cameras sending, over the backlog rate.
     */
    private static final double OVERLOAD = 1.25;

    /** Alternating measurements of the engine's CPU scaling; the medians are reported. */
    private static final int SCALING_PAIRS = 3;

    /** What to run. */
    public record Plan(
            Path model,
            LabelledImages images,
            int batchSize,
            List<Integer> sweep,
            long millisPerPoint,
            int framesPerSegment,
            int segments,
            Duration warmUp,
            int parallelism,
            Duration latencyDuration,
            List<Double> loadFractions,
            ScorerSettings scorer,
            Duration checkpointInterval) {

        public Plan {
            if (scorer.maxBatchSize() != batchSize) {
                throw new IllegalArgumentException(
                        "the scorer's batch size must be the plan's " + batchSize);
            }
            if (segments < 1 || framesPerSegment < 1 || warmUp.isNegative()) {
                throw new IllegalArgumentException(
                        "a pipeline run needs at least one measured segment of one frame");
            }
        }
    }

    private Benchmarks() {}

    public static void run(
            Plan plan,
            String machine,
            String command,
            Path markdown,
            Path plots,
            Consumer<String> log)
            throws Exception {
        // TensorFlow's defaults, and the pipeline's own thread settings when they differ: both are
        // measured next to
        // every pipeline run and the better is its reference, so a setting that helps the pipeline
        // but slows the
        // bare engine cannot make the ratio look better than it is.
        boolean ownSettings =
                !plan.scorer().sessionThreads().equals(SessionThreads.tensorFlowDefaults())
                        || plan.scorer().concurrentBatches() > 1;
        try (JitMonitor jit = JitMonitor.start();
                LocalStack stack =
                        LocalStack.builder()
                                .optKafka(Map.of())
                                .setSlots(2 * plan.parallelism())
                                .optMetricsPorts("9260-9270")
                                .optWebPorts("8092-8102")
                                .start();
                SavedModelClassifier defaultsModel =
                        SavedModelClassifier.open(plan.model(), Device.cpu());
                SavedModelClassifier pipelineModel =
                        ownSettings
                                ? SavedModelClassifier.open(
                                        plan.model(), Device.cpu(), plan.scorer().sessionThreads())
                                : null) {
            String modelDescription =
                    defaultsModel.metadata().name()
                            + " "
                            + defaultsModel.metadata().version()
                            + " ("
                            + defaultsModel.metadata().architecture()
                            + ", "
                            + defaultsModel.metadata().parameterCount()
                            + " parameters)";
            // The test images as the model takes them: NCHW, scaled as its metadata says, as the
            // pipeline feeds them.
            float[] inputs =
                    plan.images()
                            .toNchw(
                                    0,
                                    plan.images().size(),
                                    defaultsModel.metadata().input().pixelScale());
            RawEngineBenchmark defaults =
                    new RawEngineBenchmark(defaultsModel, inputs, plan.millisPerPoint());
            Optional<RawEngineBenchmark> asPipeline =
                    Optional.ofNullable(pipelineModel)
                            .map(m -> new RawEngineBenchmark(m, inputs, plan.millisPerPoint()));
            List<RawEngineBenchmark.Point> sweep = new ArrayList<>();
            for (int batch : plan.sweep()) {
                RawEngineBenchmark.Point point = defaults.measure(batch);
                log.accept(
                        String.format(
                                "raw engine, batch %3d: %8.0f images/s",
                                batch, point.imagesPerSecond()));
                sweep.add(point);
            }
            CpuScaling scaling =
                    CpuScaling.measure(
                            plan.model(),
                            inputs,
                            defaults,
                            plan.batchSize(),
                            plan.millisPerPoint(),
                            SCALING_PAIRS,
                            log);

            PipelineBenchmark pipeline =
                    new PipelineBenchmark(
                            stack,
                            jit,
                            plan.model(),
                            plan.images(),
                            plan.parallelism(),
                            plan.checkpointInterval());
            SideBySideRuns runs = new SideBySideRuns(defaults, asPipeline, pipeline, plan, log);
            // One record at a time is ~4x slower: a quarter of the frames keeps its segments as
            // long in time.
            int perRecordFrames = Math.max(500, plan.framesPerSegment() / 4);
            // Batched and one record at a time take turns, so their ratio compares the same
            // minutes.
            List<PipelineBenchmark.Throughput> png = runs.run(ImageEncoding.PNG, perRecordFrames);
            List<PipelineBenchmark.Throughput> rawU8 =
                    runs.run(ImageEncoding.RAW_U8, perRecordFrames);
            PipelineBenchmark.Throughput batched = png.get(0);
            PipelineBenchmark.Throughput perRecord = png.get(1);
            PipelineBenchmark.Throughput batchedRawU8 = rawU8.get(0);
            PipelineBenchmark.Throughput perRecordRawU8 = rawU8.get(1);

            List<LoadRun> latencies = new ArrayList<>();
            for (double fraction : plan.loadFractions()) {
                latencies.add(loadRun(pipeline, plan, batched, fraction, log));
            }
            BenchmarkReport.Results results =
                    new BenchmarkReport.Results(
                            modelDescription,
                            machine,
                            command,
                            plan.batchSize(),
                            sweep,
                            scaling,
                            plan.scorer()
                                    + "; checkpoints every "
                                    + plan.checkpointInterval().toMillis() / 1000.0
                                    + " s",
                            batched,
                            batchedRawU8,
                            perRecord,
                            perRecordRawU8,
                            latencies);
            BenchmarkReport.write(results, markdown, plots);
            log.accept(
                    String.format(
                            "pipeline/raw = %.2f (RAW_U8 frames %.2f)   batched/per-record = %.1f"
                                    + " (RAW_U8 frames %.1f)",
                            results.pipelineOverRaw(),
                            results.rawU8OverRaw(),
                            results.batchedOverPerRecord(),
                            results.rawU8BatchedOverPerRecord()));
        }
    }

    /**
     * The benchmark's scorer settings at {@code maxBatchSize}. One record at a time means one
     * prediction at a time, in the pipeline and in the raw engine measured next to it, not several
     * single-image batches side by side.
     */
    static ScorerSettings scorerAt(ScorerSettings scorer, int maxBatchSize) {
        ScorerSettings resized = scorer.withMaxBatchSize(maxBatchSize);
        return maxBatchSize == 1 ? resized.withConcurrentBatches(1) : resized;
    }

    /**
     * One latency load and the runs right before it that set its maximum.
     *
     * @param fraction the load, of {@link #maximum}
     * @param overload cameras offering more than the job can take: the first estimate of the
     *     maximum
     * @param atFirstEstimate cameras offering that estimate at a steady rate
     * @param atLoad cameras offering {@code fraction} of the maximum
     */
    record LoadRun(
            double fraction,
            PipelineBenchmark.Latency overload,
            PipelineBenchmark.Latency atFirstEstimate,
            PipelineBenchmark.Latency atLoad) {

        /**
         * What the job scored with cameras sending at a steady rate, at most the first estimate.
         */
        double maximum(PipelineBenchmark.Throughput batched) {
            return steadyMaximum(firstEstimate(batched), atFirstEstimate);
        }

        static double steadyMaximum(
                double firstEstimate, PipelineBenchmark.Latency atFirstEstimate) {
            return Math.min(firstEstimate, atFirstEstimate.rateWhileSending());
        }

        double firstEstimate(PipelineBenchmark.Throughput batched) {
            return Benchmarks.firstEstimate(overload, batched);
        }
    }

    /**
     * The backlog rate had no cameras sending; here they share the 2 cores with the job. Offered
     * more than the job can take, its rate while they send is a first estimate of the maximum;
     * offered that estimate at a steady rate, what it keeps up with is the maximum the load refers
     * to. From a backlog the job scores faster than when frames trickle in (fuller fetches, fewer
     * wake-ups), and 90% of the overload rate alone overloaded the job in two runs. Both are found
     * again right before every load, as the machine's speed drifts by minutes.
     */
    private static LoadRun loadRun(
            PipelineBenchmark pipeline,
            Plan plan,
            PipelineBenchmark.Throughput batched,
            double fraction,
            Consumer<String> log)
            throws Exception {
        PipelineBenchmark.Latency overload =
                pipeline.latency(
                        plan.scorer(),
                        OVERLOAD * batched.imagesPerSecond(),
                        plan.latencyDuration());
        double firstEstimate = firstEstimate(overload, batched);
        PipelineBenchmark.Latency atFirstEstimate =
                pipeline.latency(plan.scorer(), firstEstimate, plan.latencyDuration());
        double rate = fraction * LoadRun.steadyMaximum(firstEstimate, atFirstEstimate);
        PipelineBenchmark.Latency atLoad =
                pipeline.latency(plan.scorer(), rate, plan.latencyDuration());
        log.accept(
                String.format(
                        "latency at %.0f%% of the maximum with cameras sending (overload: %.0f/s"
                            + " offered, %.0f/s scored; steady at %.0f/s: %.0f/s scored): %.0f/s"
                            + " offered, p50 %.1f ms, p99 %.1f ms",
                        fraction * 100,
                        overload.offeredRate(),
                        overload.rateWhileSending(),
                        firstEstimate,
                        atFirstEstimate.rateWhileSending(),
                        rate,
                        atLoad.p50Millis(),
                        atLoad.p99Millis()));
        return new LoadRun(fraction, overload, atFirstEstimate, atLoad);
    }

    /**
     * The first estimate of the maximum with cameras sending: what the job scored while they sent
     * more than it could take, but no more than its backlog rate without cameras.
     */
    static double firstEstimate(
            PipelineBenchmark.Latency overload, PipelineBenchmark.Throughput batched) {
        return Math.min(overload.rateWhileSending(), batched.imagesPerSecond());
    }

    /**
     * Runs the pipeline at the plan's batch size and one record at a time, interleaved, on one
     * encoding, with the raw engine measured around every segment.
     */
    private record SideBySideRuns(
            RawEngineBenchmark defaults,
            Optional<RawEngineBenchmark> asPipeline,
            PipelineBenchmark pipeline,
            Plan plan,
            Consumer<String> log) {

        List<PipelineBenchmark.Throughput> run(ImageEncoding encoding, int perRecordFrames)
                throws Exception {
            List<PipelineBenchmark.Throughput> runs =
                    pipeline.throughput(
                            List.of(
                                    setup(plan.batchSize(), plan.framesPerSegment(), encoding),
                                    setup(1, perRecordFrames, encoding)),
                            plan.warmUp(),
                            plan.segments());
            runs.forEach(this::report);
            return runs;
        }

        private PipelineBenchmark.RunSetup setup(
                int maxBatchSize, int frames, ImageEncoding encoding) {
            ScorerSettings scorer = scorerAt(plan.scorer(), maxBatchSize);
            return new PipelineBenchmark.RunSetup(
                    scorer,
                    encoding,
                    frames,
                    () -> {
                        double best = defaults.measure(maxBatchSize).imagesPerSecond();
                        if (asPipeline.isPresent()) {
                            best =
                                    Math.max(
                                            best,
                                            asPipeline
                                                    .get()
                                                    .measure(
                                                            maxBatchSize,
                                                            scorer.concurrentBatches())
                                                    .imagesPerSecond());
                        }
                        return best;
                    });
        }

        private void report(PipelineBenchmark.Throughput run) {
            ImageEncoding encoding = run.encoding();
            int maxBatchSize = run.maxBatchSize();
            StringBuilder segments = new StringBuilder();
            for (PipelineBenchmark.Segment s : run.measured()) {
                segments.append(
                        String.format(
                                " %.0f/%.0f=%.2f (JIT %.2f)",
                                s.imagesPerSecond(),
                                s.rawImagesPerSecond(),
                                s.ratio(),
                                s.jitLoad()));
            }
            PipelineBenchmark.Segment lastWarmUp = run.warmUp().get(run.warmUp().size() - 1);
            log.accept(
                    String.format(
                            "pipeline, %s, max batch %d: %.0f images/s, %.2f of the raw engine"
                                + " (median of pipeline/raw:%s); %d warm-up segments, the last %.0f"
                                + " images/s (JIT %.2f)",
                            encoding,
                            maxBatchSize,
                            run.imagesPerSecond(),
                            run.ratio(),
                            segments,
                            run.warmUp().size(),
                            lastWarmUp.imagesPerSecond(),
                            lastWarmUp.jitLoad()));
        }
    }
}
