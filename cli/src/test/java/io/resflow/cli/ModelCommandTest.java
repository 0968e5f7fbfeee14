package io.resflow.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.resflow.pipeline.deployment.ModelUpdates;
import io.resflow.pipeline.deployment.Refusal;
import io.resflow.pipeline.records.ModelVersion;
import io.resflow.runtime.metadata.InputSpec;
import io.resflow.runtime.metadata.ModelMetadata;
import io.resflow.runtime.metadata.SignatureSpec;
import io.resflow.schema.RefusalReason;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelCommandTest {

    @TempDir Path registry;
    @TempDir Path export;

    @Test
    void registerGivesNumberedVersionsThatListShows() throws Exception {
        Files.writeString(export.resolve("saved_model.pb"), "graph");
        ModelMetadata.builder()
                .setName("trained")
                .setVersion("run-3")
                .setLabels(List.of("a", "b"))
                .setInput(
                        InputSpec.builder()
                                .setHeight(28)
                                .setWidth(28)
                                .setChannels(1)
                                .setPixelScale(1f / 255)
                                .setMean(0.5f)
                                .setStd(0.5f)
                                .build())
                .setSignature(SignatureSpec.servingDefault("input", "probabilities"))
                .setArchitecture("resnet-8")
                .setParameterCount(100)
                .setDataset("test")
                .setCreatedAt(Instant.EPOCH)
                .build()
                .write(export);

        String out =
                stdout(
                        () -> {
                            run(
                                    "model",
                                    "register",
                                    "--registry",
                                    registry.toString(),
                                    "--name",
                                    "fashion",
                                    export.toString());
                            run(
                                    "model",
                                    "register",
                                    "--registry",
                                    registry.toString(),
                                    "--name",
                                    "fashion",
                                    export.toString());
                            run("model", "list", "--registry", registry.toString());
                        });

        assertThat(out)
                .contains("Registered fashion:1")
                .contains("Registered fashion:2")
                .contains("fashion:1  resnet-8")
                .contains("fashion:2  resnet-8");
    }

    @Test
    void statusNamesThePrimaryFromTheLatestLoadedAnswerAndShowsRefusals() {
        ModelVersion v2 = new ModelVersion("fashion", "2", "file:///r/fashion/2");
        var deploy = ModelUpdates.deployPrimary("fashion", "2", null, "cli");
        var loaded = ModelUpdates.loaded(v2, deploy.id(), "job/0", Map.of());
        var refused =
                ModelUpdates.refused(
                        "fashion",
                        "3",
                        "c3",
                        new Refusal(RefusalReason.LABELS_MISMATCH, "other labels"),
                        "job/0",
                        Map.of());
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ModelCommand.print(List.of(deploy, loaded, refused), 10, new PrintStream(bytes, true));
        String out = bytes.toString(StandardCharsets.UTF_8);
        assertThat(out)
                .contains("fashion: primary 2 (LOADED by job/0")
                .contains("REFUSED fashion:3  by job/0  LABELS_MISMATCH: other labels");
    }

    private static void run(String... args) {
        int exit = ResFlow.commandLine().execute(args);
        assertThat(exit).as("exit code of %s", List.of(args)).isZero();
    }

    private static String stdout(Runnable action) {
        PrintStream original = System.out;
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        System.setOut(new PrintStream(bytes, true, StandardCharsets.UTF_8));
        try {
            action.run();
        } finally {
            System.setOut(original);
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }
}
