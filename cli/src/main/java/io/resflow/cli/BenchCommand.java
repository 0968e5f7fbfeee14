package io.resflow.cli;

import io.resflow.bench.Benchmarks;
import io.resflow.datasets.FashionMnist;
import io.resflow.datasets.LabelledImages;
import io.resflow.pipeline.classify.ClassifyJobOptions;
import io.resflow.pipeline.scoring.DeviceChoice;
import io.resflow.pipeline.scoring.ScorerSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
        name = "bench",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description =
                "Benchmark side by side in one run: the raw engine's batch-size sweep, pipeline"
                    + " throughput (batched and one record at a time), and end-to-end latency at"
                    + " fractions of the maximum rate. Writes BENCHMARKS.md and its plots.")
final class BenchCommand implements Callable<Integer> {

    @Option(
            names = "--model",
            defaultValue = ResFlow.LAUNCHER_ROOT + "/runs/demo/model",
            description =
                    "SavedModel to measure; trained quickly when missing (default:"
                            + " ${DEFAULT-VALUE}).")
    Path model;

    @Option(
            names = "--batch-size",
            defaultValue = "64",
            description =
                    "The pipeline's max batch size, compared with the raw engine at the same size"
                            + " (default: ${DEFAULT-VALUE}).")
    int batchSize;

    @Option(
            names = "--concurrent-batches",
            defaultValue = "1",
            description = "Batches the pipeline scores side by side (default: ${DEFAULT-VALUE}).")
    int concurrentBatches;

    @Option(
            names = "--inference-threads",
            defaultValue = "0",
            description =
                    "Threads in each of TensorFlow's CPU pools in the pipeline, 0 for one per CPU"
                            + " (default: ${DEFAULT-VALUE}).")
    int inferenceThreads;

    @Option(
            names = "--inference-thread-spinning",
            defaultValue = "false",
            arity = "0..1",
            description =
                    "Let TensorFlow's idle threads spin in the pipeline (default:"
                            + " ${DEFAULT-VALUE}).")
    boolean threadSpinning;

    @Option(
            names = "--sweep",
            split = ",",
            defaultValue = "1,2,4,8,16,32,64,128,256",
            description = "Raw engine batch sizes (default: ${DEFAULT-VALUE}).")
    List<Integer> sweep;

    @Option(
            names = "--seconds-per-point",
            defaultValue = "4",
            description = "Raw engine measuring time per batch size (default: ${DEFAULT-VALUE}).")
    int secondsPerPoint;

    @Option(
            names = "--segment-frames",
            defaultValue = "6000",
            description =
                    "Frames per segment of a batched pipeline run; one record at a time uses a"
                            + " quarter (default: ${DEFAULT-VALUE}).")
    int segmentFrames;

    @Option(
            names = "--segments",
            defaultValue = "3",
            description =
                    "Measured segments per pipeline run, after the warm-up, each between two raw"
                            + " engine measurements; the median is reported (default:"
                            + " ${DEFAULT-VALUE}).")
    int segments;

    @Option(
            names = "--warm-up-seconds",
            defaultValue = "120",
            description =
                    "Unmeasured segments at the start of every pipeline run for at least this long,"
                            + " then until the JIT compiler is nearly idle (at most 3x this): on 2"
                            + " cores the JVM compiles the job's code paths for minutes (default:"
                            + " ${DEFAULT-VALUE}).")
    int warmUpSeconds;

    @Option(
            names = "--parallelism",
            defaultValue = "2",
            description = "Flink parallelism (default: ${DEFAULT-VALUE}).")
    int parallelism;

    @Option(
            names = "--checkpoint-interval",
            defaultValue = "1 s",
            description =
                    "Checkpoint interval of the measured jobs (the job's own default is 5 s;"
                            + " default: ${DEFAULT-VALUE}).")
    Duration checkpointInterval;

    @Option(
            names = "--latency-seconds",
            defaultValue = "20",
            description = "Sending time per latency run (default: ${DEFAULT-VALUE}).")
    int latencySeconds;

    @Option(
            names = "--load",
            split = ",",
            defaultValue = "0.5,0.9",
            description =
                    "Offered load as fractions of the measured maximum (default:"
                            + " ${DEFAULT-VALUE}).")
    List<Double> load;

    @Option(
            names = "--report",
            defaultValue = ResFlow.LAUNCHER_ROOT + "/BENCHMARKS.md",
            description = "Markdown report to write (default: ${DEFAULT-VALUE}).")
    Path report;

    @Option(
            names = "--plots",
            defaultValue = ResFlow.LAUNCHER_ROOT + "/docs/benchmarks",
            description = "Folder for the PNG plots (default: ${DEFAULT-VALUE}).")
    Path plots;

    @Override
    public Integer call() throws Exception {
        if (!sweep.contains(batchSize) || !sweep.contains(1)) {
            throw new IllegalArgumentException(
                    "--sweep must include 1 and --batch-size " + batchSize);
        }
        FashionMnist mnist = FashionMnist.atDefaultLocation();
        DemoModel.ensure(model, mnist);
        LabelledImages test = mnist.load(FashionMnist.Split.TEST);
        Benchmarks.Plan plan =
                new Benchmarks.Plan(
                        model,
                        test,
                        batchSize,
                        sweep,
                        secondsPerPoint * 1000L,
                        Math.min(segmentFrames, test.size()),
                        segments,
                        Duration.ofSeconds(warmUpSeconds),
                        parallelism,
                        Duration.ofSeconds(latencySeconds),
                        load,
                        new ScorerSettings(
                                batchSize,
                                ClassifyJobOptions.MAX_BATCH_DELAY.defaultValue(),
                                concurrentBatches,
                                inferenceThreads,
                                threadSpinning,
                                DeviceChoice.CPU),
                        checkpointInterval);
        String machine =
                Runtime.getRuntime().availableProcessors()
                        + " cores, "
                        + Runtime.getRuntime().maxMemory() / (1 << 20)
                        + " MB heap, "
                        + System.getProperty("os.name")
                        + " "
                        + System.getProperty("os.arch")
                        + ", Java "
                        + System.getProperty("java.version");
        Benchmarks.run(
                plan,
                machine,
                "./resflow bench",
                report,
                plots,
                line -> System.out.println("bench: " + line));
        System.out.println("Wrote " + report + " and plots in " + plots);
        return 0;
    }
}
