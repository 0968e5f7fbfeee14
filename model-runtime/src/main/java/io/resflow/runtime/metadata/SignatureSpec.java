package io.resflow.runtime.metadata;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Which signature of the SavedModel to call and the names of its input and output in that signature
 * (the keys of the SignatureDef's inputs and outputs, e.g. "input" and "probabilities", not graph
 * node names).
 *
 * <pre>{@code
 * SignatureSpec signature = SignatureSpec.servingDefault("input", "probabilities");
 * }</pre>
 */
public final class SignatureSpec implements Serializable {

    public static final String SERVING_DEFAULT = "serving_default";

    private static final long serialVersionUID = 1L;

    private final String name;
    private final String inputName;
    private final String outputName;

    private SignatureSpec(String name, String inputName, String outputName) {
        this.name = name;
        this.inputName = inputName;
        this.outputName = outputName;
    }

    /**
     * @throws IllegalArgumentException naming every missing or blank name
     */
    public static SignatureSpec of(String name, String inputName, String outputName) {
        List<String> problems = new ArrayList<>();
        requireText(problems, "signature.name", name);
        requireText(problems, "signature.inputName", inputName);
        requireText(problems, "signature.outputName", outputName);
        if (problems.isEmpty() && inputName.equals(outputName)) {
            problems.add(
                    "signature.inputName and signature.outputName are both '"
                            + inputName
                            + "'; they must differ");
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(String.join("; ", problems));
        }
        return new SignatureSpec(name, inputName, outputName);
    }

    /** The signature TensorFlow 2 exports by default, {@value #SERVING_DEFAULT}. */
    public static SignatureSpec servingDefault(String inputName, String outputName) {
        return of(SERVING_DEFAULT, inputName, outputName);
    }

    static void requireText(List<String> problems, String field, String value) {
        if (value == null) {
            problems.add(field + " is missing");
        } else if (value.isBlank()) {
            problems.add(field + " is blank");
        }
    }

    public String name() {
        return name;
    }

    /**
     * The input's key in the signature; it takes a float32 batch shaped as {@link InputSpec} says.
     */
    public String inputName() {
        return inputName;
    }

    /**
     * The output's key in the signature: float32 probabilities [n, classes], softmax applied in the
     * graph.
     */
    public String outputName() {
        return outputName;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof SignatureSpec that
                && name.equals(that.name)
                && inputName.equals(that.inputName)
                && outputName.equals(that.outputName);
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, inputName, outputName);
    }

    @Override
    public String toString() {
        return name + "(" + inputName + " -> " + outputName + ")";
    }
}
