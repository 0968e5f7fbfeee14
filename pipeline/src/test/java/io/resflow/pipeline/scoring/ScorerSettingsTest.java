package io.resflow.pipeline.scoring;

import static org.assertj.core.api.Assertions.assertThat;

import io.resflow.runtime.savedmodel.SessionThreads;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class ScorerSettingsTest {

    @Test
    void aThreadCountBoundsBothOfTensorFlowsPools() {
        ScorerSettings fourCpus =
                new ScorerSettings(64, Duration.ofMillis(10), 1, 4, false, DeviceChoice.CPU);
        assertThat(fourCpus.sessionThreads()).isEqualTo(new SessionThreads(4, 4, false));

        // Unset: the JVM's CPUs (a container's limit), never TensorFlow's own count of the node's
        // cores.
        ScorerSettings unset =
                new ScorerSettings(64, Duration.ofMillis(10), 1, 0, true, DeviceChoice.CPU);
        int cpus = Runtime.getRuntime().availableProcessors();
        assertThat(unset.sessionThreads()).isEqualTo(new SessionThreads(cpus, cpus, true));
    }
}
