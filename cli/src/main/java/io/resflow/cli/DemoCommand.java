package io.resflow.cli;

import io.resflow.datasets.FashionMnist;
import io.resflow.datasets.LabelledImages;
import io.resflow.localstack.JobEnds;
import io.resflow.localstack.LocalStack;
import io.resflow.pipeline.classify.ClassifyJobConfig;
import io.resflow.pipeline.classify.ClassifyJobOptions;
import io.resflow.pipeline.kafka.Topics;
import io.resflow.pipeline.metrics.PipelineMetrics;
import io.resflow.pipeline.replay.CameraFeedReplay;
import io.resflow.pipeline.replay.DatasetFrames;
import io.resflow.pipeline.replay.ReplayReport;
import io.resflow.runtime.metadata.ModelMetadata;
import io.resflow.schema.ImageEncoding;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import me.tongfei.progressbar.ProgressBar;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The README's main command: everything on one machine, for real. A KRaft Kafka broker and a Flink
 * cluster start inside this JVM; a ResNet is trained when there is none yet; simulated cameras
 * stream the Fashion-MNIST test set with corrupt frames mixed in; the classify job labels them
 * exactly once while a downstream consumer watches; one SUMMARY line ends it.
 */
@Command(
        name = "demo",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description =
                "Run ResFlow on one machine with embedded defaults: a Kafka broker and a Flink"
                        + " cluster started for you, a quick ResNet trained when none exists,"
                        + " Fashion-MNIST frames from simulated cameras, labels watched live, and a"
                        + " summary.")
final class DemoCommand implements Callable<Integer> {

    @Option(
            names = "--images",
            defaultValue = "2000",
            description =
                    "How many Fashion-MNIST test images to stream (default: ${DEFAULT-VALUE}, at"
                            + " most 10000).")
    int images;

    @Option(
            names = "--model",
            defaultValue = ResFlow.LAUNCHER_ROOT + "/runs/demo/model",
            description =
                    "SavedModel to serve; trained quickly when missing (default:"
                            + " ${DEFAULT-VALUE}).")
    Path model;

    @Option(
            names = "--cameras",
            defaultValue = "4",
            description = "Simulated cameras (default: ${DEFAULT-VALUE}).")
    int cameras;

    @Option(
            names = "--fps",
            defaultValue = "50",
            description =
                    "Frames per second per camera; 0 = as fast as possible (default:"
                            + " ${DEFAULT-VALUE}).")
    double fps;

    @Option(
            names = "--corrupt-every",
            defaultValue = "50",
            description =
                    "Plant a corrupt frame every N frames; 0 = none (default: ${DEFAULT-VALUE}).")
    int corruptEvery;

    @Option(
            names = "--parallelism",
            defaultValue = "2",
            description = "Flink parallelism (default: ${DEFAULT-VALUE}).")
    int parallelism;

    @Option(
            names = "--max-batch-size",
            defaultValue = "64",
            description = "Largest scoring batch (default: ${DEFAULT-VALUE}).")
    int maxBatchSize;

    @Option(
            names = "--metrics-port",
            defaultValue = "9249-9259",
            description = "Port (or range) of Prometheus /metrics (default: ${DEFAULT-VALUE}).")
    String metricsPorts;

    @Option(
            names = "--web-port",
            defaultValue = "8081-8091",
            description = "Port (or range) of the Flink web UI (default: ${DEFAULT-VALUE}).")
    String webPorts;

    @Option(
            names = "--timeout",
            defaultValue = "5 min",
            description = "Give up waiting for labels after this long (default: ${DEFAULT-VALUE}).")
    Duration timeout;

    @Override
    public Integer call() throws Exception {
        if (images < 1 || images > 10_000) {
            throw new IllegalArgumentException(
                    "--images must be 1..10000 (the Fashion-MNIST test set), got " + images);
        }
        // Refused now, not after training, the broker, the cluster and the job's warm-up.
        cameraFeed().checkFeed();
        ClassifyJobConfig.checkSettings(jobSettings("127.0.0.1:9092"));
        FashionMnist mnist = FashionMnist.atDefaultLocation();
        LabelledImages test = mnist.load(FashionMnist.Split.TEST).head(images);
        System.out.printf(
                "[1/4] Data: Fashion-MNIST test set from %s, %d images of %dx%d%n",
                mnist.directory(), test.size(), test.shape().height(), test.shape().width());

        ModelMetadata metadata = DemoModel.ensure(model, mnist);
        System.out.printf(
                "[2/4] Model: %s %s (%s, %,d parameters%s) at %s%n",
                metadata.name(),
                metadata.version(),
                metadata.architecture(),
                metadata.parameterCount(),
                metadata.testAccuracy().isPresent()
                        ? String.format(
                                ", test accuracy %.4f", metadata.testAccuracy().getAsDouble())
                        : "",
                model);

        try (LocalStack stack =
                LocalStack.builder()
                        .optKafka(Topics.DEFAULTS.partitions(4, 4))
                        .setSlots(parallelism)
                        .optMetricsPorts(metricsPorts)
                        .optWebPorts(webPorts)
                        .start()) {
            ClassifyJobConfig config =
                    ClassifyJobConfig.from(jobSettings(stack.bootstrapServers()));
            JobClient job = stack.submit(config);
            System.out.printf(
                    "[3/4] Running: Kafka at %s, Flink job %s (parallelism %d)%n",
                    stack.bootstrapServers(), job.getJobID(), parallelism);
            FlinkRest rest = new FlinkRest();
            String webUrl = stack.webUrl();
            if (!rest.awaitAllTasksRunning(webUrl, job.getJobID(), Duration.ofMinutes(2))) {
                throw new IllegalStateException(
                        JobEnds.hasEnded(job)
                                ? "the classify job ended before it ran: " + JobEnds.whyItEnded(job)
                                : "the classify job did not start within 2 minutes; see " + webUrl);
            }
            // Another ResFlow process may hold the first port: this job's reporter names the job.
            Optional<String> metricsUrl =
                    rest.firstAnswering(metricsPorts, "/metrics", job.getJobID().toString())
                            .map(u -> u + "/metrics");
            System.out.printf(
                    "      Flink web UI: %s   Prometheus metrics: %s%n",
                    webUrl,
                    metricsUrl.orElse(
                            "(no reporter answered on "
                                    + metricsPorts
                                    + "; is FLINK_PLUGINS_DIR set?)"));
            System.out.println("      All operators running, model loaded and warmed up.");
            try (LiveView view =
                    new LiveView(
                                    stack.bootstrapServers(),
                                    config.kafkaClient(),
                                    config.topics().labels(),
                                    config.topics().deadLetters(),
                                    test.classNames())
                            .start()) {
                ReplayReport sent = replay(stack.bootstrapServers(), test);
                System.out.printf(
                        "[4/4] Sent %d frames (%d corrupt on purpose) in %.1f s; waiting for every"
                                + " label ...%n",
                        sent.sent(), sent.corrupt(), sent.elapsed().toMillis() / 1000.0);
                boolean complete = awaitOutputs(view, sent.sent(), job);
                metricsUrl.ifPresent(url -> System.out.println("Prometheus: " + scrape(rest, url)));
                if (JobEnds.hasEnded(job)) {
                    System.out.println(
                            "The classify job ended while frames were due: "
                                    + JobEnds.whyItEnded(job));
                }
                JobEnds.cancelIfRunning(job);
                System.out.println("Labels by class:");
                System.out.print(view.labelHistogram());
                System.out.println(view.statusLine());
                if (!complete) {
                    System.out.printf(
                            "Timed out after %s: %d of %d frames came out%n",
                            timeout, view.outputs(), sent.sent());
                }
                System.out.println(view.summary(sent.sent()));
                return complete && view.duplicates() == 0 ? 0 : 1;
            }
        }
    }

    /** What the job reported through Flink's Prometheus reporter, summed over subtasks. */
    private static String scrape(FlinkRest rest, String metricsUrl) {
        List<String> metrics =
                List.of(
                        PipelineMetrics.FRAMES_IN,
                        PipelineMetrics.FRAMES_LABELLED,
                        PipelineMetrics.DEAD_LETTERS,
                        PipelineMetrics.LOW_CONFIDENCE,
                        PipelineMetrics.MISCLASSIFIED);
        Map<String, Double> sums =
                rest.scrapeSums(
                        metricsUrl, metrics.stream().map(PipelineMetrics::prometheusName).toList());
        StringBuilder line = new StringBuilder();
        for (String metric : metrics) {
            line.append(metric)
                    .append('=')
                    .append(Math.round(sums.get(PipelineMetrics.prometheusName(metric))))
                    .append(' ');
        }
        return line.toString().trim();
    }

    private Configuration jobSettings(String bootstrapServers) {
        Configuration conf = new Configuration();
        conf.set(ClassifyJobOptions.BOOTSTRAP_SERVERS, bootstrapServers);
        conf.set(ClassifyJobOptions.MODEL_PATH, model.toAbsolutePath().toString());
        conf.set(ClassifyJobOptions.PARALLELISM, parallelism);
        conf.set(ClassifyJobOptions.MAX_BATCH_SIZE, maxBatchSize);
        conf.set(ClassifyJobOptions.ASYNC_CAPACITY, Math.max(4 * maxBatchSize, 256));
        // Short checkpoints: exactly-once labels become visible downstream at each one.
        conf.set(ClassifyJobOptions.CHECKPOINT_INTERVAL, Duration.ofSeconds(1));
        conf.set(ClassifyJobOptions.STATS_WINDOW, Duration.ofSeconds(5));
        conf.set(ClassifyJobOptions.GROUP_ID, "resflow-demo");
        return conf;
    }

    private ReplayReport replay(String bootstrapServers, LabelledImages test) {
        CameraFeedReplay.Builder replay =
                cameraFeed()
                        .setBootstrapServers(bootstrapServers)
                        .setFrames(new DatasetFrames(test, ImageEncoding.PNG));
        try (ProgressBar bar = Progress.bar("cameras -> kafka", test.size(), "frames")) {
            return replay.optProgress(Progress.stepTo(bar)).build().run();
        }
    }

    private CameraFeedReplay.Builder cameraFeed() {
        return CameraFeedReplay.builder()
                .optCameras(cameras)
                .optFramesPerSecond(fps)
                .optCorruptEvery(corruptEvery);
    }

    private boolean awaitOutputs(LiveView view, long expected, JobClient job)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        long lastPrint = 0;
        long lastJobCheck = System.nanoTime();
        while (view.outputs() < expected && System.nanoTime() < deadline) {
            if (System.nanoTime() - lastJobCheck > 1_000_000_000L) {
                if (JobEnds.hasEnded(job)) {
                    break; // a failed job sends nothing more: no point waiting out the timeout
                }
                lastJobCheck = System.nanoTime();
            }
            if (System.nanoTime() - lastPrint > 2_000_000_000L) {
                System.out.println("      " + view.statusLine());
                lastPrint = System.nanoTime();
            }
            Thread.sleep(100);
        }
        // Anything beyond the expected count would be a duplicate: one more checkpoint to show it.
        Thread.sleep(1_500);
        // The last progress line was up to 2 s old: end the progress with where it ended.
        System.out.println("      " + view.statusLine());
        return view.outputs() >= expected;
    }

    static boolean exists(Path savedModel) {
        return Files.isRegularFile(savedModel.resolve("saved_model.pb"))
                && Files.isRegularFile(ModelMetadata.file(savedModel));
    }
}
