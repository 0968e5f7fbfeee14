package io.resflow.trainer.export;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import io.resflow.runtime.metadata.InputSpec;
import io.resflow.runtime.savedmodel.SavedModelClassifier;
import io.resflow.runtime.scores.TopClasses;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Objects;

/**
 * Compares a SavedModel, loaded with DJL's TensorFlow engine through {@link SavedModelClassifier},
 * with the DJL block it was exported from, on the same images.
 *
 * <p>The reference runs the block in inference mode (BN on running statistics) on images
 * normalised with the metadata's mean and std, followed by softmax: exactly what the SavedModel
 * computes in its graph. Both sides run in batches of {@link #batchSize()}, so even 224x224
 * ImageNet-style nets stay within a modest heap.
 *
 * <pre>{@code
 * ParityResult parity = new ParityGate(1e-4, 32).check(model.getBlock(), savedModelDir, images);
 * }</pre>
 */
public final class ParityGate {

    /** The tolerance the exporter uses unless told otherwise. */
    public static final double DEFAULT_TOLERANCE = 1e-4;

    /** Images per forward pass unless told otherwise. */
    public static final int DEFAULT_BATCH_SIZE = 32;

    private final double tolerance;
    private final int batchSize;

    /**
     * @param tolerance largest accepted |p_TensorFlow - p_PyTorch|, e.g. {@link #DEFAULT_TOLERANCE}
     * @param batchSize images per forward pass, at least 1
     */
    public ParityGate(double tolerance, int batchSize) {
        if (!(tolerance >= 0 && tolerance < 1)) {
            throw new IllegalArgumentException("tolerance " + tolerance + " must be in [0, 1), e.g. 1e-4");
        }
        if (batchSize < 1) {
            throw new IllegalArgumentException("batch size " + batchSize + " must be at least 1, e.g. 32");
        }
        this.tolerance = tolerance;
        this.batchSize = batchSize;
    }

    public double tolerance() {
        return tolerance;
    }

    public int batchSize() {
        return batchSize;
    }

    /**
     * Measures the differences without judging them.
     *
     * @param reference the trained block (any DJL engine; PyTorch in ResFlow)
     * @param savedModelDir a SavedModel folder with ResFlow metadata
     * @param images NCHW pixels in [0, 1] (already multiplied by the pixel scale), a whole number of
     *     images of the metadata's input shape
     */
    public ParityResult compare(Block reference, Path savedModelDir, float[] images) throws IOException {
        Objects.requireNonNull(reference, "reference");
        Objects.requireNonNull(images, "images");
        try (SavedModelClassifier classifier = SavedModelClassifier.open(savedModelDir, Device.cpu())) {
            InputSpec input = classifier.metadata().input();
            int perImage = input.valuesPerImage();
            if (images.length == 0 || images.length % perImage != 0) {
                throw new IllegalArgumentException("parity images hold " + images.length + " values, not a whole number of "
                        + input.describeShape() + " images (" + perImage + " values each)");
            }
            int count = images.length / perImage;
            int classes = classifier.metadata().classCount();
            double max = -1;
            int worstImage = 0;
            int worstClass = 0;
            float worstPt = 0;
            float worstTf = 0;
            int agree = 0;
            for (int start = 0; start < count; start += batchSize) {
                int n = Math.min(batchSize, count - start);
                float[] batch = Arrays.copyOfRange(images, start * perImage, (start + n) * perImage);
                float[][] tf = classifier.predict(batch, n);
                float[][] pt = referenceProbabilities(reference, input, batch, n);
                for (int i = 0; i < n; i++) {
                    if (pt[i].length != classes) {
                        throw new IllegalArgumentException("the reference block gives " + pt[i].length
                                + " classes, the SavedModel " + classes);
                    }
                    if (TopClasses.argMax(pt[i]) == TopClasses.argMax(tf[i])) {
                        agree++;
                    }
                    for (int c = 0; c < classes; c++) {
                        double d = Math.abs((double) tf[i][c] - pt[i][c]);
                        // NaN counts as the worst possible difference.
                        if (d > max || Double.isNaN(d)) {
                            max = Double.isNaN(d) ? Double.POSITIVE_INFINITY : d;
                            worstImage = start + i;
                            worstClass = c;
                            worstPt = pt[i][c];
                            worstTf = tf[i][c];
                        }
                    }
                }
            }
            return new ParityResult(count, classes, max, worstImage, worstClass, worstPt, worstTf, agree, tolerance);
        }
    }

    /**
     * Like {@link #compare} but fails when any probability differs by more than the tolerance.
     *
     * @throws ParityException with the largest difference and where it occurred
     */
    public ParityResult check(Block reference, Path savedModelDir, float[] images) throws IOException {
        ParityResult result = compare(reference, savedModelDir, images);
        if (!result.passed()) {
            throw new ParityException("The SavedModel in " + savedModelDir + " does not reproduce the trained model: "
                    + result.describe(), result);
        }
        return result;
    }

    private static float[][] referenceProbabilities(Block block, InputSpec input, float[] batch, int n) {
        int c = input.channels();
        try (NDManager manager = Engine.getEngine(engineOf(block)).newBaseManager(Device.cpu())) {
            NDArray x = manager.create(batch, new Shape(n, c, input.height(), input.width()));
            NDArray mean = manager.create(input.mean(), new Shape(1, c, 1, 1));
            NDArray std = manager.create(input.std(), new Shape(1, c, 1, 1));
            NDArray normalised = x.sub(mean).div(std);
            NDArray logits = block.forward(new ParameterStore(manager, false), new NDList(normalised), false)
                    .singletonOrThrow();
            float[] flat = logits.softmax(1).toFloatArray();
            int classes = flat.length / n;
            float[][] rows = new float[n][];
            for (int i = 0; i < n; i++) {
                rows[i] = Arrays.copyOfRange(flat, i * classes, (i + 1) * classes);
            }
            return rows;
        }
    }

    /** The engine the block's parameters live on, so the reference never copies them across engines. */
    private static String engineOf(Block block) {
        return block.getParameters().values().stream()
                .filter(p -> p.isInitialized())
                .findFirst()
                .map(p -> p.getArray().getManager().getEngine().getEngineName())
                .orElseThrow(() -> new IllegalArgumentException("the reference block is not initialised"));
    }
}
