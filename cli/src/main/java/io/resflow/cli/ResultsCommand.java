package io.resflow.cli;

import io.resflow.trainer.evaluation.RunComparisonChart;
import io.resflow.trainer.run.RunDescription;
import io.resflow.trainer.training.TrainingResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Writes model-trainer/RESULTS.md from finished training runs: the headline run's accuracy and
 * cost, and the degradation comparison of plain and residual nets (He et al. 2015, Fig. 6) as one
 * chart. model-trainer/experiments/results.sh runs the trainings and then this.
 */
@Command(
        name = "results",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = "Write a results report (Markdown and plots) from finished training runs.")
final class ResultsCommand implements Callable<Integer> {

    @Option(
            names = "--headline",
            required = true,
            description =
                    "The run whose test accuracy is the headline (e.g. ResNet-20 on the full"
                            + " training set).")
    Path headline;

    @Option(
            names = "--target",
            defaultValue = "0.935",
            description = "The accuracy the headline run is held to (default: ${DEFAULT-VALUE}).")
    double target;

    @Option(
            names = "--compare",
            split = ",",
            required = true,
            description = "Runs to compare, e.g. plain-20, ResNet-20, plain-56, ResNet-56.")
    List<Path> compare;

    @Option(
            names = "--output",
            defaultValue = "model-trainer/RESULTS.md",
            description = "Report to write (default: ${DEFAULT-VALUE}).")
    Path output;

    @Option(
            names = "--plots",
            defaultValue = "model-trainer/results",
            description = "Folder for the plots (default: ${DEFAULT-VALUE}).")
    Path plots;

    @Option(
            names = "--command",
            defaultValue = "model-trainer/experiments/results.sh",
            description = "The command that produced the runs, for the record.")
    String command;

    @Override
    public Integer call() throws Exception {
        Files.createDirectories(plots);
        TrainingResult best = TrainingResult.read(headline.resolve(TrainingResult.JSON_FILE));
        RunDescription bestRun = RunDescription.read(headline);
        StringBuilder md = new StringBuilder("# model-trainer results\n\n");
        md.append("Produced by `")
                .append(command)
                .append("` on ")
                .append(machine())
                .append(".\n\n");
        md.append(
                String.format(
                        Locale.ROOT, "## %s on %s%n%n", bestRun.architecture(), bestRun.dataset()));
        md.append(
                String.format(
                        Locale.ROOT,
                        "- test accuracy **%.4f** (target %.3f: %s)%n",
                        best.testAccuracy(),
                        target,
                        best.testAccuracy() >= target ? "reached" : "NOT reached"));
        md.append(
                String.format(
                        Locale.ROOT,
                        "- %d epochs, %d iterations, %.0f images/s, wall time %.1f min, devices"
                                + " %s%n",
                        best.epochs(),
                        best.iterations(),
                        best.imagesPerSecond(),
                        best.wallTimeSeconds() / 60,
                        best.devices()));
        md.append(
                String.format(
                        Locale.ROOT,
                        "- %,d trainable parameters; settings %s%n%n",
                        bestRun.trainableParameters(),
                        best.config()));
        Path headlinePlot = plots.resolve("headline-error.png");
        RunComparisonChart.write(
                headlinePlot,
                bestRun.architecture() + ": training and test error",
                List.of(
                        new RunComparisonChart.Run(
                                bestRun.architecture(),
                                best.trainingErrorCurve(),
                                best.testErrorCurve())));
        md.append("![training and test error](").append(relative(headlinePlot)).append(")\n\n");

        md.append("## Plain versus residual nets (the Fig. 6 question)\n\n")
                .append(
                        "| network | parameters | epochs | final training error | test error |"
                                + " images/s | wall time |\n")
                .append("| --- | --- | --- | --- | --- | --- | --- |\n");
        List<RunComparisonChart.Run> runs = new ArrayList<>();
        for (Path run : compare) {
            TrainingResult result = TrainingResult.read(run.resolve(TrainingResult.JSON_FILE));
            RunDescription description = RunDescription.read(run);
            runs.add(
                    new RunComparisonChart.Run(
                            description.architecture(),
                            result.trainingErrorCurve(),
                            result.testErrorCurve()));
            md.append(
                    String.format(
                            Locale.ROOT,
                            "| %s | %,d | %d | %.2f%% | %.2f%% | %.0f | %.1f min |%n",
                            description.architecture(),
                            description.trainableParameters(),
                            result.epochs(),
                            100 * (1 - result.finalTrainAccuracy()),
                            100 * (1 - result.testAccuracy()),
                            result.imagesPerSecond(),
                            result.wallTimeSeconds() / 60));
        }
        Path comparison = plots.resolve("plain-vs-residual.png");
        RunComparisonChart.write(comparison, "Training (dashed) and test (bold) error", runs);
        md.append("\n![plain versus residual](").append(relative(comparison)).append(")\n");
        Files.writeString(output, md.toString());
        System.out.println("Wrote " + output);
        return 0;
    }

    private Path relative(Path plot) {
        return output.toAbsolutePath().getParent().relativize(plot.toAbsolutePath());
    }

    private static String machine() {
        return Runtime.getRuntime().availableProcessors()
                + " CPU cores, "
                + System.getProperty("os.name")
                + " "
                + System.getProperty("os.arch")
                + ", Java "
                + System.getProperty("java.version");
    }
}
