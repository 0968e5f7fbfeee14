package io.resflow.runtime.metadata;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonParseException;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;

/**
 * The JSON form of {@link ModelMetadata}. Gson fills plain documents whose fields are all nullable,
 * so a missing field reaches the builders as "not set" and is reported by name rather than read as
 * 0.
 */
final class ModelMetadataJson {

    private static final Gson GSON =
            new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().create();

    private ModelMetadataJson() {}

    // Field order here is the order in the file.
    @SuppressWarnings("unused")
    private static final class Document {
        Integer formatVersion;
        String name;
        String version;
        List<String> labels;
        Input input;
        Signature signature;
        String architecture;
        Long parameterCount;
        String dataset;
        Double testAccuracy;
        String createdAt;
    }

    @SuppressWarnings("unused")
    private static final class Input {
        Integer height;
        Integer width;
        Integer channels;
        String layout;
        String dtype;
        Float pixelScale;
        float[] mean;
        float[] std;
    }

    @SuppressWarnings("unused")
    private static final class Signature {
        String name;
        String inputName;
        String outputName;
    }

    static String format(ModelMetadata metadata) {
        Document document = new Document();
        document.formatVersion = metadata.formatVersion();
        document.name = metadata.name();
        document.version = metadata.version();
        document.labels = metadata.labels();
        document.input = new Input();
        InputSpec input = metadata.input();
        document.input.height = input.shape().height();
        document.input.width = input.shape().width();
        document.input.channels = input.shape().channels();
        document.input.layout = input.layout();
        document.input.dtype = input.dtype();
        document.input.pixelScale = input.pixelScale();
        document.input.mean = input.mean();
        document.input.std = input.std();
        document.signature = new Signature();
        document.signature.name = metadata.signature().name();
        document.signature.inputName = metadata.signature().inputName();
        document.signature.outputName = metadata.signature().outputName();
        document.architecture = metadata.architecture();
        document.parameterCount = metadata.parameterCount();
        document.dataset = metadata.dataset();
        document.testAccuracy =
                metadata.testAccuracy().isPresent() ? metadata.testAccuracy().getAsDouble() : null;
        document.createdAt = metadata.createdAt().toString();
        return GSON.toJson(document);
    }

    static ModelMetadata parse(String json, Path file) throws ModelMetadataException {
        Document document;
        try {
            document = GSON.fromJson(json, Document.class);
        } catch (JsonParseException e) {
            throw new ModelMetadataException(file, "not valid metadata JSON: " + e.getMessage(), e);
        }
        if (document == null) {
            throw new ModelMetadataException(file, "the file is empty; it must hold a JSON object");
        }
        if (document.formatVersion == null) {
            throw new ModelMetadataException(
                    file,
                    "formatVersion is missing (this runtime reads "
                            + ModelMetadata.FORMAT_VERSION
                            + ")");
        }
        if (document.formatVersion != ModelMetadata.FORMAT_VERSION) {
            throw new ModelMetadataException(
                    file,
                    "formatVersion "
                            + document.formatVersion
                            + " is not supported; this runtime reads "
                            + ModelMetadata.FORMAT_VERSION);
        }
        try {
            ModelMetadata.Builder builder =
                    ModelMetadata.builder()
                            .setName(document.name)
                            .setVersion(document.version)
                            .setLabels(document.labels)
                            .setArchitecture(document.architecture)
                            .setDataset(document.dataset)
                            .optTestAccuracy(document.testAccuracy);
            if (document.parameterCount != null) {
                builder.setParameterCount(document.parameterCount);
            }
            if (document.input != null) {
                builder.setInput(toInput(document.input));
            }
            if (document.signature != null) {
                builder.setSignature(
                        SignatureSpec.of(
                                document.signature.name,
                                document.signature.inputName,
                                document.signature.outputName));
            }
            if (document.createdAt != null) {
                builder.setCreatedAt(parseInstant(document.createdAt));
            }
            return builder.build();
        } catch (IllegalArgumentException e) {
            throw new ModelMetadataException(file, e.getMessage(), e);
        }
    }

    private static InputSpec toInput(Input input) {
        InputSpec.Builder builder = InputSpec.builder();
        if (input.height != null) {
            builder.setHeight(input.height);
        }
        if (input.width != null) {
            builder.setWidth(input.width);
        }
        if (input.channels != null) {
            builder.setChannels(input.channels);
        }
        if (input.pixelScale != null) {
            builder.setPixelScale(input.pixelScale);
        }
        if (input.layout != null) {
            builder.optLayout(input.layout);
        }
        if (input.dtype != null) {
            builder.optDtype(input.dtype);
        }
        return builder.setMean(input.mean).setStd(input.std).build();
    }

    private static Instant parseInstant(String text) {
        try {
            return Instant.parse(text);
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException(
                    "createdAt '"
                            + text
                            + "' is not an ISO-8601 UTC instant such as 2025-01-31T12:00:00Z",
                    e);
        }
    }
}
