package io.resflow.trainer.evaluation;

import java.awt.Color;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.knowm.xchart.XYChart;

/**
 * Several runs' error curves on one chart, in the style of He et al. (2015) Fig. 6: one colour per
 * run, training error dashed, test error bold, error in percent against iterations. For comparing
 * plain-20/ResNet-20/plain-56/ResNet-56 and the like.
 *
 * <pre>{@code
 * RunComparisonChart.write(Path.of("fig6.png"), "CIFAR-10", List.of(
 *         new RunComparisonChart.Run("plain-20", plain20.trainingErrorCurve(), plain20.testErrorCurve()),
 *         new RunComparisonChart.Run("ResNet-20", resnet20.trainingErrorCurve(), resnet20.testErrorCurve())));
 * }</pre>
 */
public final class RunComparisonChart {

    /** One run's curves; y values are error fractions (0..1), x iterations. Either may be empty. */
    public record Run(String name, Curve trainingError, Curve testError) {}

    private RunComparisonChart() {}

    public static XYChart chart(String title, List<Run> runs) {
        if (runs.isEmpty()) {
            throw new IllegalArgumentException("no runs to compare");
        }
        List<Curve> curves = new ArrayList<>();
        List<Color> colours = new ArrayList<>();
        for (int i = 0; i < runs.size(); i++) {
            Run run = runs.get(i);
            Color colour = Charts.PALETTE[i % Charts.PALETTE.length];
            curves.add(
                    new Curve(
                                    run.name() + " train",
                                    run.trainingError().x(),
                                    run.trainingError().y(),
                                    true)
                            .scaledY(100));
            colours.add(colour);
            curves.add(
                    new Curve(run.name() + " test", run.testError().x(), run.testError().y(), false)
                            .scaledY(100));
            colours.add(colour);
        }
        return Charts.lineChart(title, "iteration", "error (%)", curves, colours);
    }

    public static void write(Path png, String title, List<Run> runs) throws IOException {
        Charts.savePng(chart(title, runs), png);
    }
}
