package io.resflow.runtime.metadata;

import java.io.IOException;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.OptionalDouble;
import java.util.Set;

/**
 * What a ResFlow SavedModel is and how to feed it, stored as JSON in {@value #RELATIVE_PATH} inside
 * the SavedModel folder (TensorFlow copies {@code assets/} along with the model and ignores our
 * file).
 *
 * <pre>{@code
 * ModelMetadata metadata = ModelMetadata.builder()
 *         .setName("fashion-resnet20").setVersion("1")
 *         .setLabels(List.of("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
 *                 "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"))
 *         .setInput(InputSpec.builder().setHeight(28).setWidth(28).setChannels(1)
 *                 .setPixelScale(1f / 255).setMean(0.2860f).setStd(0.3530f).build())
 *         .setSignature(SignatureSpec.servingDefault("input", "probabilities"))
 *         .setArchitecture("resnet-20-v1-basic-B").setParameterCount(272_474)
 *         .setDataset("fashion-mnist").optTestAccuracy(0.92)
 *         .setCreatedAt(Instant.now())
 *         .build();
 * metadata.write(savedModelDir); // after exporting the SavedModel into savedModelDir
 * ModelMetadata again = ModelMetadata.read(savedModelDir);
 * }</pre>
 */
public final class ModelMetadata implements Serializable {

    /** The version of this file format that this code writes and reads. */
    public static final int FORMAT_VERSION = 1;

    /** Where the file lives, relative to the SavedModel folder. */
    public static final String RELATIVE_PATH = "assets/resflow-model.json";

    private static final long serialVersionUID = 1L;

    private final String name;
    private final String version;
    private final List<String> labels;
    private final InputSpec input;
    private final SignatureSpec signature;
    private final String architecture;
    private final long parameterCount;
    private final String dataset;
    private final Double testAccuracy;
    private final Instant createdAt;

    private ModelMetadata(Builder builder) {
        this.name = builder.name;
        this.version = builder.version;
        this.labels = List.copyOf(builder.labels);
        this.input = builder.input;
        this.signature = builder.signature;
        this.architecture = builder.architecture;
        this.parameterCount = builder.parameterCount;
        this.dataset = builder.dataset;
        this.testAccuracy = builder.testAccuracy;
        this.createdAt = builder.createdAt;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The metadata file of a SavedModel folder. */
    public static Path file(Path savedModelDir) {
        return savedModelDir.resolve(RELATIVE_PATH);
    }

    /**
     * Reads {@code <savedModelDir>/}{@value #RELATIVE_PATH}.
     *
     * @throws ModelMetadataException naming the file and the problem: missing file, bad JSON,
     *     missing or wrong field, unsupported format version
     * @throws IOException when the file exists but cannot be read
     */
    public static ModelMetadata read(Path savedModelDir) throws IOException {
        Path file = file(savedModelDir);
        if (!Files.isRegularFile(file)) {
            String problem =
                    Files.isDirectory(savedModelDir)
                            ? "metadata file is missing; every ResFlow SavedModel carries "
                                    + RELATIVE_PATH
                                    + ", written by the trainer next to saved_model.pb"
                            : "metadata file is missing because the SavedModel folder "
                                    + savedModelDir
                                    + " does not exist";
            throw new ModelMetadataException(file, problem);
        }
        return ModelMetadataJson.parse(Files.readString(file, StandardCharsets.UTF_8), file);
    }

    /**
     * Parses the text of a metadata file read by other means (e.g. from a model registry on S3).
     *
     * @param file where the text came from, named in errors
     * @throws ModelMetadataException naming the file and the problem
     */
    public static ModelMetadata parse(String json, Path file) throws ModelMetadataException {
        return ModelMetadataJson.parse(json, file);
    }

    /** A builder holding every field of this metadata, to change one (e.g. the version). */
    public Builder toBuilder() {
        Builder builder =
                builder()
                        .setName(name)
                        .setVersion(version)
                        .setLabels(labels)
                        .setInput(input)
                        .setSignature(signature)
                        .setArchitecture(architecture)
                        .setParameterCount(parameterCount)
                        .setDataset(dataset)
                        .setCreatedAt(createdAt);
        return builder.optTestAccuracy(testAccuracy);
    }

    /**
     * Writes {@code <savedModelDir>/}{@value #RELATIVE_PATH}, creating {@code assets/} if needed.
     */
    public void write(Path savedModelDir) throws IOException {
        Path file = file(savedModelDir);
        Files.createDirectories(file.getParent());
        Files.writeString(file, toJson() + "\n", StandardCharsets.UTF_8);
    }

    /** The JSON stored in the metadata file. */
    public String toJson() {
        return ModelMetadataJson.format(this);
    }

    /** Always {@value #FORMAT_VERSION}: older or newer files are refused when read. */
    public int formatVersion() {
        return FORMAT_VERSION;
    }

    public String name() {
        return name;
    }

    public String version() {
        return version;
    }

    /** Class names; index i is the class of output column i. */
    public List<String> labels() {
        return labels;
    }

    public int classCount() {
        return labels.size();
    }

    public InputSpec input() {
        return input;
    }

    public SignatureSpec signature() {
        return signature;
    }

    /** Free text such as "resnet-20-v1-basic-B". */
    public String architecture() {
        return architecture;
    }

    public long parameterCount() {
        return parameterCount;
    }

    public String dataset() {
        return dataset;
    }

    /** Accuracy on the dataset's test split, 0..1, when the trainer measured it. */
    public OptionalDouble testAccuracy() {
        return testAccuracy == null ? OptionalDouble.empty() : OptionalDouble.of(testAccuracy);
    }

    public Instant createdAt() {
        return createdAt;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof ModelMetadata that
                && name.equals(that.name)
                && version.equals(that.version)
                && labels.equals(that.labels)
                && input.equals(that.input)
                && signature.equals(that.signature)
                && architecture.equals(that.architecture)
                && parameterCount == that.parameterCount
                && dataset.equals(that.dataset)
                && Objects.equals(testAccuracy, that.testAccuracy)
                && createdAt.equals(that.createdAt);
    }

    @Override
    public int hashCode() {
        return Objects.hash(
                name,
                version,
                labels,
                input,
                signature,
                architecture,
                parameterCount,
                dataset,
                testAccuracy,
                createdAt);
    }

    @Override
    public String toString() {
        return name
                + " "
                + version
                + " ("
                + architecture
                + ", "
                + classCount()
                + " classes, input "
                + input.describeShape()
                + ", "
                + dataset
                + ")";
    }

    /** Builds {@link ModelMetadata}; {@link #build()} checks every field. */
    public static final class Builder {
        private String name;
        private String version;
        private List<String> labels;
        private InputSpec input;
        private SignatureSpec signature;
        private String architecture;
        private Long parameterCountOrNull;
        private long parameterCount;
        private String dataset;
        private Double testAccuracy;
        private Instant createdAt;

        private Builder() {}

        public Builder setName(String name) {
            this.name = name;
            return this;
        }

        public Builder setVersion(String version) {
            this.version = version;
            return this;
        }

        /** Class names in output order; at least two, none blank, no duplicates. */
        public Builder setLabels(List<String> labels) {
            this.labels = labels == null ? null : new ArrayList<>(labels);
            return this;
        }

        public Builder setInput(InputSpec input) {
            this.input = input;
            return this;
        }

        public Builder setSignature(SignatureSpec signature) {
            this.signature = signature;
            return this;
        }

        public Builder setArchitecture(String architecture) {
            this.architecture = architecture;
            return this;
        }

        public Builder setParameterCount(long parameterCount) {
            this.parameterCountOrNull = parameterCount;
            return this;
        }

        public Builder setDataset(String dataset) {
            this.dataset = dataset;
            return this;
        }

        public Builder setCreatedAt(Instant createdAt) {
            this.createdAt = createdAt;
            return this;
        }

        /** Accuracy on the test split, 0..1. */
        public Builder optTestAccuracy(double testAccuracy) {
            this.testAccuracy = testAccuracy;
            return this;
        }

        Builder optTestAccuracy(Double testAccuracy) {
            this.testAccuracy = testAccuracy;
            return this;
        }

        /**
         * @throws IllegalArgumentException naming every missing or wrong field and what is allowed
         */
        public ModelMetadata build() {
            List<String> problems = new ArrayList<>();
            SignatureSpec.requireText(problems, "name", name);
            SignatureSpec.requireText(problems, "version", version);
            checkLabels(problems);
            if (input == null) {
                problems.add("input is missing");
            }
            if (signature == null) {
                problems.add("signature is missing");
            }
            SignatureSpec.requireText(problems, "architecture", architecture);
            if (parameterCountOrNull == null) {
                problems.add("parameterCount is missing");
            } else if (parameterCountOrNull <= 0) {
                problems.add("parameterCount must be 1 or more, got " + parameterCountOrNull);
            } else {
                parameterCount = parameterCountOrNull;
            }
            SignatureSpec.requireText(problems, "dataset", dataset);
            if (testAccuracy != null && !(testAccuracy >= 0 && testAccuracy <= 1)) {
                problems.add("testAccuracy must be between 0 and 1, got " + testAccuracy);
            }
            if (createdAt == null) {
                problems.add("createdAt is missing");
            }
            if (!problems.isEmpty()) {
                throw new IllegalArgumentException(String.join("; ", problems));
            }
            return new ModelMetadata(this);
        }

        private void checkLabels(List<String> problems) {
            if (labels == null) {
                problems.add("labels is missing (the class names in output order)");
                return;
            }
            if (labels.size() < 2) {
                problems.add("labels must name at least 2 classes, got " + labels);
            }
            Set<String> seen = new HashSet<>();
            for (int i = 0; i < labels.size(); i++) {
                String label = labels.get(i);
                if (label == null || label.isBlank()) {
                    problems.add("labels[" + i + "] is blank");
                } else if (!seen.add(label)) {
                    problems.add("labels[" + i + "] '" + label + "' appears twice");
                }
            }
        }
    }
}
