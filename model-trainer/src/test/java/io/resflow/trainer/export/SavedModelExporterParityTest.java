package io.resflow.trainer.export;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDManager;
import io.resflow.runtime.metadata.ModelMetadata;
import io.resflow.trainer.resnet.ResNet;
import io.resflow.trainer.resnet.ResNetTesting;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Every block family the resnet package defines, exported and loaded back with DJL's TensorFlow
 * engine, reproduces the PyTorch-engine model within the gate's 1e-4 on every probability.
 */
class SavedModelExporterParityTest {

    @TempDir Path temp;

    @ParameterizedTest(name = "{0} on {1}x{2}x{2}")
    @CsvSource({
        "resnet-8-v1-basic-A,          1, 28",
        "resnet-8-v1-basic-B,          3, 32",
        "resnet-8-v1-basic-C,          1, 28",
        "resnet-20-v1-bottleneck-A,    1, 28",
        "resnet-20-v1-bottleneck-B,    3, 32",
        "resnet-8-v2-basic-A,          3, 32",
        "resnet-8-v2-basic-B,          1, 28",
        "resnet-20-v2-bottleneck-B,    1, 28",
        "resnet-20-v2-bottleneck-C,    3, 32",
        "plain-8-v1-basic,             1, 28",
        "plain-11-v2-bottleneck,       3, 32",
        // ImageNet-style stem (7x7/2 convolution, 3x3/2 max-pool) on an odd size
        "resnet-18-v1-basic-B,         3, 45",
    })
    void exportReproducesThePyTorchModel(String description, int channels, int size)
            throws Exception {
        ResNet net =
                ResNet.builder(description)
                        .setNumClasses(10)
                        .setInputShape(channels, size, size)
                        .build();
        try (NDManager manager = ResNetTesting.newManager()) {
            float[] images = ExportTesting.prepare(net, manager, 42);
            Path target = temp.resolve("models").resolve(net.description());

            ExportResult result =
                    ExportTesting.exporter(channels, 10)
                            .build()
                            .export(net.block(), net.spec(), images, target);

            System.out.printf(
                    "parity %-28s %dx%dx%d: %s%n",
                    description, channels, size, size, result.parity().describe());
            assertThat(result.parity().passed()).isTrue();
            assertThat(result.parity().maxAbsDifference()).isLessThan(1e-4);
            assertThat(result.parity().images()).isEqualTo(ExportTesting.IMAGES);
            assertThat(result.parity().top1Agreements())
                    .isGreaterThanOrEqualTo(ExportTesting.IMAGES - 1);
            assertThat(result.directory()).isEqualTo(target.toAbsolutePath());
            assertThat(target.resolve("saved_model.pb")).isRegularFile();
            assertThat(target.resolve("variables/variables.index")).isRegularFile();
            // On Kubernetes the trainer and Flink run as different users sharing only a group.
            assertThat(Files.getPosixFilePermissions(target))
                    .as("the SavedModel folder is readable by others")
                    .contains(
                            java.nio.file.attribute.PosixFilePermission.GROUP_READ,
                            java.nio.file.attribute.PosixFilePermission.GROUP_EXECUTE,
                            java.nio.file.attribute.PosixFilePermission.OTHERS_READ,
                            java.nio.file.attribute.PosixFilePermission.OTHERS_EXECUTE);
            assertThat(ModelMetadata.read(target)).isEqualTo(result.metadata());
            assertThat(result.metadata().architecture()).isEqualTo(description);
            assertThat(result.metadata().parameterCount()).isEqualTo(net.trainableParameterCount());
            try (var siblings = Files.list(target.getParent())) {
                assertThat(siblings).containsExactly(target);
            }
        }
    }
}
