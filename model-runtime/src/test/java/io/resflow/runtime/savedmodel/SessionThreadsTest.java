package io.resflow.runtime.savedmodel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.Device;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.proto.ConfigProto;
import org.tensorflow.proto.GPUOptions;

class SessionThreadsTest {

    @TempDir Path temp;

    @Test
    void setsThreadPoolsAndSpinningAndKeepsTheRestOfTheBaseConfig() {
        ConfigProto base =
                ConfigProto.newBuilder()
                        .setAllowSoftPlacement(true)
                        .setInterOpParallelismThreads(7)
                        .setGpuOptions(GPUOptions.newBuilder().setVisibleDeviceList("0"))
                        .build();

        ConfigProto config = SessionThreads.sharedCpu().withIntraOp(1).applyTo(base);

        assertThat(config.getIntraOpParallelismThreads()).isEqualTo(1);
        assertThat(config.getInterOpParallelismThreads())
                .as("0 keeps what the base says")
                .isEqualTo(7);
        assertThat(config.getExperimental().getDisableThreadSpinning()).isTrue();
        assertThat(config.getAllowSoftPlacement()).isTrue();
        assertThat(config.getGpuOptions().getVisibleDeviceList()).isEqualTo("0");
        assertThat(
                        SessionThreads.tensorFlowDefaults()
                                .applyTo(base)
                                .getExperimental()
                                .getDisableThreadSpinning())
                .isFalse();
    }

    @Test
    void refusesNegativeThreadCounts() {
        assertThatThrownBy(() -> SessionThreads.tensorFlowDefaults().withIntraOp(-1))
                .hasMessageContaining("0 (TensorFlow decides) or more");
    }

    @Test
    void tensorFlowAcceptsTheSettingsAndAnswersTheSame() throws IOException {
        Path model = TinySavedModel.export(temp.resolve("tiny"));
        float[] batch = TinySavedModel.batch(5, 2);
        try (SavedModelClassifier oneThreadNoSpin =
                SavedModelClassifier.open(
                        model,
                        Device.cpu(),
                        SessionThreads.sharedCpu().withIntraOp(1).withInterOp(1))) {
            float[][] probabilities = oneThreadNoSpin.predict(batch);
            for (int i = 0; i < 5; i++) {
                double[] expected = TinySavedModel.expectedProbabilities(batch, i);
                for (int c = 0; c < expected.length; c++) {
                    assertThat((double) probabilities[i][c]).isCloseTo(expected[c], within(1e-6));
                }
            }
        }
    }
}
