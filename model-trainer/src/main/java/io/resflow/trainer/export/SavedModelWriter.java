package io.resflow.trainer.export;

import io.resflow.runtime.files.Folders;
import io.resflow.runtime.metadata.InputSpec;
import io.resflow.runtime.metadata.ModelMetadata;
import io.resflow.runtime.tensorflow.TensorFlowRuntime;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.tensorflow.Graph;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.Session;
import org.tensorflow.SessionFunction;
import org.tensorflow.Signature;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * Writes one ResNet as a TensorFlow SavedModel (tag {@code serve}, signature {@code
 * serving_default}: {@code input} NCHW float32 in [0, 1] to {@code probabilities}) plus the ResFlow
 * metadata file, without checking it; {@link SavedModelExporter} adds the parity gate.
 */
final class SavedModelWriter {

    private SavedModelWriter() {}

    /**
     * Builds the graph for {@code weights}, assigns the variables, exports and writes {@code
     * metadata} into {@code directory}, which must not exist yet or be empty.
     */
    static void write(TensorFlowWeights weights, ModelMetadata metadata, Path directory)
            throws IOException {
        checkEmpty(directory);
        InputSpec input = metadata.input();
        // org.tensorflow classes find their native libraries only after DJL's engine has set them
        // up.
        TensorFlowRuntime.engine();
        try (Graph graph = new Graph();
                Session session = new Session(graph)) {
            Ops tf = Ops.create(graph);
            ResNetGraph net = new ResNetGraph(tf, weights, input.mean(), input.std());
            for (ResNetGraph.VariableInit init : net.inits()) {
                TensorFlowWeights.Tensor converted = init.value().get();
                if (!Arrays.equals(converted.shape(), init.shape())) {
                    throw new IllegalStateException(
                            init.name()
                                    + " has shape "
                                    + Arrays.toString(converted.shape())
                                    + ", the graph expects "
                                    + Arrays.toString(init.shape()));
                }
                try (TFloat32 value =
                        TFloat32.tensorOf(
                                Shape.of(init.shape()),
                                DataBuffers.of(converted.values(), true, false))) {
                    // An assignment has no outputs, but the Result still has to be released.
                    session.runner()
                            .feed(init.placeholder(), value)
                            .addTarget(init.assign())
                            .run()
                            .close();
                }
            }
            Signature signature =
                    Signature.builder()
                            .key(metadata.signature().name())
                            .input(metadata.signature().inputName(), net.input())
                            .output(metadata.signature().outputName(), net.probabilities())
                            .build();
            Files.createDirectories(directory);
            SavedModelBundle.exporter(directory.toString())
                    .withTags(SavedModelBundle.DEFAULT_TAG)
                    .withFunction(SessionFunction.create(signature, session))
                    .export();
        }
        metadata.write(directory);
    }

    private static void checkEmpty(Path directory) throws IOException {
        if (Files.exists(directory)) {
            if (!Files.isDirectory(directory)) {
                throw new IOException(
                        directory + " is a file; the SavedModel needs a new or empty folder");
            }
            if (Folders.hasEntries(directory)) {
                throw new IOException(
                        directory + " is not empty; the SavedModel needs a new or empty folder");
            }
        }
    }
}
