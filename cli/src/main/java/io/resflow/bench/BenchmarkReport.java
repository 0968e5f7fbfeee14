package io.resflow.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;

/** Writes the benchmark's plots (PNG, with XChart) and its Markdown report. */
final class BenchmarkReport {

    record Results(
            String model,
            String machine,
            String command,
            int batchSize,
            List<RawEngineBenchmark.Point> rawSweep,
            /** Present when the pipeline's scorer settings differ from the sweep's (TensorFlow's defaults, one caller). */
            Optional<RawEngineBenchmark.Point> rawAsPipeline,
            String scorer,
            PipelineBenchmark.Throughput pipelineBatched,
            PipelineBenchmark.Throughput pipelineRawU8,
            PipelineBenchmark.Throughput pipelinePerRecord,
            PipelineBenchmark.Throughput pipelinePerRecordRawU8,
            List<PipelineBenchmark.Latency> latencies) {

        double rawAt(int batch) {
            return rawSweep.stream().filter(p -> p.batchSize() == batch).findFirst()
                    .orElseThrow(() -> new IllegalStateException("no raw point at batch " + batch)).imagesPerSecond();
        }

        /**
         * The raw engine's best at the headline batch size: with TensorFlow's defaults and one caller
         * (the sweep), or with the pipeline's own thread settings and concurrent batches.
         */
        double rawBest() {
            return Math.max(rawAt(batchSize), rawAsPipeline.map(RawEngineBenchmark.Point::imagesPerSecond).orElse(0.0));
        }

        double pipelineOverRaw() {
            return pipelineBatched.imagesPerSecond() / rawBest();
        }

        double batchedOverPerRecord() {
            return pipelineBatched.imagesPerSecond() / pipelinePerRecord.imagesPerSecond();
        }

        double rawU8OverRaw() {
            return pipelineRawU8.imagesPerSecond() / rawBest();
        }

        double rawU8BatchedOverPerRecord() {
            return pipelineRawU8.imagesPerSecond() / pipelinePerRecordRawU8.imagesPerSecond();
        }
    }

    private BenchmarkReport() {}

    static void write(Results r, Path markdown, Path plots) throws IOException {
        Files.createDirectories(plots);
        Path sweepPng = plots.resolve("batch-size-sweep.png");
        Path latencyPng = plots.resolve("latency.png");
        sweepChart(r, sweepPng);
        latencyChart(r, latencyPng);
        Path base = markdown.toAbsolutePath().getParent();
        StringBuilder md = new StringBuilder();
        md.append("# Benchmarks\n\n");
        md.append("Measured side by side in one run of `").append(r.command()).append("` on ").append(r.machine())
                .append(", model ").append(r.model()).append(". Absolute numbers are noisy on a shared 2-core machine;")
                .append(" the ratios are the result.\n\n");
        md.append("## Headline\n\n");
        md.append(String.format(Locale.ROOT, "- `pipeline/raw = %.2f` (pipeline %.0f images/s on PNG frames vs the raw"
                        + " engine %.0f images/s, both at batch size %d; goal >= 0.9). With RAW_U8 frames, which need"
                        + " no decoding: %.2f.%n", r.pipelineOverRaw(), r.pipelineBatched().imagesPerSecond(),
                r.rawBest(), r.batchSize(), r.rawU8OverRaw()));
        md.append(String.format(Locale.ROOT, "- `batched/per-record = %.1f` (pipeline at max batch %d vs max batch 1 on"
                        + " PNG frames: %.0f vs %.0f images/s; goal >= 3.5). With RAW_U8 frames: %.1f (%.0f vs %.0f)."
                        + " The raw engine's own ratio is %.1f.%n", r.batchedOverPerRecord(), r.batchSize(),
                r.pipelineBatched().imagesPerSecond(), r.pipelinePerRecord().imagesPerSecond(),
                r.rawU8BatchedOverPerRecord(), r.pipelineRawU8().imagesPerSecond(),
                r.pipelinePerRecordRawU8().imagesPerSecond(), r.rawAt(r.batchSize()) / r.rawAt(1)));
        md.append("\nOn this machine everything shares 2 CPU cores: the Kafka broker, Flink's source, decoding and"
                + " sinks, and TensorFlow's inference. Every CPU-millisecond the pipeline spends outside the model is"
                + " taken from the model, so the CPU ratios measure the pipeline's own overhead. On a GPU the model's"
                + " work leaves the CPU and the pipeline's overhead overlaps with it.\n");
        md.append("\n## Throughput\n\nThe pipeline's scorer settings: ").append(r.scorer()).append(". Ratios are to the"
                + " raw engine's best configuration at that batch size.\n\n"
                + "| what | max batch | mean batch | images/s | ÷ raw engine at that batch |\n")
                .append("| --- | --- | --- | --- | --- |\n");
        row(md, "raw engine, TensorFlow's thread defaults, one caller", r.batchSize(), r.batchSize(),
                r.rawAt(r.batchSize()), r.rawAt(r.batchSize()) / r.rawBest());
        r.rawAsPipeline().ifPresent(p -> row(md, "raw engine, the pipeline's scorer settings (" + p.concurrency()
                + " caller(s))", r.batchSize(), r.batchSize(), p.imagesPerSecond(), p.imagesPerSecond() / r.rawBest()));
        row(md, "pipeline, PNG frames", r.batchSize(), r.pipelineBatched().meanBatchSize(),
                r.pipelineBatched().imagesPerSecond(), r.pipelineOverRaw());
        row(md, "pipeline, RAW_U8 frames", r.batchSize(), r.pipelineRawU8().meanBatchSize(),
                r.pipelineRawU8().imagesPerSecond(), r.rawU8OverRaw());
        row(md, "pipeline, PNG, one record at a time", 1, r.pipelinePerRecord().meanBatchSize(),
                r.pipelinePerRecord().imagesPerSecond(), r.pipelinePerRecord().imagesPerSecond() / r.rawAt(1));
        row(md, "pipeline, RAW_U8, one record at a time", 1, r.pipelinePerRecordRawU8().meanBatchSize(),
                r.pipelinePerRecordRawU8().imagesPerSecond(), r.pipelinePerRecordRawU8().imagesPerSecond() / r.rawAt(1));
        md.append("\n## Batch-size sweep (raw engine)\n\n| batch | images/s | vs batch 1 |\n| --- | --- | --- |\n");
        for (RawEngineBenchmark.Point p : r.rawSweep()) {
            md.append(String.format(Locale.ROOT, "| %d | %.0f | %.2fx |%n", p.batchSize(), p.imagesPerSecond(),
                    p.imagesPerSecond() / r.rawAt(1)));
        }
        md.append("\n![images per second by batch size](").append(base.relativize(sweepPng.toAbsolutePath()))
                .append(")\n");
        md.append("\n## End-to-end latency (capture to label)\n\nCameras send PNG frames at a steady rate, a fraction"
                + " of the pipeline's measured maximum; latency is from the frame's capture time to the moment its"
                + " label is emitted (before the Kafka transaction commits, which adds up to one checkpoint interval"
                + " for read_committed consumers).\n\n| offered rate | achieved | labels | p50 ms | p99 ms | mean batch |\n"
                + "| --- | --- | --- | --- | --- | --- |\n");
        for (PipelineBenchmark.Latency l : r.latencies()) {
            md.append(String.format(Locale.ROOT, "| %.0f/s | %.0f/s | %d | %.1f | %.1f | %.1f |%n", l.offeredRate(),
                    l.achievedRate(), l.labels(), l.p50Millis(), l.p99Millis(), l.meanBatchSize()));
        }
        md.append("\n![latency percentiles](").append(base.relativize(latencyPng.toAbsolutePath())).append(")\n");
        md.append("\n## How it is measured\n\n"
                + "- Raw engine: `SavedModelClassifier.predict` on preprocessed Fashion-MNIST test images, warm-up first,"
                + " then repeated for a fixed time per batch size; includes copying into and out of TensorFlow. The"
                + " sweep uses TensorFlow's thread defaults and one caller; when the pipeline's scorer settings differ,"
                + " the engine is also measured with them at the headline batch size, and the better of the two is"
                + " the reference.\n"
                + "- Pipeline throughput: the frames are put in Kafka first, then the classify job runs bounded on a"
                + " local Flink cluster (decode, preprocess, batched scoring, exactly-once sinks), after one unmeasured"
                + " warm-up run of the same job; images/s is labels"
                + " divided by the span between the first and the last label's scoring time, read back from the labels"
                + " topic with read_committed.\n"
                + "- Latency: the job runs unbounded; after a warm-up, the replay sends at the offered rate and every"
                + " label's own latency breakdown is collected.\n");
        Files.writeString(markdown, md.toString());
    }

    private static void row(StringBuilder md, String what, int maxBatch, double meanBatch, double ips, double ratio) {
        md.append(String.format(Locale.ROOT, "| %s | %d | %.1f | %.0f | %.2f |%n", what, maxBatch, meanBatch, ips, ratio));
    }

    private static void sweepChart(Results r, Path png) throws IOException {
        XYChart chart = new XYChartBuilder().width(800).height(500).title("Images per second by batch size")
                .xAxisTitle("batch size (log2)").yAxisTitle("images/s").build();
        chart.getStyler().setXAxisLogarithmic(true);
        double[] x = r.rawSweep().stream().mapToDouble(RawEngineBenchmark.Point::batchSize).toArray();
        double[] y = r.rawSweep().stream().mapToDouble(RawEngineBenchmark.Point::imagesPerSecond).toArray();
        chart.addSeries("raw engine", x, y).setMarker(SeriesMarkers.CIRCLE);
        XYSeries pipeline = chart.addSeries("pipeline (PNG frames)",
                new double[] {1, r.batchSize()},
                new double[] {r.pipelinePerRecord().imagesPerSecond(), r.pipelineBatched().imagesPerSecond()});
        pipeline.setMarker(SeriesMarkers.DIAMOND);
        BitmapEncoder.saveBitmap(chart, png.toString(), BitmapEncoder.BitmapFormat.PNG);
    }

    private static void latencyChart(Results r, Path png) throws IOException {
        CategoryChart chart = new CategoryChartBuilder().width(800).height(500)
                .title("End-to-end latency by offered rate").xAxisTitle("offered rate (images/s)").yAxisTitle("ms")
                .build();
        List<String> rates = r.latencies().stream()
                .map(l -> String.format(Locale.ROOT, "%.0f/s", l.offeredRate())).toList();
        chart.addSeries("p50", rates, r.latencies().stream().map(PipelineBenchmark.Latency::p50Millis).toList());
        chart.addSeries("p99", rates, r.latencies().stream().map(PipelineBenchmark.Latency::p99Millis).toList());
        BitmapEncoder.saveBitmap(chart, png.toString(), BitmapEncoder.BitmapFormat.PNG);
    }
}
