package io.resflow.runtime.savedmodel;

import io.resflow.runtime.metadata.InputSpec;
import io.resflow.runtime.metadata.ModelMetadata;
import io.resflow.runtime.metadata.SignatureSpec;
import io.resflow.runtime.tensorflow.TensorFlowRuntime;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.Session;
import org.tensorflow.SessionFunction;
import org.tensorflow.Signature;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;

/**
 * A real SavedModel small enough to check by hand: one 4x4 grey channel, normalised with a mean and
 * std inside the graph, a linear layer to 3 classes and a softmax, with fixed weights.
 */
final class TinySavedModel {

    static final int CHANNELS = 1;
    static final int HEIGHT = 4;
    static final int WIDTH = 4;
    static final int PIXELS = CHANNELS * HEIGHT * WIDTH;
    static final List<String> LABELS = List.of("zero", "one", "two");
    static final float MEAN = 0.5f;
    static final float STD = 0.25f;
    static final float[][] WEIGHTS = weights();
    static final float[] BIAS = {0.1f, -0.2f, 0.05f};

    private TinySavedModel() {}

    static ModelMetadata metadata() {
        return ModelMetadata.builder()
                .setName("tiny-linear")
                .setVersion("1")
                .setLabels(LABELS)
                .setInput(
                        InputSpec.builder()
                                .setHeight(HEIGHT)
                                .setWidth(WIDTH)
                                .setChannels(CHANNELS)
                                .setPixelScale(1f / 255)
                                .setMean(MEAN)
                                .setStd(STD)
                                .build())
                .setSignature(SignatureSpec.servingDefault("input", "probabilities"))
                .setArchitecture("linear-16-3-softmax")
                .setParameterCount(16 * 3 + 3)
                .setDataset("synthetic")
                .optTestAccuracy(0.5)
                .setCreatedAt(Instant.parse("2025-01-31T12:00:00Z"))
                .build();
    }

    /** Exports the graph and writes the metadata into {@code directory}. */
    static Path export(Path directory) throws IOException {
        // TensorFlow's Java API finds its native libraries only once DJL's engine has set them up.
        TensorFlowRuntime.engine();
        try (Graph graph = new Graph();
                Session session = new Session(graph)) {
            Ops tf = Ops.create(graph);
            Placeholder<TFloat32> input =
                    tf.withName("input")
                            .placeholder(
                                    TFloat32.class,
                                    Placeholder.shape(Shape.of(-1, CHANNELS, HEIGHT, WIDTH)));
            Operand<TFloat32> normalised =
                    tf.math.div(tf.math.sub(input, tf.constant(MEAN)), tf.constant(STD));
            Operand<TFloat32> flat = tf.reshape(normalised, tf.constant(new long[] {-1, PIXELS}));
            Operand<TFloat32> logits =
                    tf.math.add(tf.linalg.matMul(flat, tf.constant(WEIGHTS)), tf.constant(BIAS));
            Operand<TFloat32> probabilities = tf.withName("probabilities").nn.softmax(logits);
            Signature signature =
                    Signature.builder()
                            .key(SignatureSpec.SERVING_DEFAULT)
                            .input("input", input)
                            .output("probabilities", probabilities)
                            .build();
            SavedModelBundle.exporter(directory.toString())
                    .withFunction(SessionFunction.create(signature, session))
                    .export();
        }
        metadata().write(directory);
        return directory;
    }

    /** The model's answer computed in double precision, for one image of 16 scaled pixels. */
    static double[] expectedProbabilities(float[] batch, int image) {
        double[] logits = new double[LABELS.size()];
        for (int c = 0; c < logits.length; c++) {
            double sum = BIAS[c];
            for (int p = 0; p < PIXELS; p++) {
                double normalised = (batch[image * PIXELS + p] - (double) MEAN) / STD;
                sum += normalised * WEIGHTS[p][c];
            }
            logits[c] = sum;
        }
        double max = Double.NEGATIVE_INFINITY;
        for (double logit : logits) {
            max = Math.max(max, logit);
        }
        double total = 0;
        double[] probabilities = new double[logits.length];
        for (int c = 0; c < logits.length; c++) {
            probabilities[c] = Math.exp(logits[c] - max);
            total += probabilities[c];
        }
        for (int c = 0; c < logits.length; c++) {
            probabilities[c] /= total;
        }
        return probabilities;
    }

    /**
     * n images of pixel values 0..255 (varying by image and position), multiplied by the pixel
     * scale.
     */
    static float[] batch(int images, int seed) {
        float[] values = new float[images * PIXELS];
        for (int i = 0; i < values.length; i++) {
            values[i] = ((i * 37 + seed * 101) % 256) / 255f;
        }
        return values;
    }

    private static float[][] weights() {
        float[][] weights = new float[PIXELS][LABELS.size()];
        for (int p = 0; p < PIXELS; p++) {
            for (int c = 0; c < LABELS.size(); c++) {
                weights[p][c] = (((p * 3 + c * 5) % 7) - 3) * 0.05f;
            }
        }
        return weights;
    }
}
