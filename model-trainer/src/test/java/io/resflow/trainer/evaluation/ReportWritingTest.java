package io.resflow.trainer.evaluation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.IntStream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReportWritingTest {

    @TempDir Path dir;

    private static void assertPng(Path file) throws Exception {
        assertThat(file).exists();
        assertThat(Files.size(file)).isGreaterThan(1000);
        BufferedImage image = ImageIO.read(file.toFile());
        assertThat(image).as("%s decodes as an image", file).isNotNull();
        assertThat(image.getWidth()).isGreaterThan(300);
    }

    @Test
    void evaluationJsonAndConfusionHeatMap() throws Exception {
        List<String> names =
                List.of(
                        "T-shirt/top",
                        "Trouser",
                        "Pullover",
                        "Dress",
                        "Coat",
                        "Sandal",
                        "Shirt",
                        "Sneaker",
                        "Bag",
                        "Ankle boot");
        long[][] counts = new long[10][10];
        for (int a = 0; a < 10; a++) {
            counts[a][a] = 80 + a;
            counts[a][(a + 1) % 10] = 20 - a;
        }
        ConfusionMatrix matrix = ConfusionMatrix.of(names, counts);

        ClassificationReport written =
                EvaluationReportWriter.write(matrix, dir, "Fashion-MNIST test");

        assertPng(dir.resolve(EvaluationReportWriter.CONFUSION_PNG));
        ClassificationReport read =
                EvaluationReportWriter.read(dir.resolve(EvaluationReportWriter.JSON_FILE));
        assertThat(read.accuracy()).isCloseTo(matrix.accuracy(), within(1e-12));
        assertThat(read.classes()).hasSize(10);
        assertThat(read.classes().get(3).recall()).isCloseTo(83 / 100.0, within(1e-12));
        assertThat(read.confusionMatrix()).isDeepEqualTo(counts);
        assertThat(written.macroF1()).isCloseTo(matrix.macroF1(), within(1e-12));
        assertThat(Files.readString(dir.resolve(EvaluationReportWriter.JSON_FILE)))
                .contains("\"macroF1\"", "\"Ankle boot\"");
    }

    @Test
    void lineChartAndRunComparisonAsPng() throws Exception {
        List<Double> iterations = IntStream.rangeClosed(1, 50).mapToObj(i -> i * 100.0).toList();
        Curve train20 =
                Curve.dashed(
                        "t",
                        iterations,
                        iterations.stream().map(i -> 0.5 * Math.exp(-i / 2000)).toList());
        Curve test20 = Curve.solid("t", List.of(1000.0, 3000.0, 5000.0), List.of(0.3, 0.2, 0.15));
        Curve train56 =
                Curve.dashed(
                        "t",
                        iterations,
                        iterations.stream().map(i -> 0.45 * Math.exp(-i / 1800)).toList());
        Curve test56 = Curve.solid("t", List.of(1000.0, 3000.0, 5000.0), List.of(0.28, 0.17, 0.12));

        RunComparisonChart.write(
                dir.resolve("fig6.png"),
                "plain vs ResNet",
                List.of(
                        new RunComparisonChart.Run("ResNet-20", train20, test20),
                        new RunComparisonChart.Run("ResNet-56", train56, test56)));
        Charts.savePng(
                Charts.lineChart("loss", "iteration", "loss", List.of(train20)),
                dir.resolve("loss.png"));

        assertPng(dir.resolve("fig6.png"));
        assertPng(dir.resolve("loss.png"));
        var chart =
                RunComparisonChart.chart(
                        "x", List.of(new RunComparisonChart.Run("ResNet-20", train20, test20)));
        assertThat(chart.getSeriesMap()).containsOnlyKeys("ResNet-20 train", "ResNet-20 test");
        assertThat(chart.getSeriesMap().get("ResNet-20 test").getYData())
                .containsExactly(30.0, 20.0, 15.0);
    }

    @Test
    void chartWithoutDataIsRefused() {
        Curve empty = Curve.solid("nothing", List.of(), List.of());
        assertThatThrownBy(() -> Charts.lineChart("empty", "x", "y", List.of(empty)))
                .hasMessageContaining("no data");
        assertThatThrownBy(() -> Curve.solid("bad", List.of(1.0), List.of()))
                .hasMessageContaining("1 x values but 0 y values");
    }
}
