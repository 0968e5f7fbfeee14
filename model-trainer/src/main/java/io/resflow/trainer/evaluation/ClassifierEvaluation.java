package io.resflow.trainer.evaluation;

import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.training.ParameterStore;
import ai.djl.training.Trainer;
import ai.djl.training.dataset.Batch;
import ai.djl.training.dataset.Dataset;
import ai.djl.translate.TranslateException;
import java.io.IOException;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * Runs a classifier over a labelled dataset in inference mode (batch normalisation uses its running
 * statistics) and counts the predictions (arg-max of the outputs) in a {@link ConfusionMatrix}.
 */
public final class ClassifierEvaluation {

    private ClassifierEvaluation() {}

    /** With a trainer's parameters, e.g. after each epoch. */
    public static ConfusionMatrix evaluate(
            Trainer trainer, Dataset dataset, List<String> classNames)
            throws IOException, TranslateException {
        return evaluate(trainer::evaluate, dataset.getData(trainer.getManager()), classNames);
    }

    /** With a model's parameters, on the model's device. */
    public static ConfusionMatrix evaluate(Model model, Dataset dataset, List<String> classNames)
            throws IOException, TranslateException {
        ParameterStore parameters = new ParameterStore(model.getNDManager(), false);
        return evaluate(
                input -> model.getBlock().forward(parameters, input, false),
                dataset.getData(model.getNDManager()),
                classNames);
    }

    private static ConfusionMatrix evaluate(
            UnaryOperator<NDList> forward, Iterable<Batch> batches, List<String> classNames) {
        ConfusionMatrix matrix = new ConfusionMatrix(classNames);
        for (Batch batch : batches) {
            try (batch) {
                NDArray logits = forward.apply(batch.getData()).singletonOrThrow();
                if (logits.getShape().dimension() != 2
                        || logits.getShape().get(1) != classNames.size()) {
                    throw new IllegalStateException(
                            "the model outputs "
                                    + logits.getShape()
                                    + " for a batch; expected (batch, "
                                    + classNames.size()
                                    + ") class scores");
                }
                long[] predicted = logits.argMax(1).toLongArray();
                float[] actual =
                        batch.getLabels()
                                .singletonOrThrow()
                                .toType(ai.djl.ndarray.types.DataType.FLOAT32, false)
                                .toFloatArray();
                for (int i = 0; i < predicted.length; i++) {
                    matrix.add((int) actual[i], (int) predicted[i]);
                }
            }
        }
        return matrix;
    }
}
