package io.resflow.trainer.evaluation;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Writes an evaluation as {@value #JSON_FILE} (accuracy, per-class precision/recall/F1, confusion
 * matrix) and {@value #CONFUSION_PNG} (heat map).
 *
 * <pre>{@code
 * ClassificationReport report = EvaluationReportWriter.write(matrix, runDir, "ResNet-20 on Fashion-MNIST test");
 * }</pre>
 */
public final class EvaluationReportWriter {

    public static final String JSON_FILE = "evaluation.json";
    public static final String CONFUSION_PNG = "confusion-matrix.png";

    private EvaluationReportWriter() {}

    /** Writes both files into {@code directory} and returns the report written. */
    public static ClassificationReport write(ConfusionMatrix matrix, Path directory, String title)
            throws IOException {
        ClassificationReport report = ClassificationReport.from(matrix);
        ReportJson.write(report, directory.resolve(JSON_FILE));
        Charts.savePng(
                Charts.confusionMatrixChart(
                        title
                                + String.format(
                                        java.util.Locale.ROOT,
                                        " (accuracy %.4f)",
                                        report.accuracy()),
                        matrix),
                directory.resolve(CONFUSION_PNG));
        return report;
    }

    public static ClassificationReport read(Path json) throws IOException {
        return ReportJson.read(json, ClassificationReport.class);
    }
}
