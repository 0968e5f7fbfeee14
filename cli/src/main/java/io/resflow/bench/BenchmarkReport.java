package io.resflow.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.lines.SeriesLines;
import org.knowm.xchart.style.markers.SeriesMarkers;

/** Writes the benchmark's plots (PNG, with XChart) and its Markdown report. */
final class BenchmarkReport {

    record Results(
            String model,
            String machine,
            String command,
            int batchSize,
            List<RawEngineBenchmark.Point> rawSweep,
            CpuScaling scaling,
            String scorer,
            PipelineBenchmark.Throughput batched,
            PipelineBenchmark.Throughput batchedRawU8,
            PipelineBenchmark.Throughput perRecord,
            PipelineBenchmark.Throughput perRecordRawU8,
            List<Benchmarks.LoadRun> loads) {

        double rawAt(int batch) {
            return rawSweep.stream()
                    .filter(p -> p.batchSize() == batch)
                    .findFirst()
                    .orElseThrow(() -> new IllegalStateException("no raw point at batch " + batch))
                    .imagesPerSecond();
        }

        double pipelineOverRaw() {
            return batched.ratio();
        }

        double rawU8OverRaw() {
            return batchedRawU8.ratio();
        }

        /**
         * Median over rounds of the batched segment ÷ the one-record-at-a-time segment right after
         * it.
         */
        double batchedOverPerRecord() {
            return batched.pairedRatio(perRecord, PipelineBenchmark.Segment::imagesPerSecond);
        }

        double rawU8BatchedOverPerRecord() {
            return batchedRawU8.pairedRatio(
                    perRecordRawU8, PipelineBenchmark.Segment::imagesPerSecond);
        }

        /**
         * The raw engine's own batched ÷ one-at-a-time, from its measurements around the same
         * segments.
         */
        double rawBatchedOverPerRecord() {
            return batched.pairedRatio(perRecord, PipelineBenchmark.Segment::rawImagesPerSecond);
        }
    }

    private BenchmarkReport() {}

    static void write(Results r, Path markdown, Path plots) throws IOException {
        Files.createDirectories(plots);
        Path sweepPng = plots.resolve("batch-size-sweep.png");
        Path latencyPng = plots.resolve("latency.png");
        sweepChart(r, sweepPng);
        runChart(r, plots.resolve("pipeline-run.png"));
        latencyChart(r, latencyPng);
        Path base = markdown.toAbsolutePath().getParent();
        StringBuilder md = new StringBuilder();
        md.append("# Benchmarks\n\n");
        md.append("Measured side by side in one run of `")
                .append(r.command())
                .append("` on ")
                .append(r.machine())
                .append(", model ")
                .append(r.model())
                .append(". Absolute numbers are noisy on a shared 2-core machine;")
                .append(" the ratios are the result.\n\n");
        md.append("## Headline\n\n");
        md.append(
                String.format(
                        Locale.ROOT,
                        "- `pipeline/raw = %.2f` (pipeline %.0f images/s on PNG frames, the raw"
                            + " engine %.0f images/s measured around the pipeline's segments, both"
                            + " at batch size %d; goal >= 0.9). With RAW_U8 frames, which need no"
                            + " decoding: %.2f.%n",
                        r.pipelineOverRaw(),
                        r.batched().imagesPerSecond(),
                        r.batched().rawImagesPerSecond(),
                        r.batchSize(),
                        r.rawU8OverRaw()));
        md.append(
                String.format(
                        Locale.ROOT,
                        "- `batched/per-record = %.1f` (pipeline at max batch %d vs max batch 1 on"
                            + " PNG frames, the two jobs taking turns, median of the rounds'"
                            + " ratios; medians %.0f vs %.0f images/s; goal >= 3.5). With RAW_U8"
                            + " frames: %.1f (%.0f vs %.0f). The raw engine's own ratio, measured"
                            + " around the same segments: %.1f.%n",
                        r.batchedOverPerRecord(),
                        r.batchSize(),
                        r.batched().imagesPerSecond(),
                        r.perRecord().imagesPerSecond(),
                        r.rawU8BatchedOverPerRecord(),
                        r.batchedRawU8().imagesPerSecond(),
                        r.perRecordRawU8().imagesPerSecond(),
                        r.rawBatchedOverPerRecord()));
        md.append(
                "\n"
                    + "On this machine everything shares 2 CPU cores: the Kafka broker, Flink's"
                    + " source, decoding and sinks, TensorFlow's inference and the JVM's JIT"
                    + " compiler. Every CPU-millisecond the pipeline spends outside the model is"
                    + " taken from the model, so the CPU ratios measure the pipeline's own"
                    + " overhead. On a GPU the model's work leaves the CPU and the pipeline's"
                    + " overhead overlaps with it.\n");
        md.append("\n## Throughput\n\nThe pipeline's scorer settings: ")
                .append(r.scorer())
                .append(
                        ". For each frame encoding, a batched job and a one-record-at-a-time job"
                            + " run side by side on the cluster and take turns: warm-up rounds"
                            + " first, then measured rounds, every segment between two measurements"
                            + " of the raw engine at its batch size (taken while both jobs idle). A"
                            + " segment's ratio is its rate over the mean of the two raw"
                            + " measurements around it; the run's ratio and rate are the medians."
                            + " JIT is the JVM's compile time per second of wall time during the"
                            + " measured segments (summed over its compiler threads: 0.30 means the"
                            + " compiler took about 0.3 of a core).\n\n"
                            + "| what | max batch | mean batch | measured segments: pipeline ÷ raw"
                            + " engine around it, images/s | median images/s | JIT | ÷ raw engine"
                            + " |\n")
                .append("| --- | --- | --- | --- | --- | --- | --- |\n");
        row(md, "pipeline, PNG frames", r.batched());
        row(md, "pipeline, RAW_U8 frames", r.batchedRawU8());
        row(md, "pipeline, PNG, one record at a time", r.perRecord());
        row(md, "pipeline, RAW_U8, one record at a time", r.perRecordRawU8());
        PipelineBenchmark.Throughput b = r.batched();
        md.append(
                String.format(
                        Locale.ROOT,
                        "%nThe batched PNG run's %d warm-up segments: %s images/s, while the JIT"
                            + " took %s of a core. When the pipeline's scorer settings differ from"
                            + " TensorFlow's defaults, the raw engine is measured with both and the"
                            + " better counts.%n",
                        b.warmUp().size(),
                        each(
                                b.warmUp(),
                                seg -> String.format(Locale.ROOT, "%.0f", seg.imagesPerSecond())),
                        each(
                                b.warmUp(),
                                seg -> String.format(Locale.ROOT, "%.2f", seg.jitLoad()))));
        md.append("\n![the PNG runs round by round](")
                .append(base.relativize(plots.resolve("pipeline-run.png").toAbsolutePath()))
                .append(")\n");
        md.append(
                "\n"
                        + "## Batch-size sweep (raw engine)\n\n"
                        + "| batch | images/s | vs batch 1 |\n"
                        + "| --- | --- | --- |\n");
        for (RawEngineBenchmark.Point p : r.rawSweep()) {
            md.append(
                    String.format(
                            Locale.ROOT,
                            "| %d | %.0f | %.2fx |%n",
                            p.batchSize(),
                            p.imagesPerSecond(),
                            p.imagesPerSecond() / r.rawAt(1)));
        }
        md.append("\n![images per second by batch size](")
                .append(base.relativize(sweepPng.toAbsolutePath()))
                .append(")\n");
        CpuScaling c = r.scaling();
        md.append(
                String.format(
                        Locale.ROOT,
                        "%n## What batching can gain on this CPU%n%nThe raw engine, %d alternating"
                            + " rounds, medians. At batch %d: one TensorFlow thread %.0f images/s,"
                            + " one thread per core %.0f images/s, so the other cores add %.2fx. At"
                            + " batch 1: TensorFlow's defaults (idle threads spin) %.0f images/s,"
                            + " idle threads sleeping (ResFlow's default) %.0f images/s, one thread"
                            + " %.0f images/s. The engine's own batching gain over the best of"
                            + " these one-at-a-time baselines: %.1fx.%n%n",
                        c.pairs(),
                        c.batchSize(),
                        c.oneThread(),
                        c.allCores(),
                        c.coreScaling(),
                        c.singleSpinning(),
                        c.singleSleeping(),
                        c.singleOneThread(),
                        c.batchingGain()));
        md.append(
                "When the cores beyond the first add little (1.00x is nothing), the model's"
                    + " arithmetic runs no faster on all cores than on one, and batching gains only"
                    + " what it saves per call (setting up the call, copying in and out,"
                    + " TensorFlow's per-operation dispatch). The headline batched/per-record is"
                    + " one pipeline at two batch sizes, both with the pipeline's own scorer"
                    + " settings, and the engine's ratio next to it compares the raw engine the"
                    + " same way (the better of TensorFlow's defaults and those settings). The gain"
                    + " here, over the fastest of the one-at-a-time baselines above, is what"
                    + " batching gains over a scorer tuned for single images. The sweep above"
                    + " compares with batch 1 at TensorFlow's defaults, where spinning threads slow"
                    + " a single image down. TensorFlow 2.16.1 (DJL's natives) logs at start that"
                    + " its kernels outside oneDNN (off by default in this build) are built without"
                    + " AVX2 and FMA.\n");
        md.append("\n## End-to-end latency (capture to label)\n\n");
        md.append(
                String.format(
                        Locale.ROOT,
                        "Cameras send PNG frames at a steady rate, a fraction of the pipeline's"
                            + " maximum while they send. That maximum is found again right before"
                            + " every load, in two runs: cameras offer %.0f/s (1.25x the backlog"
                            + " rate of %.0f/s, which had no cameras sending), and the labels"
                            + " scored while they are still sending are a first estimate (capped at"
                            + " the backlog rate); then cameras offer that estimate at a steady"
                            + " rate, and what the job scores is the maximum the loads refer to (a"
                            + " job fed from a backlog scores faster than one fed at a steady rate;"
                            + " when the job keeps up with the estimate, this is a lower bound)."
                            + " The simulated cameras run on the same 2 cores as the job. Latency"
                            + " is from the frame's capture time to the moment its label is emitted"
                            + " (before the Kafka transaction commits, which adds up to one"
                            + " checkpoint interval for read_committed consumers).%n%n",
                        r.loads().get(0).overload().offeredRate(),
                        r.batched().imagesPerSecond()));
        md.append(
                "| offered rate | load | scored while sending | labels | p50 ms | p99 ms | mean"
                        + " batch | JIT |\n"
                        + "| --- | --- | --- | --- | --- | --- | --- | --- |\n");
        for (Benchmarks.LoadRun load : r.loads()) {
            String percent = String.format(Locale.ROOT, "%.0f%%", 100 * load.fraction());
            md.append(
                    latencyRow(
                            load.overload(),
                            String.format(
                                    Locale.ROOT,
                                    "overload (first estimate for %s: %.0f/s)",
                                    percent,
                                    load.firstEstimate(r.batched()))));
            md.append(
                    latencyRow(
                            load.atFirstEstimate(),
                            String.format(
                                    Locale.ROOT,
                                    "the estimate, steady (maximum for %s: %.0f/s)",
                                    percent,
                                    load.maximum(r.batched()))));
            md.append(latencyRow(load.atLoad(), "**" + percent + "**"));
        }
        md.append("\n![latency percentiles](")
                .append(base.relativize(latencyPng.toAbsolutePath()))
                .append(")\n");
        md.append(
                "\n"
                    + "## How it is measured\n\n"
                    + "- Raw engine: `SavedModelClassifier.predict` on preprocessed Fashion-MNIST"
                    + " test images, warm-up first, then repeated for a fixed time per batch size;"
                    + " includes copying into and out of TensorFlow. The sweep uses TensorFlow's"
                    + " thread defaults and one caller. Between the pipeline's segments the engine"
                    + " is measured again at that run's batch size (with TensorFlow's defaults, and"
                    + " with the pipeline's own scorer settings when they differ; the better"
                    + " counts).\n"
                    + "- Pipeline throughput: one unbounded classify job per configuration on a"
                    + " local Flink cluster that stays up for every run, as in the demo; per frame"
                    + " encoding the batched and the one-record-at-a-time jobs take turns, so"
                    + " batched/per-record compares segments minutes apart at most (decode,"
                    + " preprocess, batched scoring, exactly-once sinks). Frames are published one"
                    + " segment at a time; a segment's rate is the labels scored after its last"
                    + " frame was in Kafka (so the job works off a backlog and the publisher is not"
                    + " competing) divided by the time to the last one, read back from the labels"
                    + " topic with read_committed. Warm-up segments run until the warm-up time has"
                    + " passed and then until one ran with the JIT compiler under "
                        + PipelineBenchmark.QUIET_JIT
                        + " of a core (at most "
                        + PipelineBenchmark.WARM_UP_LIMIT
                        + "x the warm-up time): on 2 cores the JVM compiles Flink's, Kafka's and"
                        + " our code paths for minutes, and a job measured in its first minute runs"
                        + " at two thirds of its later speed.\n"
                        + "- CPU scaling: two more engines of the same model, one thread and one"
                        + " per core with sleeping threads, and the sweep's engine with"
                        + " TensorFlow's defaults, measured in turn.\n"
                        + "- Latency: the job runs unbounded; after a warm-up (100 frames, then 5 s"
                        + " at the offered rate), the replay sends at the offered rate and every"
                        + " label's own latency breakdown is collected. Frames are PNG-encoded"
                        + " before any sending, as real cameras encode on their own hardware.\n");
        // Measured by ingest's CamerasPerProcess, not here: carried over as it is (issue 18).
        Path ingest = plots.resolve("ingest-cameras.md");
        if (Files.isRegularFile(ingest)) {
            md.append('\n').append(Files.readString(ingest));
        }
        Files.writeString(markdown, md.toString());
    }

    private static void row(StringBuilder md, String what, PipelineBenchmark.Throughput t) {
        String segments =
                each(
                        t.measured(),
                        seg ->
                                String.format(
                                        Locale.ROOT,
                                        "%.0f ÷ %.0f",
                                        seg.imagesPerSecond(),
                                        seg.rawImagesPerSecond()));
        md.append(
                String.format(
                        Locale.ROOT,
                        "| %s | %d | %.1f | %s | %.0f | %.2f | %.2f |%n",
                        what,
                        t.maxBatchSize(),
                        t.meanBatchSize(),
                        segments,
                        t.imagesPerSecond(),
                        t.jitLoad(),
                        t.ratio()));
    }

    private static String latencyRow(PipelineBenchmark.Latency l, String load) {
        return String.format(
                Locale.ROOT,
                "| %.0f/s | %s | %.0f/s | %d | %.1f | %.1f | %.1f | %.2f |%n",
                l.offeredRate(),
                load,
                l.rateWhileSending(),
                l.labels(),
                l.p50Millis(),
                l.p99Millis(),
                l.meanBatchSize(),
                l.jitLoad());
    }

    private static String each(
            List<PipelineBenchmark.Segment> segments,
            Function<PipelineBenchmark.Segment, String> format) {
        return String.join(", ", segments.stream().map(format).toList());
    }

    /**
     * The PNG runs segment by segment: warm-up rounds, then measured rounds with the raw engine.
     */
    private static void runChart(Results r, Path png) throws IOException {
        int warmUpRounds = r.batched().warmUp().size();
        XYChart chart =
                new XYChartBuilder()
                        .width(900)
                        .height(500)
                        .title(
                                "PNG frames, round by round (measured from round "
                                        + (warmUpRounds + 1)
                                        + ")")
                        .xAxisTitle("round (one segment of each job)")
                        .yAxisTitle("images/s")
                        .build();
        chart.getStyler().setYAxisGroupPosition(1, Styler.YAxisPosition.Right);
        chart.getStyler().setYAxisMin(0, 0.0);
        addRun(chart, "batched (max " + r.batchSize() + ")", r.batched(), true);
        addRun(chart, "one at a time", r.perRecord(), false);
        chart.setYAxisGroupTitle(1, "JIT compile time per second (cores)");
        BitmapEncoder.saveBitmap(chart, png.toString(), BitmapEncoder.BitmapFormat.PNG);
    }

    private static void addRun(
            XYChart chart, String name, PipelineBenchmark.Throughput run, boolean withJit) {
        List<PipelineBenchmark.Segment> all = new ArrayList<>(run.warmUp());
        all.addAll(run.measured());
        double[] rounds = new double[all.size()];
        for (int i = 0; i < rounds.length; i++) {
            rounds[i] = i + 1;
        }
        chart.addSeries(
                        name + ", pipeline",
                        rounds,
                        all.stream()
                                .mapToDouble(PipelineBenchmark.Segment::imagesPerSecond)
                                .toArray())
                .setMarker(SeriesMarkers.CIRCLE);
        int first = run.warmUp().size();
        double[] measuredRounds = new double[run.measured().size()];
        for (int i = 0; i < measuredRounds.length; i++) {
            measuredRounds[i] = first + i + 1;
        }
        chart.addSeries(
                        name + ", raw engine around it",
                        measuredRounds,
                        run.measured().stream()
                                .mapToDouble(PipelineBenchmark.Segment::rawImagesPerSecond)
                                .toArray())
                .setMarker(SeriesMarkers.DIAMOND);
        if (withJit) {
            XYSeries jit =
                    chart.addSeries(
                            name + ", JIT",
                            rounds,
                            all.stream().mapToDouble(PipelineBenchmark.Segment::jitLoad).toArray());
            jit.setMarker(SeriesMarkers.NONE);
            jit.setLineStyle(SeriesLines.DASH_DASH);
            jit.setYAxisGroup(1);
        }
    }

    private static void sweepChart(Results r, Path png) throws IOException {
        XYChart chart =
                new XYChartBuilder()
                        .width(800)
                        .height(500)
                        .title("Images per second by batch size")
                        .xAxisTitle("batch size (log2)")
                        .yAxisTitle("images/s")
                        .build();
        chart.getStyler().setXAxisLogarithmic(true);
        double[] x =
                r.rawSweep().stream().mapToDouble(RawEngineBenchmark.Point::batchSize).toArray();
        double[] y =
                r.rawSweep().stream()
                        .mapToDouble(RawEngineBenchmark.Point::imagesPerSecond)
                        .toArray();
        chart.addSeries("raw engine", x, y).setMarker(SeriesMarkers.CIRCLE);
        XYSeries pipeline =
                chart.addSeries(
                        "pipeline (PNG frames)",
                        new double[] {1, r.batchSize()},
                        new double[] {
                            r.perRecord().imagesPerSecond(), r.batched().imagesPerSecond()
                        });
        pipeline.setMarker(SeriesMarkers.DIAMOND);
        BitmapEncoder.saveBitmap(chart, png.toString(), BitmapEncoder.BitmapFormat.PNG);
    }

    private static void latencyChart(Results r, Path png) throws IOException {
        CategoryChart chart =
                new CategoryChartBuilder()
                        .width(800)
                        .height(500)
                        .title("End-to-end latency by offered rate")
                        .xAxisTitle("offered rate (images/s)")
                        .yAxisTitle("ms")
                        .build();
        List<PipelineBenchmark.Latency> atLoad =
                r.loads().stream().map(Benchmarks.LoadRun::atLoad).toList();
        List<String> rates =
                atLoad.stream()
                        .map(l -> String.format(Locale.ROOT, "%.0f/s", l.offeredRate()))
                        .toList();
        chart.addSeries(
                "p50", rates, atLoad.stream().map(PipelineBenchmark.Latency::p50Millis).toList());
        chart.addSeries(
                "p99", rates, atLoad.stream().map(PipelineBenchmark.Latency::p99Millis).toList());
        BitmapEncoder.saveBitmap(chart, png.toString(), BitmapEncoder.BitmapFormat.PNG);
    }
}
