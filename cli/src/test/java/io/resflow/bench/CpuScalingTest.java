package io.resflow.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class CpuScalingTest {

    @Test
    void theBatchingGainIsOverTheFastestOneAtATimeBaseline() {
        // Batch 1 is fastest on one thread here: the gain must be measured against that, not the
        // slower pools.
        CpuScaling scaling = new CpuScaling(64, 3, 1500, 1400, 400, 450, 600);

        assertThat(scaling.batchingGain()).isCloseTo(1500.0 / 600, within(1e-9));
        assertThat(scaling.coreScaling()).isCloseTo(1400.0 / 1500, within(1e-9));
    }

    @Test
    void theBatchedSideIsTheFasterOfOneThreadAndAllCores() {
        CpuScaling scaling = new CpuScaling(64, 3, 1000, 1800, 500, 450, 300);

        assertThat(scaling.batchingGain()).isCloseTo(1800.0 / 500, within(1e-9));
    }
}
