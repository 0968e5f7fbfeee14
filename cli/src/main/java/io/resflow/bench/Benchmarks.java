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
            int throughputFrames, int parallelism, Duration latencyDuration, List<Double> loadFractions,
            ScorerSettings scorer) {

        public Plan {
            if (scorer.maxBatchSize() != batchSize) {
                throw new IllegalArgumentException("the scorer's batch size must be the plan's " + batchSize);
            }
        }
    }

    private Benchmarks() {}

    public static void run(Plan plan, String machine, String command, Path markdown, Path plots, Consumer<String> log)
            throws Exception {
        // The test images as the model takes them: NCHW, scaled by 1/255, exactly as the pipeline feeds them.
        float[] inputs = plan.images().toNchw(0, plan.images().size(), 1f / 255);
        List<RawEngineBenchmark.Point> sweep;
        String modelDescription;
        try (SavedModelClassifier model = SavedModelClassifier.open(plan.model(), Device.cpu())) {
            modelDescription = model.metadata().name() + " " + model.metadata().version() + " ("
                    + model.metadata().architecture() + ", " + model.metadata().parameterCount() + " parameters)";
            RawEngineBenchmark raw = new RawEngineBenchmark(model, inputs, plan.millisPerPoint());
            sweep = new ArrayList<>();
            for (int batch : plan.sweep()) {
                RawEngineBenchmark.Point point = raw.measure(batch);
                log.accept(String.format("raw engine, batch %3d: %8.0f images/s", batch, point.imagesPerSecond()));
                sweep.add(point);
            }
        }
        // The sweep already measured TensorFlow's defaults with one caller; only other settings need a run of their own.
        Optional<RawEngineBenchmark.Point> rawAsPipeline = Optional.empty();
        if (!plan.scorer().sessionThreads().equals(SessionThreads.tensorFlowDefaults())
                || plan.scorer().concurrentBatches() > 1) {
            try (SavedModelClassifier model = SavedModelClassifier.open(plan.model(), Device.cpu(),
                    plan.scorer().sessionThreads())) {
                RawEngineBenchmark.Point point = new RawEngineBenchmark(model, inputs, plan.millisPerPoint())
                        .measure(plan.batchSize(), plan.scorer().concurrentBatches());
                log.accept(String.format("raw engine, batch %d with the pipeline's scorer settings (%s): %.0f images/s",
                        plan.batchSize(), plan.scorer(), point.imagesPerSecond()));
                rawAsPipeline = Optional.of(point);
            }
        }
        try (EmbeddedKafka kafka = EmbeddedKafka.builder().build().start();
                LocalFlink flink = LocalFlink.start(plan.parallelism(), "9260-9270", "8092-8102")) {
            PipelineBenchmark pipeline = new PipelineBenchmark(kafka, flink, plan.model(), plan.images(), plan.parallelism(),
                    plan.scorer());
            // Warm-up, not measured: the first job in this JVM also pays for JIT-compiling Flink's, Kafka's and
            // our code paths (the raw engine's sweep warms up TensorFlow the same way).
            PipelineBenchmark.Throughput warmUp = pipeline.throughput(plan.batchSize(), plan.throughputFrames() / 2,
                    ImageEncoding.PNG);
            log.accept(String.format("pipeline warm-up run (not measured): %.0f images/s", warmUp.imagesPerSecond()));
            PipelineBenchmark.Throughput batched = pipeline.throughput(plan.batchSize(), plan.throughputFrames(),
                    ImageEncoding.PNG);
            log.accept(String.format("pipeline, PNG, max batch %d: %.0f images/s (mean batch %.1f)", plan.batchSize(),
                    batched.imagesPerSecond(), batched.meanBatchSize()));
            PipelineBenchmark.Throughput rawU8 = pipeline.throughput(plan.batchSize(), plan.throughputFrames(),
                    ImageEncoding.RAW_U8);
            log.accept(String.format("pipeline, RAW_U8, max batch %d: %.0f images/s (mean batch %.1f)",
                    plan.batchSize(), rawU8.imagesPerSecond(), rawU8.meanBatchSize()));
            PipelineBenchmark.Throughput perRecord = pipeline.throughput(1, plan.throughputFrames() / 2,
                    ImageEncoding.PNG);
            log.accept(String.format("pipeline, PNG, one at a time: %.0f images/s", perRecord.imagesPerSecond()));
            PipelineBenchmark.Throughput perRecordRawU8 = pipeline.throughput(1, plan.throughputFrames() / 2,
                    ImageEncoding.RAW_U8);
            log.accept(String.format("pipeline, RAW_U8, one at a time: %.0f images/s", perRecordRawU8.imagesPerSecond()));
            List<PipelineBenchmark.Latency> latencies = new ArrayList<>();
            for (double fraction : plan.loadFractions()) {
                double rate = fraction * batched.imagesPerSecond();
                PipelineBenchmark.Latency latency = pipeline.latency(plan.batchSize(), rate, plan.latencyDuration());
                log.accept(String.format("latency at %.0f%% of max (%.0f/s): p50 %.1f ms, p99 %.1f ms", fraction * 100,
                        rate, latency.p50Millis(), latency.p99Millis()));
                latencies.add(latency);
            }
            BenchmarkReport.Results results = new BenchmarkReport.Results(modelDescription, machine, command,
                    plan.batchSize(), sweep, rawAsPipeline, plan.scorer().toString(), batched, rawU8, perRecord,
                    perRecordRawU8, latencies);
            BenchmarkReport.write(results, markdown, plots);
            log.accept(String.format("pipeline/raw = %.2f (RAW_U8 frames %.2f)   batched/per-record = %.1f (RAW_U8"
                            + " frames %.1f)", results.pipelineOverRaw(), results.rawU8OverRaw(),
                    results.batchedOverPerRecord(), results.rawU8BatchedOverPerRecord()));
        }
    }
}
