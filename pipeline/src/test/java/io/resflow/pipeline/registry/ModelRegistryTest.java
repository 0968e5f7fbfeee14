package io.resflow.pipeline.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.resflow.pipeline.deployment.DeploymentStateTestAccess;
import io.resflow.runtime.metadata.ModelMetadata;
import io.resflow.runtime.metadata.ModelMetadataException;
import java.io.FileNotFoundException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelRegistryTest {

    @TempDir Path root;
    @TempDir Path exports;

    @Test
    void registeringGivesTheNextVersionAndStampsItIntoTheCopiedMetadata() throws Exception {
        ModelRegistry registry = ModelRegistry.at(root);
        Path export = savedModel("trained", "run-7");

        assertThat(registry.versions("fashion")).isEmpty();
        assertThat(registry.register("fashion", export)).isEqualTo("1");
        assertThat(registry.register("fashion", export)).isEqualTo("2");

        assertThat(registry.models()).containsExactly("fashion");
        assertThat(registry.versions("fashion")).containsExactly("1", "2");
        assertThat(Files.readString(root.resolve("fashion/2/saved_model.pb")))
                .isEqualTo("graph bytes");
        ModelMetadata copied = ModelRegistry.metadata(registry.location("fashion", "2"));
        assertThat(copied.name()).isEqualTo("fashion");
        assertThat(copied.version()).isEqualTo("2");
        assertThat(ModelMetadata.read(export).version())
                .as("the original is left as it was")
                .isEqualTo("run-7");
    }

    @Test
    void versionsAreOrderedAsNumbers() throws Exception {
        for (String v : List.of("10", "9", "2", "candidate")) {
            Files.createDirectories(root.resolve("m").resolve(v));
        }
        ModelRegistry registry = ModelRegistry.at(root.toUri().toString());
        assertThat(registry.versions("m")).containsExactly("2", "9", "10", "candidate");
        assertThat(registry.nextVersion("m")).isEqualTo("11");
    }

    @Test
    void aMissingFolderAndBadMetadataAreToldApart() throws Exception {
        ModelRegistry registry = ModelRegistry.at(root);
        assertThatThrownBy(() -> ModelRegistry.metadata(registry.location("m", "1")))
                .isInstanceOf(FileNotFoundException.class);
        Path bad = root.resolve("m/2/assets");
        Files.createDirectories(bad);
        Files.writeString(bad.resolve("resflow-model.json"), "{not json", StandardCharsets.UTF_8);
        assertThatThrownBy(() -> ModelRegistry.metadata(registry.location("m", "2")))
                .isInstanceOf(ModelMetadataException.class)
                .hasMessageContaining("resflow-model.json");
        assertThatThrownBy(() -> registry.register("m", root.resolve("m/2")))
                .isInstanceOf(ModelMetadataException.class);
    }

    @Test
    void namesAreOneFolderEach() {
        ModelRegistry registry = ModelRegistry.at(root);
        assertThatThrownBy(() -> registry.location("../etc", "1"))
                .hasMessageContaining("one folder name");
        assertThatThrownBy(() -> registry.location("m", "a/b"))
                .hasMessageContaining("one folder name");
    }

    @Test
    void aLocalLocationIsReadInPlace() throws Exception {
        ModelRegistry registry = ModelRegistry.at(root);
        registry.register("m", savedModel("m", "x"));
        org.apache.flink.core.fs.Path location = registry.location("m", "1");
        assertThat(ModelRegistry.localFolder(location, exports))
                .isEqualTo(root.resolve("m/1").toAbsolutePath());
        assertThat(ModelRegistry.uri(location)).startsWith("file:/").endsWith("/m/1");
    }

    private Path savedModel(String name, String version) throws Exception {
        Path export = exports.resolve(name + "-" + version);
        Files.createDirectories(export.resolve("variables"));
        Files.writeString(export.resolve("saved_model.pb"), "graph bytes");
        Files.writeString(export.resolve("variables/variables.index"), "index");
        DeploymentStateTestAccess.metadata(name, version).write(export);
        return export;
    }
}
