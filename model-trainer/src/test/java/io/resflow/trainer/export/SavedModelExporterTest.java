package io.resflow.trainer.export;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDManager;
import io.resflow.runtime.metadata.ModelMetadata;
import io.resflow.trainer.resnet.ResNet;
import io.resflow.trainer.resnet.ResNetTesting;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Settings validation and the on-disk layout of an export. */
class SavedModelExporterTest {

    @TempDir Path temp;

    @Test
    void namesEveryMissingSetting() {
        assertThatThrownBy(() -> SavedModelExporter.builder().optParityBatchSize(0).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("setMetadata is missing")
                .hasMessageContaining("setMean is missing")
                .hasMessageContaining("setStd is missing")
                .hasMessageContaining("parity batch size 0 must be at least 1");
    }

    /**
     * The metadata's own fields are checked at export, with the spec, before anything is written.
     */
    @Test
    void namesEveryMissingMetadataFieldBeforeWriting() throws Exception {
        ResNet net =
                ResNet.builder("resnet-8-v1-basic-A")
                        .setNumClasses(10)
                        .setInputShape(1, 28, 28)
                        .build();
        try (NDManager manager = ResNetTesting.newManager()) {
            ResNetTesting.initialize(net.block(), net.spec(), manager, 1);
            SavedModelExporter exporter =
                    ExportTesting.exporter(1, 10).setMetadata(ModelMetadata.builder()).build();
            Path target = temp.resolve("models/incomplete");
            assertThatThrownBy(
                            () -> exporter.export(net.block(), net.spec(), new float[784], target))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("name is missing")
                    .hasMessageContaining("version is missing")
                    .hasMessageContaining("labels is missing")
                    .hasMessageContaining("dataset is missing");
            assertThat(target.getParent()).doesNotExist();
        }
    }

    @Test
    void refusesSettingsThatDoNotFitTheNetwork() throws Exception {
        ResNet net =
                ResNet.builder("resnet-8-v1-basic-A")
                        .setNumClasses(10)
                        .setInputShape(1, 28, 28)
                        .build();
        try (NDManager manager = ResNetTesting.newManager()) {
            ResNetTesting.initialize(net.block(), net.spec(), manager, 1);
            SavedModelExporter exporter =
                    ExportTesting.exporter(3, 10)
                            .setMetadata(ExportTesting.metadata(10).setLabels(List.of("a", "b")))
                            .build();
            assertThatThrownBy(
                            () ->
                                    exporter.export(
                                            net.block(),
                                            net.spec(),
                                            new float[784],
                                            temp.resolve("m")))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("2 labels for a 10-class network")
                    .hasMessageContaining("3 mean values for 1 input channel(s)")
                    .hasMessageContaining("3 std values for 1 input channel(s)");
        }
    }

    @Test
    void refusesAnExistingTargetAndRaggedParityImages() throws Exception {
        ResNet net =
                ResNet.builder("resnet-8-v1-basic-A")
                        .setNumClasses(10)
                        .setInputShape(1, 28, 28)
                        .build();
        try (NDManager manager = ResNetTesting.newManager()) {
            ResNetTesting.initialize(net.block(), net.spec(), manager, 1);
            SavedModelExporter exporter = ExportTesting.exporter(1, 10).build();
            Path existing = Files.createDirectories(temp.resolve("existing"));
            assertThatThrownBy(
                            () ->
                                    exporter.export(
                                            net.block(), net.spec(), new float[784], existing))
                    .isInstanceOf(FileAlreadyExistsException.class)
                    .hasMessageContaining("export each model version to a new folder");

            Path target = temp.resolve("models/ragged");
            assertThatThrownBy(
                            () ->
                                    exporter.export(
                                            net.block(), net.spec(), new float[784 + 5], target))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("not a whole number of 1x28x28");
            assertThat(target).doesNotExist();
            try (var leftovers = Files.list(target.getParent())) {
                assertThat(leftovers).isEmpty();
            }
        }
    }

    /**
     * Weights live in variables/ (conv kernels, dense) while saved_model.pb holds only the graph.
     * In a v1 network every BN directly follows a convolution and is folded into its kernel and a
     * bias, so the variables hold exactly the trainable count of floats minus one per BN channel
     * (gamma and beta become one bias).
     */
    @Test
    void weightsAreVariablesAndTheGraphStaysSmall() throws Exception {
        ResNet net =
                ResNet.builder("resnet-56-v1-basic-A")
                        .setNumClasses(10)
                        .setInputShape(3, 32, 32)
                        .build();
        try (NDManager manager = ResNetTesting.newManager()) {
            ResNetTesting.initialize(net.block(), net.spec(), manager, 1);
            ModelMetadata metadata =
                    ModelMetadata.builder()
                            .setName("r56")
                            .setVersion("1")
                            .setLabels(ExportTesting.labels(10))
                            .setInput(
                                    io.resflow.runtime.metadata.InputSpec.builder()
                                            .setChannels(3)
                                            .setHeight(32)
                                            .setWidth(32)
                                            .setPixelScale(1f / 255)
                                            .setMean(0.5f, 0.5f, 0.5f)
                                            .setStd(0.25f, 0.25f, 0.25f)
                                            .build())
                            .setSignature(SavedModelExporter.SIGNATURE)
                            .setArchitecture(net.description())
                            .setParameterCount(net.trainableParameterCount())
                            .setDataset("synthetic")
                            .setCreatedAt(Instant.parse("2025-01-01T00:00:00Z"))
                            .build();
            Path dir = temp.resolve("r56");
            SavedModelWriter.write(TensorFlowWeights.of(net.block(), net.spec()), metadata, dir);

            long graphBytes = Files.size(dir.resolve("saved_model.pb"));
            long variableBytes;
            try (var files = Files.list(dir.resolve("variables"))) {
                variableBytes =
                        files.filter(f -> f.getFileName().toString().startsWith("variables.data"))
                                .mapToLong(f -> f.toFile().length())
                                .sum();
            }
            assertThat(graphBytes).isLessThan(300_000);
            long batchNormChannels =
                    net.namedParameters().entrySet().stream()
                            .filter(p -> p.getKey().endsWith(".gamma"))
                            .mapToLong(p -> p.getValue().getArray().size())
                            .sum();
            assertThat(batchNormChannels)
                    .isEqualTo(16 + 9 * 2 * (16 + 32 + 64)); // stem, then 9 units x 2 BNs a stage
            assertThat(variableBytes)
                    .isEqualTo(4 * (net.trainableParameterCount() - batchNormChannels));
            assertThat(ModelMetadata.read(dir)).isEqualTo(metadata);
        }
    }
}
