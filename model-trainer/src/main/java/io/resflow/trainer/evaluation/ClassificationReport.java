package io.resflow.trainer.evaluation;

import java.util.ArrayList;
import java.util.List;

/**
 * Accuracy, per-class precision/recall/F1 and the confusion matrix of one evaluation, in the form
 * written to {@code evaluation.json}.
 *
 * @param confusionMatrix counts {@code [actual][predicted]}
 */
public record ClassificationReport(
        long examples,
        double accuracy,
        double macroPrecision,
        double macroRecall,
        double macroF1,
        List<ClassMetrics> classes,
        List<String> classNames,
        long[][] confusionMatrix) {

    public static ClassificationReport from(ConfusionMatrix matrix) {
        List<ClassMetrics> classes = new ArrayList<>();
        for (int c = 0; c < matrix.numClasses(); c++) {
            classes.add(
                    new ClassMetrics(
                            c,
                            matrix.classNames().get(c),
                            matrix.precision(c),
                            matrix.recall(c),
                            matrix.f1(c),
                            matrix.support(c)));
        }
        return new ClassificationReport(
                matrix.total(),
                matrix.accuracy(),
                matrix.macroPrecision(),
                matrix.macroRecall(),
                matrix.macroF1(),
                List.copyOf(classes),
                matrix.classNames(),
                matrix.counts());
    }

    /** The confusion matrix back as an object. */
    public ConfusionMatrix toConfusionMatrix() {
        return ConfusionMatrix.of(classNames, confusionMatrix);
    }
}
