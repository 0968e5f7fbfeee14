package io.resflow.runtime.savedmodel;

import com.google.protobuf.InvalidProtocolBufferException;
import io.resflow.runtime.metadata.InputSpec;
import io.resflow.runtime.metadata.ModelMetadata;
import io.resflow.runtime.metadata.SignatureSpec;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.tensorflow.proto.DataType;
import org.tensorflow.proto.MetaGraphDef;
import org.tensorflow.proto.SavedModel;
import org.tensorflow.proto.SignatureDef;
import org.tensorflow.proto.TensorInfo;
import org.tensorflow.proto.TensorShapeProto;

/**
 * Checks that a SavedModel's signature matches its metadata before TensorFlow loads it, reading
 * only the {@code saved_model.pb} protocol buffer. Without this, DJL quietly falls back to another
 * signature when the named one is missing, and shape mistakes (NHWC vs NCHW, class count) only show
 * up as errors mid-stream.
 */
final class SignatureCheck {

    static final String SAVED_MODEL_FILE = "saved_model.pb";
    static final String SERVE_TAG = "serve";

    private SignatureCheck() {}

    static void check(Path directory, ModelMetadata metadata) throws InvalidSavedModelException {
        SavedModel savedModel = readSavedModel(directory);
        MetaGraphDef graph =
                savedModel.getMetaGraphsList().stream()
                        .filter(
                                candidate ->
                                        candidate
                                                .getMetaInfoDef()
                                                .getTagsList()
                                                .contains(SERVE_TAG))
                        .findFirst()
                        .orElseThrow(
                                () ->
                                        new InvalidSavedModelException(
                                                directory,
                                                SAVED_MODEL_FILE
                                                        + " has no MetaGraph tagged '"
                                                        + SERVE_TAG
                                                        + "' (found tags: "
                                                        + tags(savedModel)
                                                        + ")"));

        SignatureSpec expected = metadata.signature();
        SignatureDef signature = graph.getSignatureDefMap().get(expected.name());
        if (signature == null) {
            throw new InvalidSavedModelException(
                    directory,
                    "the SavedModel has no signature '"
                            + expected.name()
                            + "' (metadata signature.name); its signatures: "
                            + new TreeSet<>(graph.getSignatureDefMap().keySet()));
        }

        Map<String, TensorInfo> inputs = signature.getInputsMap();
        TensorInfo input = inputs.get(expected.inputName());
        if (input == null) {
            throw new InvalidSavedModelException(
                    directory,
                    "signature '"
                            + expected.name()
                            + "' has no input '"
                            + expected.inputName()
                            + "' (metadata signature.inputName); its inputs: "
                            + new TreeSet<>(inputs.keySet()));
        }
        if (inputs.size() != 1) {
            throw new InvalidSavedModelException(
                    directory,
                    "signature '"
                            + expected.name()
                            + "' takes "
                            + inputs.size()
                            + " inputs "
                            + new TreeSet<>(inputs.keySet())
                            + "; ResFlow models take exactly one");
        }
        TensorInfo output = signature.getOutputsMap().get(expected.outputName());
        if (output == null) {
            throw new InvalidSavedModelException(
                    directory,
                    "signature '"
                            + expected.name()
                            + "' has no output '"
                            + expected.outputName()
                            + "' (metadata signature.outputName); its outputs: "
                            + new TreeSet<>(signature.getOutputsMap().keySet()));
        }

        List<String> problems = new ArrayList<>();
        InputSpec spec = metadata.input();
        checkFloat(problems, "input '" + expected.inputName() + "'", input);
        checkShape(
                problems,
                "input '" + expected.inputName() + "'",
                input.getTensorShape(),
                new long[] {
                    -1, spec.shape().channels(), spec.shape().height(), spec.shape().width()
                },
                "[batch, channels, height, width] = [-1, "
                        + spec.shape().channels()
                        + ", "
                        + spec.shape().height()
                        + ", "
                        + spec.shape().width()
                        + "] ("
                        + spec.layout()
                        + ")");
        checkFloat(problems, "output '" + expected.outputName() + "'", output);
        checkShape(
                problems,
                "output '" + expected.outputName() + "'",
                output.getTensorShape(),
                new long[] {-1, metadata.classCount()},
                "[batch, classes] = [-1, " + metadata.classCount() + "] (one column per label)");
        if (!problems.isEmpty()) {
            throw new InvalidSavedModelException(
                    directory,
                    "signature '"
                            + expected.name()
                            + "' does not match the metadata: "
                            + String.join("; ", problems));
        }
    }

    private static SavedModel readSavedModel(Path directory) throws InvalidSavedModelException {
        Path file = directory.resolve(SAVED_MODEL_FILE);
        try (InputStream in = Files.newInputStream(file)) {
            return SavedModel.parseFrom(in);
        } catch (InvalidProtocolBufferException e) {
            throw new InvalidSavedModelException(
                    directory,
                    SAVED_MODEL_FILE
                            + " is not a TensorFlow SavedModel protocol buffer ("
                            + e.getMessage()
                            + ")",
                    e);
        } catch (IOException e) {
            throw new InvalidSavedModelException(
                    directory, "cannot read " + SAVED_MODEL_FILE + ": " + e, e);
        }
    }

    private static TreeSet<String> tags(SavedModel savedModel) {
        TreeSet<String> tags = new TreeSet<>();
        savedModel
                .getMetaGraphsList()
                .forEach(graph -> tags.addAll(graph.getMetaInfoDef().getTagsList()));
        return tags;
    }

    private static void checkFloat(List<String> problems, String what, TensorInfo info) {
        if (info.getDtype() != DataType.DT_FLOAT) {
            problems.add(what + " is " + info.getDtype() + ", expected DT_FLOAT (float32)");
        }
    }

    /**
     * -1 in {@code expected} means the dimension must be variable (the batch); the model may leave
     * any unknown.
     */
    private static void checkShape(
            List<String> problems,
            String what,
            TensorShapeProto shape,
            long[] expected,
            String explanation) {
        if (shape.getUnknownRank()) {
            return;
        }
        List<Long> dims = shape.getDimList().stream().map(TensorShapeProto.Dim::getSize).toList();
        boolean matches = dims.size() == expected.length;
        for (int i = 0; matches && i < expected.length; i++) {
            long dim = dims.get(i);
            matches = expected[i] == -1 ? dim == -1 : dim == -1 || dim == expected[i];
        }
        if (!matches) {
            problems.add(what + " has shape " + dims + ", expected " + explanation);
        }
    }
}
