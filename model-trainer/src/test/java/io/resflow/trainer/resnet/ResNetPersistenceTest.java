package io.resflow.trainer.resnet;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A trained network saved with DJL comes back from its description alone: the description rebuilds
 * the spec, {@link ResNet#newBlock} the block, and {@code Model.load} the weights.
 */
class ResNetPersistenceTest {

    @TempDir Path temp;

    @Test
    void savedModelReloadsFromItsDescription() throws Exception {
        for (String description :
                new String[] {
                    "resnet-8-v2-basic-A", "resnet-20-v1-bottleneck-C", "plain-8-v1-basic"
                }) {
            ResNet net =
                    ResNet.builder(description).setNumClasses(10).setInputShape(1, 28, 28).build();
            Path dir = temp.resolve(description);
            try (NDManager manager = ResNetTesting.newManager();
                    Model model = Model.newInstance(net.description(), ResNetTesting.PYTORCH)) {
                model.setBlock(net.block());
                ResNetTesting.initialize(net.block(), net.spec(), manager, 4);
                ResNetTesting.randomizeBatchNorms(net.namedParameters(), 5);
                model.save(dir, net.description());
                NDArray x = ResNetTesting.images(manager, net.spec(), 2, 6);
                float[] expected = ResNetTesting.predict(net.block(), manager, x).toFloatArray();

                ResNetSpec spec =
                        ResNet.builder(description)
                                .setNumClasses(10)
                                .setInputShape(1, 28, 28)
                                .buildSpec();
                try (Model loaded = Model.newInstance(spec.description(), ResNetTesting.PYTORCH)) {
                    loaded.setBlock(ResNet.newBlock(spec));
                    loaded.load(dir, spec.description());
                    assertThat(ResNetParameters.byName(loaded.getBlock(), spec))
                            .hasSize(spec.parameters().size());
                    assertThat(ResNetTesting.predict(loaded.getBlock(), manager, x).toFloatArray())
                            .as(description)
                            .containsExactly(expected);
                }
            }
        }
    }
}
