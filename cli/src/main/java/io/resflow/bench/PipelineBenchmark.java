package io.resflow.bench;

import io.resflow.datasets.LabelledImages;
import io.resflow.localstack.JobEnds;
import io.resflow.localstack.LocalStack;
import io.resflow.pipeline.classify.ClassifyJob;
import io.resflow.pipeline.classify.ClassifyJobConfig;
import io.resflow.pipeline.classify.ClassifyJobOptions;
import io.resflow.pipeline.kafka.CommittedTopicReader;
import io.resflow.pipeline.kafka.Topics.JobTopics;
import io.resflow.pipeline.replay.CameraFeedReplay;
import io.resflow.pipeline.replay.DatasetFrames;
import io.resflow.pipeline.replay.PreEncodedFrames;
import io.resflow.pipeline.scoring.ScorerSettings;
import io.resflow.schema.ImageEncoding;
import io.resflow.schema.Prediction;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.ToDoubleFunction;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;

/**
 * The whole classify job measured from the outside: frames in Kafka, a local Flink cluster, labels
 * read back (read_committed) and timed by the pipeline's own stamps.
 */
final class PipelineBenchmark {

    /**
     * One stretch of a throughput run: the frames published under one run id. Its rate counts only
     * the labels scored after the last frame was in Kafka, while the job works off a backlog; the
     * raw engine was measured just before and just after it, while the job stood idle.
     */
    record Segment(
            String name,
            long labels,
            double imagesPerSecond,
            double meanBatchSize,
            double jitLoad,
            double rawBefore,
            double rawAfter) {

        double rawImagesPerSecond() {
            return (rawBefore + rawAfter) / 2;
        }

        double ratio() {
            return imagesPerSecond / rawImagesPerSecond();
        }

        Segment withRaw(double before, double after) {
            return new Segment(
                    name, labels, imagesPerSecond, meanBatchSize, jitLoad, before, after);
        }
    }

    /** One long-running job's segments: warm-up, then measured between raw-engine measurements. */
    record Throughput(
            int maxBatchSize,
            ImageEncoding encoding,
            List<Segment> warmUp,
            List<Segment> measured) {

        /** The median segment: one disturbed segment does not move it. */
        double imagesPerSecond() {
            return Percentiles.median(
                    measured.stream().mapToDouble(Segment::imagesPerSecond).toArray());
        }

        /** The median of the segments' own ratios to the raw engine measured around each. */
        double ratio() {
            return Percentiles.median(measured.stream().mapToDouble(Segment::ratio).toArray());
        }

        double rawImagesPerSecond() {
            return Percentiles.median(
                    measured.stream().mapToDouble(Segment::rawImagesPerSecond).toArray());
        }

        double meanBatchSize() {
            return measured.stream().mapToDouble(Segment::meanBatchSize).average().orElse(0);
        }

        double jitLoad() {
            return measured.stream().mapToDouble(Segment::jitLoad).average().orElse(Double.NaN);
        }

        /**
         * The median over measured rounds of this run's segment ÷ {@code other}'s segment of the
         * same round (the two ran back to back in an interleaved run), of the value {@code of}
         * picks.
         */
        double pairedRatio(Throughput other, ToDoubleFunction<Segment> of) {
            if (measured.size() != other.measured().size()) {
                throw new IllegalArgumentException(
                        measured.size() + " segments paired with " + other.measured().size());
            }
            double[] ratios = new double[measured.size()];
            for (int i = 0; i < ratios.length; i++) {
                ratios[i] =
                        of.applyAsDouble(measured.get(i))
                                / of.applyAsDouble(other.measured().get(i));
            }
            return Percentiles.median(ratios);
        }
    }

    /**
     * One latency run. {@code rateWhileSending} counts every label scored between the measured
     * frames' first and last capture, while the cameras competed for the CPU: under overload the
     * job is still working off earlier frames then, and this is the rate it keeps up with cameras
     * sending.
     */
    record Latency(
            double offeredRate,
            long labels,
            double rateWhileSending,
            double p50Millis,
            double p99Millis,
            double meanBatchSize,
            double jitLoad) {}

    private static final Duration LATENCY_WARM_UP = Duration.ofSeconds(5);

    /** JIT compile time per second of wall time (cores) under which a segment counts as warm. */
    static final double QUIET_JIT = 0.10;

    /** Warm-up ends after this many times the minimum warm-up, quiet compiler or not. */
    static final int WARM_UP_LIMIT = 3;

    private final LocalStack stack;
    private final JitMonitor jit;
    private final Path model;
    private final LabelledImages images;
    private final int parallelism;
    private final Duration checkpointInterval;
    private int run;
    private final Map<ImageEncoding, PreEncodedFrames> encodedFrames =
            new EnumMap<>(ImageEncoding.class);

    PipelineBenchmark(
            LocalStack stack,
            JitMonitor jit,
            Path model,
            LabelledImages images,
            int parallelism,
            Duration checkpointInterval) {
        this.stack = stack;
        this.jit = jit;
        this.model = model;
        this.images = images;
        this.parallelism = parallelism;
        this.checkpointInterval = checkpointInterval;
    }

    /**
     * One job of an interleaved throughput run, and how to measure the raw engine at its batch
     * size.
     */
    record RunSetup(
            ScorerSettings scorer,
            ImageEncoding encoding,
            int framesPerSegment,
            Callable<Double> rawEngine) {}

    /**
     * Throughput at steady state, side by side with the raw engine and with each other. One
     * unbounded job per configuration runs on the cluster, and the jobs take turns: segments of
     * frames are published to one job at a time and awaited, so only one works at a time. Warm-up
     * rounds go on until {@code warmUp} has passed and every job's JIT compiling has calmed down
     * (see {@link #warmingUp}); then {@code segments} measured rounds, in which every segment runs
     * between two measurements of the bare engine at its batch size, taken while all jobs idle.
     * Segments of one round are minutes apart at most, so their ratios are not moved by the
     * machine's own drift.
     */
    List<Throughput> throughput(List<RunSetup> setups, Duration warmUp, int segments)
            throws Exception {
        List<RunningJob> jobs = new ArrayList<>();
        Exception failure = null;
        try {
            for (RunSetup setup : setups) {
                JobTopics topics = nextTopics();
                JobClient job = startJob(topics, setup.scorer());
                jobs.add(new RunningJob(setup, topics.images(), job, labelReader(topics.labels())));
            }
            long start = System.nanoTime();
            boolean warming = true;
            for (int round = 1; warming; round++) {
                warming = false;
                for (RunningJob job : jobs) {
                    Segment segment = job.segment("warmup" + round);
                    job.warmUp.add(segment);
                    warming |= warmingUp(System.nanoTime() - start, warmUp, segment);
                }
            }
            for (int round = 1; round <= segments; round++) {
                for (RunningJob job : jobs) {
                    double before = job.setup.rawEngine().call();
                    Segment segment = job.segment("segment" + round);
                    job.measured.add(segment.withRaw(before, job.setup.rawEngine().call()));
                }
            }
            return jobs.stream()
                    .map(
                            job ->
                                    new Throughput(
                                            job.setup.scorer().maxBatchSize(),
                                            job.setup.encoding(),
                                            job.warmUp,
                                            job.measured))
                    .toList();
        } catch (Exception e) {
            failure = e;
            throw e;
        } finally {
            stopAll(jobs, failure);
        }
    }

    /**
     * Stops every job and closes every reader, even when one of them fails to. A clean-up failure
     * is added to the error already on its way, if any, instead of replacing it.
     */
    private static void stopAll(List<RunningJob> jobs, Exception failure) throws Exception {
        Exception cleanUp = null;
        for (RunningJob job : jobs) {
            for (Callable<Void> step :
                    List.<Callable<Void>>of(
                            () -> {
                                JobEnds.cancelIfRunning(job.client);
                                return null;
                            },
                            () -> {
                                job.labels.close();
                                return null;
                            })) {
                try {
                    step.call();
                } catch (Exception e) {
                    if (failure != null) {
                        failure.addSuppressed(e);
                    } else if (cleanUp == null) {
                        cleanUp = e;
                    } else {
                        cleanUp.addSuppressed(e);
                    }
                }
            }
        }
        if (cleanUp != null) {
            throw cleanUp;
        }
    }

    /**
     * One job of an interleaved run while it runs: where its frames go, its labels, its segments.
     */
    private final class RunningJob {

        private final RunSetup setup;
        private final String topic;
        private final JobClient client;
        private final CommittedTopicReader<Prediction> labels;
        private final List<Segment> warmUp = new ArrayList<>();
        private final List<Segment> measured = new ArrayList<>();

        RunningJob(
                RunSetup setup,
                String topic,
                JobClient client,
                CommittedTopicReader<Prediction> labels) {
            this.setup = setup;
            this.topic = topic;
            this.client = client;
            this.labels = labels;
        }

        Segment segment(String name) {
            return PipelineBenchmark.this.segment(
                    topic, name, setup.framesPerSegment(), setup.encoding(), labels);
        }
    }

    private Segment segment(
            String topic,
            String name,
            int frames,
            ImageEncoding encoding,
            CommittedTopicReader<Prediction> labels) {
        String runId = topic + "-" + name;
        int expected = labels.records().size() + frames;
        replay(topic, runId, encoding, frames, 0);
        long published = System.currentTimeMillis();
        labels.awaitCount(expected, Duration.ofMinutes(3));
        // Labels scored while the frames were still being published compete with the publisher for
        // the CPU.
        List<Prediction> backlog =
                labels.records().stream()
                        .filter(
                                p ->
                                        p.getImageId().startsWith(runId + "-")
                                                && p.getScoredTime().toEpochMilli() >= published)
                        .toList();
        long last =
                backlog.stream()
                        .mapToLong(p -> p.getScoredTime().toEpochMilli())
                        .max()
                        .orElse(published);
        double seconds = Math.max(1, last - published) / 1000.0;
        return new Segment(
                name,
                backlog.size(),
                backlog.size() / seconds,
                meanBatch(backlog),
                jit.load(published, last),
                Double.NaN,
                Double.NaN);
    }

    /**
     * End-to-end latency (capture to label) while cameras send at a steady {@code rate}. Frames are
     * PNG-encoded before any sending, so the simulated cameras spend little of the CPU the job
     * needs. At a rate beyond what the job sustains, the achieved rate is its maximum with cameras
     * sending.
     */
    Latency latency(ScorerSettings scorer, double rate, Duration duration) throws Exception {
        JobTopics topics = nextTopics();
        String topic = topics.images();
        JobClient job = startJob(topics, scorer);
        try (CommittedTopicReader<Prediction> reader = labelReader(topics.labels())) {
            // Warm up until labels flow, so start-up is not measured.
            int warmUp = 100;
            replay(topic, topic + "-warmup", ImageEncoding.PNG, warmUp, 0);
            reader.awaitCount(warmUp, Duration.ofMinutes(2));
            // Then a few seconds at the offered rate: the job's first seconds still compile and
            // fill buffers.
            int atRate =
                    (int) Math.min(images.size(), Math.round(rate * LATENCY_WARM_UP.toSeconds()));
            replay(topic, topic + "-warmup-at-rate", ImageEncoding.PNG, atRate, rate);
            warmUp += atRate;
            int frames = (int) Math.min(images.size(), Math.round(rate * duration.toSeconds()));
            replay(topic, topic + "-measured", ImageEncoding.PNG, frames, rate);
            List<Prediction> all = reader.awaitCount(warmUp + frames, Duration.ofMinutes(3));
            List<Prediction> labels =
                    all.stream()
                            .filter(p -> p.getImageId().startsWith(topic + "-measured"))
                            .toList();
            long[] micros =
                    labels.stream()
                            .mapToLong(p -> p.getLatency().getEndToEndMicros())
                            .sorted()
                            .toArray();
            long firstCapture =
                    labels.stream()
                            .mapToLong(p -> p.getCaptureTime().toEpochMilli())
                            .min()
                            .orElse(0);
            long lastScored =
                    labels.stream()
                            .mapToLong(p -> p.getScoredTime().toEpochMilli())
                            .max()
                            .orElse(0);
            long lastCapture =
                    labels.stream()
                            .mapToLong(p -> p.getCaptureTime().toEpochMilli())
                            .max()
                            .orElse(0);
            // Every label counts here, also the warm-up's: under overload the job is still working
            // those off.
            long whileSending =
                    all.stream()
                            .mapToLong(p -> p.getScoredTime().toEpochMilli())
                            .filter(t -> t >= firstCapture && t <= lastCapture)
                            .count();
            return new Latency(
                    rate,
                    labels.size(),
                    whileSending / (Math.max(1, lastCapture - firstCapture) / 1000.0),
                    Percentiles.of(micros, 0.50) / 1000.0,
                    Percentiles.of(micros, 0.99) / 1000.0,
                    meanBatch(labels),
                    jit.load(firstCapture, lastScored));
        } finally {
            JobEnds.cancelIfRunning(
                    job); // a failed job cannot be cancelled, and its own error is the one to see
        }
    }

    /**
     * Sends the first {@code count} frames in {@code encoding} from 4 cameras at {@code rate} in
     * all (0: as fast as the broker takes them).
     */
    private void replay(
            String topic, String runId, ImageEncoding encoding, int count, double rate) {
        int cameras = 4;
        CameraFeedReplay.builder()
                .setBootstrapServers(stack.bootstrapServers())
                .setFrames(frames(encoding))
                .optLimit(count)
                .optTopic(topic)
                .optCameras(cameras)
                .optFramesPerSecond(rate / cameras)
                .optRunId(runId)
                .build()
                .run();
    }

    /**
     * The test images in {@code encoding}, encoded once per benchmark: every segment and latency
     * run sends from them, and the simulated cameras spend no CPU on encoding while the job runs.
     */
    private PreEncodedFrames frames(ImageEncoding encoding) {
        return encodedFrames.computeIfAbsent(
                encoding, e -> PreEncodedFrames.of(new DatasetFrames(images, e)));
    }

    /**
     * Warm-up goes on for at least {@code warmUp}, then until a segment ran with the JIT compiler
     * nearly idle, but no longer than {@link #WARM_UP_LIMIT} times {@code warmUp}. The first job on
     * a fresh JVM still had the compiler on a fifth of a core after two minutes, taken from the job
     * but not from the raw engine measured while the job idles.
     */
    static boolean warmingUp(long elapsedNanos, Duration warmUp, Segment last) {
        if (elapsedNanos < warmUp.toNanos()) {
            return true;
        }
        return last.jitLoad() > QUIET_JIT && elapsedNanos < WARM_UP_LIMIT * warmUp.toNanos();
    }

    /** A topic set of the next run's own, images partitioned for the job's parallelism. */
    private JobTopics nextTopics() {
        JobTopics topics = JobTopics.after("bench" + (++run));
        stack.createTopics(topics.partitions(Math.max(2, parallelism), 1));
        return topics;
    }

    /** The classify job on this cluster, unbounded: every run publishes while it runs. */
    private JobClient startJob(JobTopics topics, ScorerSettings scorer) throws Exception {
        return stack.submit(
                ClassifyJobConfig.from(settings(topics, scorer)),
                ClassifyJob.JOB_NAME + "-bench-" + topics.images());
    }

    private Configuration settings(JobTopics topics, ScorerSettings scorer) {
        Configuration conf = new Configuration();
        conf.set(ClassifyJobOptions.BOOTSTRAP_SERVERS, stack.bootstrapServers());
        conf.set(ClassifyJobOptions.MODEL_PATH, model.toAbsolutePath().toString());
        ClassifyJobOptions.setTopics(conf, topics);
        conf.set(ClassifyJobOptions.GROUP_ID, topics.images());
        conf.set(ClassifyJobOptions.TRANSACTIONAL_ID_PREFIX, topics.images());
        conf.set(ClassifyJobOptions.BOUNDED, false);
        conf.set(ClassifyJobOptions.PARALLELISM, parallelism);
        conf.set(ClassifyJobOptions.MAX_BATCH_SIZE, scorer.maxBatchSize());
        conf.set(ClassifyJobOptions.MAX_BATCH_DELAY, scorer.maxBatchDelay());
        conf.set(ClassifyJobOptions.CONCURRENT_BATCHES, scorer.concurrentBatches());
        conf.set(ClassifyJobOptions.INFERENCE_THREADS, scorer.inferenceThreads());
        conf.set(ClassifyJobOptions.INFERENCE_THREAD_SPINNING, scorer.threadSpinning());
        conf.set(ClassifyJobOptions.DEVICE, scorer.device());
        conf.set(ClassifyJobOptions.ASYNC_CAPACITY, Math.max(4 * scorer.maxBatchSize(), 64));
        conf.set(ClassifyJobOptions.CHECKPOINT_INTERVAL, checkpointInterval);
        return conf;
    }

    private CommittedTopicReader<Prediction> labelReader(String topic) {
        return CommittedTopicReader.open(stack.bootstrapServers(), topic, Prediction.class);
    }

    private static double meanBatch(List<Prediction> labels) {
        return labels.stream().mapToInt(Prediction::getBatchSize).average().orElse(0);
    }
}
