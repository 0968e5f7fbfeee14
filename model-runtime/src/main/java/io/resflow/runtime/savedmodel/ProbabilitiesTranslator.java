package io.resflow.runtime.savedmodel;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.translate.NoBatchifyTranslator;
import ai.djl.translate.TranslatorContext;
import io.resflow.runtime.metadata.InputSpec;
import io.resflow.runtime.metadata.ModelMetadata;
import java.util.Arrays;

/**
 * Feeds an NCHW batch to the signature's input and reads the probabilities output back as one row
 * per image. Stateless, so one instance serves every predictor.
 */
final class ProbabilitiesTranslator
        implements NoBatchifyTranslator<ProbabilitiesTranslator.Batch, float[][]> {

    /**
     * {@code count} images, {@code values} laid out NCHW and already multiplied by the pixel scale.
     */
    record Batch(float[] values, int count) {}

    private final InputSpec input;
    private final String inputName;
    private final String outputName;
    private final int classes;

    ProbabilitiesTranslator(ModelMetadata metadata) {
        this.input = metadata.input();
        this.inputName = metadata.signature().inputName();
        this.outputName = metadata.signature().outputName();
        this.classes = metadata.classCount();
    }

    @Override
    public NDList processInput(TranslatorContext ctx, Batch batch) {
        NDArray array =
                ctx.getNDManager()
                        .create(
                                batch.values(),
                                new Shape(
                                        batch.count(),
                                        input.shape().channels(),
                                        input.shape().height(),
                                        input.shape().width()));
        // DJL matches inputs to the signature by name when given one.
        array.setName(inputName);
        return new NDList(array);
    }

    @Override
    public float[][] processOutput(TranslatorContext ctx, NDList outputs) {
        NDArray probabilities = outputs.get(outputName);
        if (probabilities == null) {
            throw new IllegalStateException(
                    "The model returned no output '"
                            + outputName
                            + "'; it returned "
                            + outputs.stream().map(NDArray::getName).toList());
        }
        long[] shape = probabilities.getShape().getShape();
        if (shape.length != 2 || shape[1] != classes) {
            throw new IllegalStateException(
                    "Output '"
                            + outputName
                            + "' has shape "
                            + Arrays.toString(shape)
                            + ", expected [batch, "
                            + classes
                            + "]");
        }
        float[] flat = probabilities.toFloatArray();
        float[][] rows = new float[(int) shape[0]][];
        for (int i = 0; i < rows.length; i++) {
            rows[i] = Arrays.copyOfRange(flat, i * classes, (i + 1) * classes);
        }
        return rows;
    }
}
