package io.resflow.ingest.flow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class FrameSamplerTest {

    private static int kept(FrameSampler sampler, double cameraFps, double seconds, double offset) {
        int kept = 0;
        for (int i = 0; i < Math.round(cameraFps * seconds); i++) {
            if (sampler.keep(offset + i / cameraFps)) {
                kept++;
            }
        }
        return kept;
    }

    @Test
    void keepsFpsTimesDurationWhateverTheCameraRate() {
        assertThat(kept(new FrameSampler(5), 25, 10, 0)).isEqualTo(50);
        assertThat(kept(new FrameSampler(5), 30, 10, 0)).isEqualTo(50);
        assertThat(kept(new FrameSampler(5), 29.97, 10, 3.2)).isEqualTo(50);
        assertThat(kept(new FrameSampler(3), 30, 10, 0)).isEqualTo(30);
    }

    @Test
    void keepsEveryFrameOfASlowerCamera() {
        assertThat(kept(new FrameSampler(10), 4, 10, 0)).isEqualTo(40);
    }

    @Test
    void aClockJumpRestartsTheGridWithoutABurst() {
        FrameSampler sampler = new FrameSampler(5);
        assertThat(kept(sampler, 25, 2, 0)).isEqualTo(10);
        // The camera rebooted: its clock starts again at 0.
        assertThat(kept(sampler, 25, 2, 0)).isEqualTo(10);
        // A reconnect an hour later.
        assertThat(kept(sampler, 25, 2, 3600)).isEqualTo(10);
    }

    @Test
    void fpsMustBePositive() {
        assertThatThrownBy(() -> new FrameSampler(0)).hasMessageContaining("--fps");
    }
}
