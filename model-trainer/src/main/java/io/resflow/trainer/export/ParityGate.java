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
 * <p>The reference runs the block in inference mode (BN on running statistics) on images normalised
 * with the metadata's mean and std, followed by softmax: exactly what the SavedModel computes in
 * its graph. Both sides run in batches of {@link #batchSize()}, so even 224x224 ImageNet-style nets
 * stay within a modest heap.
 *
 * <p>Three things must hold. Every probability within the tolerance. Every log-probability of a
 * class either engine gives at least {@link #LOG_FLOOR} within {@link #LOG_TOLERANCE_FACTOR} times
 * the tolerance: a trained model is confident, and softmax near 1 hides logit errors from the first
 * test (a logit off by 0.5 moves a probability of 1e-5 by 6e-6), while the log shows the logit's
 * error itself. And the same most likely class on every image, unless the reference's top two are
 * within twice the tolerance of each other (each may move by the tolerance, so a tie that rounding
 * may break either way).
 *
 * <pre>{@code
 * ParityResult parity = new ParityGate(1e-4, 32).check(model.getBlock(), savedModelDir, images);
 * }</pre>
 */
public final class ParityGate {

    /** The tolerance the exporter uses unless told otherwise. */
    public static final double DEFAULT_TOLERANCE = 1e-4;

    /** Classes below this probability in both engines are left out of the log-probability test. */
    public static final double LOG_FLOOR = 1e-6;

    /**
     * Largest accepted |log p_TensorFlow - log p_PyTorch| above {@link #LOG_FLOOR}, as a multiple
     * of the probability tolerance (1e-3 at the default 1e-4), so relaxing one relaxes both.
     * Measured: 2e-6 to 6e-6 for ResNet-8/20 exports (unit tests, the demo's trained model); a
     * wrong weight shows as 0.1 and more.
     */
    public static final double LOG_TOLERANCE_FACTOR = 10;

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
            throw new IllegalArgumentException(
                    "tolerance " + tolerance + " must be in [0, 1), e.g. 1e-4");
        }
        if (batchSize < 1) {
            throw new IllegalArgumentException(
                    "batch size " + batchSize + " must be at least 1, e.g. 32");
        }
        this.tolerance = tolerance;
        this.batchSize = batchSize;
    }

    public double tolerance() {
        return tolerance;
    }

    /** Largest accepted log-probability difference; see {@link #LOG_TOLERANCE_FACTOR}. */
    public double logTolerance() {
        return LOG_TOLERANCE_FACTOR * tolerance;
    }

    public int batchSize() {
        return batchSize;
    }

    /**
     * Measures the differences without judging them.
     *
     * @param reference the trained block (any DJL engine; PyTorch in ResFlow)
     * @param savedModelDir a SavedModel folder with ResFlow metadata
     * @param images NCHW pixels in [0, 1] (already multiplied by the pixel scale), a whole number
     *     of images of the metadata's input shape
     */
    public ParityResult compare(Block reference, Path savedModelDir, float[] images)
            throws IOException {
        Objects.requireNonNull(reference, "reference");
        Objects.requireNonNull(images, "images");
        try (SavedModelClassifier classifier =
                SavedModelClassifier.open(savedModelDir, Device.cpu())) {
            InputSpec input = classifier.metadata().input();
            int perImage = input.shape().values();
            if (images.length == 0 || images.length % perImage != 0) {
                throw new IllegalArgumentException(
                        "parity images hold "
                                + images.length
                                + " values, not a whole number of "
                                + input.describeShape()
                                + " images ("
                                + perImage
                                + " values each)");
            }
            int count = images.length / perImage;
            int classes = classifier.metadata().classCount();
            double max = -1;
            int worstImage = 0;
            int worstClass = 0;
            float worstPt = 0;
            float worstTf = 0;
            int agree = 0;
            int decisiveDisagreements = 0;
            double maxLog = 0;
            int worstLogImage = 0;
            int worstLogClass = 0;
            for (int start = 0; start < count; start += batchSize) {
                int n = Math.min(batchSize, count - start);
                float[] batch =
                        Arrays.copyOfRange(images, start * perImage, (start + n) * perImage);
                float[][] tf = classifier.predict(batch, n);
                float[][] pt = referenceProbabilities(reference, input, batch, n);
                for (int i = 0; i < n; i++) {
                    if (pt[i].length != classes) {
                        throw new IllegalArgumentException(
                                "the reference block gives "
                                        + pt[i].length
                                        + " classes, the SavedModel "
                                        + classes);
                    }
                    int ptTop = TopClasses.argMax(pt[i]);
                    int tfTop = TopClasses.argMax(tf[i]);
                    if (ptTop == tfTop) {
                        agree++;
                    } else if (pt[i][ptTop] - pt[i][tfTop] > 2 * tolerance) {
                        decisiveDisagreements++;
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
                        double logDifference = logDifference(tf[i][c], pt[i][c]);
                        if (logDifference > maxLog) {
                            maxLog = logDifference;
                            worstLogImage = start + i;
                            worstLogClass = c;
                        }
                    }
                }
            }
            return new ParityResult(
                    count,
                    classes,
                    max,
                    worstImage,
                    worstClass,
                    worstPt,
                    worstTf,
                    agree,
                    tolerance,
                    maxLog,
                    worstLogImage,
                    worstLogClass,
                    logTolerance(),
                    decisiveDisagreements);
        }
    }

    /**
     * |log a - log b| when either is at least {@link #LOG_FLOOR}, else 0; NaN is infinitely far.
     */
    static double logDifference(float a, float b) {
        if (Float.isNaN(a) || Float.isNaN(b)) {
            return Double.POSITIVE_INFINITY;
        }
        if (Math.max(a, b) < LOG_FLOOR) {
            return 0;
        }
        // A probability that underflowed to 0 on one side only is as far as the smallest positive
        // float.
        return Math.abs(
                Math.log(Math.max(a, Float.MIN_VALUE)) - Math.log(Math.max(b, Float.MIN_VALUE)));
    }

    /**
     * Like {@link #compare} but fails when the SavedModel does not reproduce the reference (see the
     * class comment for the three tests).
     *
     * @throws ParityException with the largest difference and where it occurred
     */
    public ParityResult check(Block reference, Path savedModelDir, float[] images)
            throws IOException {
        ParityResult result = compare(reference, savedModelDir, images);
        if (!result.passed()) {
            throw new ParityException(
                    "The SavedModel in "
                            + savedModelDir
                            + " does not reproduce the trained model: "
                            + result.describe(),
                    result);
        }
        return result;
    }

    private static float[][] referenceProbabilities(
            Block block, InputSpec input, float[] batch, int n) {
        int c = input.shape().channels();
        try (NDManager manager = Engine.getEngine(engineOf(block)).newBaseManager(Device.cpu())) {
            NDArray x =
                    manager.create(
                            batch, new Shape(n, c, input.shape().height(), input.shape().width()));
            NDArray mean = manager.create(input.mean(), new Shape(1, c, 1, 1));
            NDArray std = manager.create(input.std(), new Shape(1, c, 1, 1));
            NDArray normalised = x.sub(mean).div(std);
            NDArray logits =
                    block.forward(new ParameterStore(manager, false), new NDList(normalised), false)
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

    /**
     * The engine the block's parameters live on, so the reference never copies them across engines.
     */
    private static String engineOf(Block block) {
        return block.getParameters().values().stream()
                .filter(p -> p.isInitialized())
                .findFirst()
                .map(p -> p.getArray().getManager().getEngine().getEngineName())
                .orElseThrow(
                        () ->
                                new IllegalArgumentException(
                                        "the reference block is not initialised"));
    }
}
