package io.resflow.trainer.training;

import io.resflow.trainer.evaluation.Charts;
import io.resflow.trainer.evaluation.ClassificationReport;
import io.resflow.trainer.evaluation.Curve;
import io.resflow.trainer.evaluation.EvaluationReportWriter;
import io.resflow.trainer.evaluation.ReportJson;
import io.resflow.trainer.evaluation.RunComparisonChart;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes a run's reports into a folder:
 *
 * <ul>
 *   <li>{@value TrainingResult#JSON_FILE}: the whole {@link TrainingResult}
 *   <li>{@value #LOSS_PNG}: training loss against iterations (per window, dashed; per epoch, bold)
 *   <li>{@value #ERROR_PNG}: training error (dashed) and test error (bold) in percent against
 *       iterations, He et al. (2015) Fig. 6 style
 *   <li>{@value EvaluationReportWriter#JSON_FILE} and {@value
 *       EvaluationReportWriter#CONFUSION_PNG}: the test evaluation
 * </ul>
 */
public final class TrainingReportWriter {

    public static final String LOSS_PNG = "training-loss.png";
    public static final String ERROR_PNG = "training-error.png";

    private TrainingReportWriter() {}

    public static void write(TrainingResult result, Path directory) throws IOException {
        ReportJson.write(result, directory.resolve(TrainingResult.JSON_FILE));
        List<Curve> loss = new ArrayList<>();
        loss.add(result.trainingLossCurve());
        loss.add(
                Curve.solid(
                        result.modelName() + " train loss (per epoch)",
                        result.epochHistory().stream().map(e -> (double) e.iterations()).toList(),
                        result.epochHistory().stream().map(EpochSummary::trainLoss).toList()));
        Charts.savePng(
                Charts.lineChart(result.modelName() + ": training loss", "iteration", "loss", loss),
                directory.resolve(LOSS_PNG));
        RunComparisonChart.write(
                directory.resolve(ERROR_PNG),
                result.modelName() + ": error",
                List.of(
                        new RunComparisonChart.Run(
                                result.modelName(),
                                result.trainingErrorCurve(),
                                result.testErrorCurve())));
        ClassificationReport report = result.testReport();
        if (report != null && report.examples() > 0) {
            EvaluationReportWriter.write(
                    report.toConfusionMatrix(), directory, result.modelName() + " test");
        }
    }
}
