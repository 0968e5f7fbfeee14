package io.resflow.trainer.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class TrainingConfigTest {

    private static TrainingConfig.Builder valid() {
        return TrainingConfig.builder().setRunDirectory(Path.of("run"));
    }

    @Test
    void defaultsAreThePapersCifarSettings() {
        TrainingConfig config = valid().build();

        assertThat(config.learningRate()).isEqualTo(0.1f);
        assertThat(config.momentum()).isEqualTo(0.9f);
        assertThat(config.weightDecay()).isEqualTo(1e-4f);
        assertThat(config.batchSize()).isEqualTo(128);
        assertThat(config.decay()).isEqualTo(LearningRateSchedule.Decay.STEP);
        assertThat(config.warmup()).isEqualTo(Warmup.none());
        assertThat(config.augmentation()).isTrue();
        assertThat(config.metricsPort()).isZero();
        assertThat(config.pushgateway()).isEmpty();
        assertThat(config.resume()).isFalse();
        assertThat(config.devices()).isEmpty();
    }

    @Test
    void toBuilderDerivesAVariant() {
        TrainingConfig config = valid().optEpochs(3).optPushgateway(" gateway:9091 ").build();

        TrainingConfig resumed = config.toBuilder().optResume(true).build();

        assertThat(resumed.resume()).isTrue();
        assertThat(resumed.epochs()).isEqualTo(3);
        assertThat(resumed.pushgateway()).contains("gateway:9091");
        assertThat(resumed.describe()).isEqualTo(config.describe());
    }

    @Test
    void invalidValuesSayWhatIsAllowed() {
        assertThatThrownBy(() -> TrainingConfig.builder().build())
                .hasMessageContaining("setRunDirectory");
        assertThatThrownBy(() -> valid().optEpochs(0).build())
                .hasMessageContaining("epochs must be positive, got 0");
        assertThatThrownBy(() -> valid().optBatchSize(-1).build())
                .hasMessageContaining("batch size must be positive");
        assertThatThrownBy(() -> valid().optMomentum(1f).build())
                .hasMessageContaining("momentum must be in [0, 1)");
        assertThatThrownBy(() -> valid().optLearningRate(Float.NaN).build())
                .hasMessageContaining("learning rate must be positive");
        assertThatThrownBy(() -> valid().optMetricsPort(70_000).build())
                .hasMessageContaining("0 (off) or 1..65535");
        assertThatThrownBy(() -> valid().optModelName("a/b").build())
                .hasMessageContaining("names files");
        assertThatThrownBy(() -> valid().optMaxBatchesPerEpoch(-2).build())
                .hasMessageContaining("0 = all");
    }
}
