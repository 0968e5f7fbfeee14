package io.resflow.trainer.evaluation;

import java.awt.BasicStroke;
import java.awt.Color;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.HeatMapChart;
import org.knowm.xchart.HeatMapChartBuilder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.internal.chartpart.Chart;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * XChart charts of training curves and confusion matrices, and PNG output.
 *
 * <pre>{@code
 * XYChart chart = Charts.lineChart("ResNet-20", "iteration", "training error (%)", List.of(curve));
 * Charts.savePng(chart, runDir.resolve("training-error.png"));
 * }</pre>
 */
public final class Charts {

    /** Distinct line colours (Tableau 10), one per run or per series. */
    static final Color[] PALETTE = {
        new Color(0x1f77b4), new Color(0xff7f0e), new Color(0x2ca02c), new Color(0xd62728),
        new Color(0x9467bd), new Color(0x8c564b), new Color(0xe377c2), new Color(0x7f7f7f),
        new Color(0xbcbd22), new Color(0x17becf)
    };

    private static final BasicStroke DASHED =
            new BasicStroke(
                    1.2f,
                    BasicStroke.CAP_BUTT,
                    BasicStroke.JOIN_ROUND,
                    10f,
                    new float[] {6f, 4f},
                    0f);
    private static final BasicStroke SOLID = new BasicStroke(2.2f);

    private Charts() {}

    /**
     * A line chart with one series per curve, each in its own colour unless {@code colours} pairs
     * them (see {@link #lineChart(String, String, String, List, List)}).
     */
    public static XYChart lineChart(
            String title, String xTitle, String yTitle, List<Curve> curves) {
        List<Color> colours = new ArrayList<>();
        for (int i = 0; i < curves.size(); i++) {
            colours.add(PALETTE[i % PALETTE.length]);
        }
        return lineChart(title, xTitle, yTitle, curves, colours);
    }

    /** A line chart with the given colour for each curve; empty curves are left out. */
    public static XYChart lineChart(
            String title, String xTitle, String yTitle, List<Curve> curves, List<Color> colours) {
        if (curves.size() != colours.size()) {
            throw new IllegalArgumentException(
                    curves.size() + " curves but " + colours.size() + " colours");
        }
        XYChart chart =
                new XYChartBuilder()
                        .width(900)
                        .height(560)
                        .title(title)
                        .xAxisTitle(xTitle)
                        .yAxisTitle(yTitle)
                        .build();
        chart.getStyler().setLegendPosition(Styler.LegendPosition.InsideNE);
        chart.getStyler().setChartBackgroundColor(Color.WHITE);
        chart.getStyler().setPlotBackgroundColor(Color.WHITE);
        chart.getStyler().setPlotGridLinesColor(new Color(0xdddddd));
        // Markers only where a curve is a single point (one epoch's test error), so it stays
        // visible.
        chart.getStyler().setMarkerSize(9);
        boolean any = false;
        for (int i = 0; i < curves.size(); i++) {
            Curve curve = curves.get(i);
            if (curve.isEmpty()) {
                continue;
            }
            any = true;
            XYSeries series = chart.addSeries(curve.name(), curve.x(), curve.y());
            series.setMarker(curve.x().size() == 1 ? SeriesMarkers.CIRCLE : SeriesMarkers.NONE);
            series.setLineColor(colours.get(i));
            series.setMarkerColor(colours.get(i));
            series.setLineStyle(curve.dashed() ? DASHED : SOLID);
        }
        if (!any) {
            throw new IllegalArgumentException(
                    "chart '"
                            + title
                            + "' has no data: all "
                            + curves.size()
                            + " curves are empty");
        }
        return chart;
    }

    /**
     * The confusion matrix as a heat map: actual classes top to bottom, predicted classes left to
     * right, cells coloured by the fraction of the actual class (row-normalised, so rare classes
     * show as clearly as common ones) and labelled with that fraction.
     */
    public static HeatMapChart confusionMatrixChart(String title, ConfusionMatrix matrix) {
        int n = matrix.numClasses();
        int size = Math.max(520, 140 + 62 * n);
        HeatMapChart chart =
                new HeatMapChartBuilder()
                        .width(size + 120)
                        .height(size)
                        .title(title)
                        .xAxisTitle("predicted")
                        .yAxisTitle("actual")
                        .build();
        List<String> predicted = matrix.classNames();
        // XChart draws the first y category at the bottom; reverse so class 0 is on top.
        List<String> actual = new ArrayList<>(matrix.classNames());
        java.util.Collections.reverse(actual);
        List<Number[]> cells = new ArrayList<>();
        for (int a = 0; a < n; a++) {
            long support = matrix.support(a);
            for (int p = 0; p < n; p++) {
                double fraction = support == 0 ? 0 : (double) matrix.count(a, p) / support;
                cells.add(new Number[] {p, n - 1 - a, fraction});
            }
        }
        chart.addSeries("fraction of actual class", predicted, actual, cells);
        chart.getStyler().setShowValue(true);
        chart.getStyler().setHeatMapValueDecimalPattern("0.00");
        chart.getStyler().setMin(0);
        chart.getStyler().setMax(1);
        // XChart draws every value label in one colour, so the darkest cell must stay light enough
        // for black text to read on it (contrast about 8:1 at 0x6baed6).
        chart.getStyler()
                .setRangeColors(
                        new Color[] {Color.WHITE, new Color(0xc6dbef), new Color(0x6baed6)});
        chart.getStyler().setChartBackgroundColor(Color.WHITE);
        chart.getStyler().setXAxisLabelRotation(45);
        chart.getStyler().setValueFontColor(Color.BLACK);
        return chart;
    }

    /** Writes the chart as a PNG file at exactly this path. */
    public static void savePng(Chart<?, ?> chart, Path file) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        Files.createDirectories(parent);
        try (OutputStream out = Files.newOutputStream(file)) {
            BitmapEncoder.saveBitmap(chart, out, BitmapEncoder.BitmapFormat.PNG);
        }
    }
}
