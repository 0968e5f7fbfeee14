package io.resflow.runtime.metadata;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelMetadataTest {

    @TempDir Path savedModel;

    static InputSpec.Builder fashionInput() {
        return InputSpec.builder()
                .setHeight(28)
                .setWidth(28)
                .setChannels(1)
                .setPixelScale(1f / 255)
                .setMean(0.2860f)
                .setStd(0.3530f);
    }

    static ModelMetadata.Builder fashionModel() {
        return ModelMetadata.builder()
                .setName("fashion-resnet20")
                .setVersion("3")
                .setLabels(
                        List.of(
                                "T-shirt/top",
                                "Trouser",
                                "Pullover",
                                "Dress",
                                "Coat",
                                "Sandal",
                                "Shirt",
                                "Sneaker",
                                "Bag",
                                "Ankle boot"))
                .setInput(fashionInput().build())
                .setSignature(SignatureSpec.servingDefault("input", "probabilities"))
                .setArchitecture("resnet-20-v1-basic-B")
                .setParameterCount(272_474)
                .setDataset("fashion-mnist")
                .optTestAccuracy(0.9213)
                .setCreatedAt(Instant.parse("2025-01-31T12:00:00Z"));
    }

    @Test
    void writesAndReadsTheSameMetadata() throws IOException {
        ModelMetadata metadata = fashionModel().build();

        metadata.write(savedModel);
        ModelMetadata read = ModelMetadata.read(savedModel);

        assertThat(ModelMetadata.file(savedModel))
                .isEqualTo(savedModel.resolve("assets/resflow-model.json"));
        assertThat(read).isEqualTo(metadata);
        assertThat(read.classCount()).isEqualTo(10);
        assertThat(read.input().shape().values()).isEqualTo(784);
        assertThat(read.input().pixelScale()).isEqualTo(1f / 255);
        assertThat(read.testAccuracy()).hasValue(0.9213);
        assertThat(read.formatVersion()).isEqualTo(1);
    }

    @Test
    void theJsonHasTheDocumentedShape() {
        JsonObject json = JsonParser.parseString(fashionModel().build().toJson()).getAsJsonObject();

        assertThat(json.get("formatVersion").getAsInt()).isEqualTo(1);
        assertThat(json.getAsJsonArray("labels")).hasSize(10);
        JsonObject input = json.getAsJsonObject("input");
        assertThat(input.get("layout").getAsString()).isEqualTo("NCHW");
        assertThat(input.get("dtype").getAsString()).isEqualTo("float32");
        assertThat(input.get("channels").getAsInt()).isEqualTo(1);
        assertThat(input.getAsJsonArray("mean").get(0).getAsFloat()).isEqualTo(0.2860f);
        JsonObject signature = json.getAsJsonObject("signature");
        assertThat(signature.get("name").getAsString()).isEqualTo("serving_default");
        assertThat(signature.get("inputName").getAsString()).isEqualTo("input");
        assertThat(signature.get("outputName").getAsString()).isEqualTo("probabilities");
        assertThat(json.get("createdAt").getAsString()).isEqualTo("2025-01-31T12:00:00Z");
        assertThat(json.get("parameterCount").getAsLong()).isEqualTo(272_474);
    }

    @Test
    void testAccuracyIsOptional() throws IOException {
        ModelMetadata metadata = fashionModel().optTestAccuracy(null).build();
        assertThat(metadata.testAccuracy()).isEmpty();
        assertThat(metadata.toJson()).doesNotContain("testAccuracy");
        metadata.write(savedModel);
        assertThat(ModelMetadata.read(savedModel).testAccuracy()).isEmpty();
    }

    @Test
    void builderNamesEveryMissingField() {
        assertThatThrownBy(() -> ModelMetadata.builder().build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("name is missing")
                .hasMessageContaining("labels is missing")
                .hasMessageContaining("input is missing")
                .hasMessageContaining("signature is missing")
                .hasMessageContaining("parameterCount is missing")
                .hasMessageContaining("createdAt is missing");
        assertThatThrownBy(() -> InputSpec.builder().build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("input.height is missing")
                .hasMessageContaining("input.pixelScale is missing")
                .hasMessageContaining("input.mean is missing");
    }

    @Test
    void builderSaysWhatIsWrongAndWhatIsAllowed() {
        assertThatThrownBy(() -> fashionInput().setChannels(3).build())
                .hasMessageContaining(
                        "input.mean has 1 value(s) but input.channels is 3; give one value per"
                                + " channel")
                .hasMessageContaining("input.std has 1 value(s)");
        assertThatThrownBy(() -> fashionInput().optLayout("NHWC").build())
                .hasMessageContaining("input.layout is 'NHWC'; only 'NCHW' is supported");
        assertThatThrownBy(() -> fashionInput().setStd(0f).build())
                .hasMessageContaining("input.std must hold positive finite numbers");
        assertThatThrownBy(() -> fashionInput().setPixelScale(-1f).build())
                .hasMessageContaining("input.pixelScale must be a positive finite number");
        assertThatThrownBy(() -> fashionModel().setLabels(List.of("a", "b", "a")).build())
                .hasMessageContaining("labels[2] 'a' appears twice");
        assertThatThrownBy(() -> fashionModel().optTestAccuracy(1.5).build())
                .hasMessageContaining("testAccuracy must be between 0 and 1");
        assertThatThrownBy(() -> SignatureSpec.of("serving_default", "x", "x"))
                .hasMessageContaining("must differ");
    }

    @Test
    void valuesAreCopiedSoTheMetadataStaysImmutable() {
        float[] mean = {0.5f};
        InputSpec input = fashionInput().setMean(mean).build();
        mean[0] = 9f;
        input.mean()[0] = 9f;
        assertThat(input.mean()).containsExactly(0.5f);
    }

    @Test
    void missingFileIsNamed() {
        Path file = savedModel.resolve("assets/resflow-model.json");
        assertThatThrownBy(() -> ModelMetadata.read(savedModel))
                .isInstanceOf(ModelMetadataException.class)
                .hasMessageStartingWith(file + ": metadata file is missing");
        assertThatThrownBy(() -> ModelMetadata.read(savedModel.resolve("gone")))
                .isInstanceOf(ModelMetadataException.class)
                .hasMessageContaining("does not exist");
    }

    @Test
    void badJsonIsNamed() throws IOException {
        assertThat(readRaw("{ not json")).hasMessageContaining("not valid metadata JSON");
        assertThat(readRaw("")).hasMessageContaining("the file is empty");
        assertThat(readRaw("[1, 2]")).hasMessageContaining("not valid metadata JSON");
    }

    @Test
    void missingAndWrongFieldsAreNamed() throws IOException {
        String json = fashionModel().build().toJson();

        assertThat(readRaw(json.replace("\"formatVersion\": 1,", "")))
                .hasMessageContaining("formatVersion is missing");
        assertThat(readRaw(json.replace("\"formatVersion\": 1", "\"formatVersion\": 2")))
                .hasMessageContaining("formatVersion 2 is not supported; this runtime reads 1");
        assertThat(readRaw(json.replace("\"height\": 28,", "")))
                .hasMessageContaining("input.height is missing");
        assertThat(readRaw(json.replace("\"channels\": 1", "\"channels\": 3")))
                .hasMessageContaining("input.mean has 1 value(s) but input.channels is 3");
        assertThat(readRaw(json.replace("\"inputName\": \"input\",", "")))
                .hasMessageContaining("signature.inputName is missing");
        assertThat(readRaw(json.replace("2025-01-31T12:00:00Z", "yesterday")))
                .hasMessageContaining("createdAt 'yesterday' is not an ISO-8601");
        assertThat(readRaw(json.replace("\"height\": 28", "\"height\": \"tall\"")))
                .hasMessageContaining("not valid metadata JSON");
    }

    private ModelMetadataException readRaw(String json) throws IOException {
        Path file = ModelMetadata.file(savedModel);
        Files.createDirectories(file.getParent());
        Files.writeString(file, json);
        try {
            ModelMetadata.read(savedModel);
        } catch (ModelMetadataException e) {
            assertThat(e.file()).isEqualTo(file);
            assertThat(e.getMessage()).startsWith(file + ": ");
            return e;
        }
        throw new AssertionError("reading " + json + " should have failed");
    }
}
