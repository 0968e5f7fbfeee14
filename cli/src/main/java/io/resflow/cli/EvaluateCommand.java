package io.resflow.cli;

import ai.djl.Device;
import io.resflow.datasets.LabelledImages;
import io.resflow.runtime.metadata.InputSpec;
import io.resflow.runtime.savedmodel.SavedModelClassifier;
import io.resflow.runtime.scores.TopClasses;
import io.resflow.trainer.evaluation.ClassificationReport;
import io.resflow.trainer.evaluation.ConfusionMatrix;
import io.resflow.trainer.evaluation.EvaluationReportWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import me.tongfei.progressbar.ProgressBar;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
        name = "evaluate",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description =
                "Evaluate a SavedModel exactly as the pipeline serves it (DJL's TensorFlow engine):"
                        + " accuracy, per-class precision and recall, confusion matrix; written as"
                        + " evaluation.json and confusion-matrix.png.")
final class EvaluateCommand implements Callable<Integer> {

    private static final int BATCH = 256;

    @Option(
            names = "--model",
            required = true,
            description = "SavedModel directory (e.g. runs/quick/saved-model).")
    Path model;

    @Option(
            names = "--data",
            defaultValue = "fashion-mnist-test",
            description =
                    "fashion-mnist-test (default), or a folder or avro:PATH as for train (its"
                            + " held-out share is used).")
    String data;

    @Option(
            names = "--classes",
            split = ",",
            description =
                    "Class names in label order, for avro: data (default: the model's labels).")
    List<String> classes;

    @Option(
            names = "--holdout",
            defaultValue = "0.1",
            description =
                    "For a folder or avro: data, the --holdout the model was trained with; another"
                            + " value evaluates on images it was trained on (default:"
                            + " ${DEFAULT-VALUE}).")
    double holdOut;

    @Option(
            names = "--seed",
            defaultValue = "42",
            description =
                    "For a folder or avro: data, the --seed the model was trained with, which chose"
                            + " the held-out images (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(
            names = "--output",
            required = true,
            description = "Folder for evaluation.json and confusion-matrix.png.")
    Path output;

    @Override
    public Integer call() throws Exception {
        try (SavedModelClassifier classifier = SavedModelClassifier.open(model, Device.cpu())) {
            InputSpec input = classifier.metadata().input();
            List<String> labels = classifier.metadata().labels();
            LabelledImages images =
                    TrainingData.heldOut(
                            data,
                            input.shape().height(),
                            input.shape().width(),
                            input.shape().channels(),
                            classes == null ? labels : classes,
                            holdOut,
                            seed);
            if (images.classNames().size() != labels.size()) {
                throw new IllegalArgumentException(
                        data
                                + " has "
                                + images.classNames().size()
                                + " classes, the model "
                                + labels.size());
            }
            ConfusionMatrix matrix = new ConfusionMatrix(labels);
            try (ProgressBar bar = Progress.bar("evaluate", images.size(), "images")) {
                for (int start = 0; start < images.size(); start += BATCH) {
                    int n = Math.min(BATCH, images.size() - start);
                    float[] batch = images.toNchw(start, n, input.pixelScale());
                    float[][] probabilities = classifier.predict(batch, n);
                    for (int i = 0; i < n; i++) {
                        matrix.add(images.label(start + i), TopClasses.argMax(probabilities[i]));
                    }
                    bar.stepBy(n);
                }
            }
            ClassificationReport report =
                    EvaluationReportWriter.write(
                            matrix,
                            output,
                            classifier.metadata().name()
                                    + " "
                                    + classifier.metadata().version()
                                    + " on "
                                    + images.name());
            System.out.printf(
                    Locale.ROOT, "%-14s %9s %9s %9s%n", "class", "precision", "recall", "f1");
            for (int c = 0; c < labels.size(); c++) {
                System.out.printf(
                        Locale.ROOT,
                        "%-14s %9.4f %9.4f %9.4f%n",
                        labels.get(c),
                        matrix.precision(c),
                        matrix.recall(c),
                        matrix.f1(c));
            }
            System.out.printf(
                    Locale.ROOT,
                    "EVALUATED model=%s images=%d accuracy=%.4f macro_f1=%.4f report=%s%n",
                    model,
                    matrix.total(),
                    matrix.accuracy(),
                    matrix.macroF1(),
                    output.resolve(EvaluationReportWriter.JSON_FILE));
            return report == null ? 1 : 0;
        }
    }
}
