package io.resflow.pipeline.classify;

import io.resflow.datasets.LabelledImages;
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
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;

/**
 * A real TensorFlow SavedModel for pipeline tests that is quick to make: a nearest-centroid
 * classifier of Fashion-MNIST written as one linear layer (logit_c = t * (x.mu_c - |mu_c|^2 / 2) on
 * normalised pixels) plus softmax, with the same signature and metadata as the trainer's ResNet
 * exports. A small temperature t keeps its confidence spread out, so some predictions fall under
 * the retraining threshold. Trained ResNets are tested in model-trainer; here only the serving path
 * matters.
 */
public final class CentroidSavedModel {

    static final float MEAN = 0.2860f;
    static final float STD = 0.3530f;
    private static final float TEMPERATURE = 0.02f;

    private CentroidSavedModel() {}

    public static Path export(LabelledImages train, Path directory) throws IOException {
        return export(train, directory, false);
    }

    /**
     * As {@link #export(LabelledImages, Path)}; with {@code failing}, the graph carries an
     * assertion that fails on every call: a SavedModel that loads and passes every static check but
     * fails its warm-up.
     */
    public static Path export(LabelledImages train, Path directory, boolean failing)
            throws IOException {
        int pixels = train.shape().values();
        int classes = train.classNames().size();
        float[][] weights = new float[pixels][classes];
        float[] bias = new float[classes];
        double[][] sums = new double[classes][pixels];
        int[] counts = new int[classes];
        for (int i = 0; i < train.size(); i++) {
            int label = train.label(i);
            counts[label]++;
            for (int p = 0; p < pixels; p++) {
                sums[label][p] += (train.pixel(i, p) / 255.0 - MEAN) / STD;
            }
        }
        for (int c = 0; c < classes; c++) {
            double norm = 0;
            for (int p = 0; p < pixels; p++) {
                double mu = sums[c][p] / Math.max(1, counts[c]);
                weights[p][c] = (float) (TEMPERATURE * mu);
                norm += mu * mu;
            }
            bias[c] = (float) (-TEMPERATURE * norm / 2);
        }

        TensorFlowRuntime.engine();
        try (Graph graph = new Graph();
                Session session = new Session(graph)) {
            Ops tf = Ops.create(graph);
            Placeholder<TFloat32> input =
                    tf.withName("input")
                            .placeholder(
                                    TFloat32.class,
                                    Placeholder.shape(
                                            Shape.of(
                                                    -1,
                                                    1,
                                                    train.shape().height(),
                                                    train.shape().width())));
            Operand<TFloat32> normalised =
                    tf.math.div(tf.math.sub(input, tf.constant(MEAN)), tf.constant(STD));
            Operand<TFloat32> flat = tf.reshape(normalised, tf.constant(new long[] {-1, pixels}));
            Operand<TFloat32> logits =
                    tf.math.add(tf.linalg.matMul(flat, tf.constant(weights)), tf.constant(bias));
            Operand<TFloat32> probabilities;
            if (failing) {
                Op broken =
                        tf.assertThat(
                                tf.constant(false),
                                List.<Operand<?>>of(tf.constant("this model always fails")));
                probabilities =
                        tf.withControlDependencies(List.of(broken))
                                .withName("probabilities")
                                .nn
                                .softmax(logits);
            } else {
                probabilities = tf.withName("probabilities").nn.softmax(logits);
            }
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
        ModelMetadata.builder()
                .setName("fashion-centroids")
                .setVersion("test-1")
                .setLabels(train.classNames())
                .setInput(
                        InputSpec.builder()
                                .setHeight(train.shape().height())
                                .setWidth(train.shape().width())
                                .setChannels(1)
                                .setPixelScale(1f / 255)
                                .setMean(MEAN)
                                .setStd(STD)
                                .build())
                .setSignature(SignatureSpec.servingDefault("input", "probabilities"))
                .setArchitecture("nearest-centroid-linear")
                .setParameterCount((long) pixels * classes + classes)
                .setDataset("fashion-mnist (" + train.size() + " training images)")
                .setCreatedAt(Instant.now())
                .build()
                .write(directory);
        return directory;
    }
}
