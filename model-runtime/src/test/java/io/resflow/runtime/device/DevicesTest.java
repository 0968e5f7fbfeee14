package io.resflow.runtime.device;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Device;
import java.util.List;
import org.junit.jupiter.api.Test;

class DevicesTest {

    @Test
    void slotsTakeTheGpusInTurn() {
        List<Device> gpus = List.of(Device.gpu(0), Device.gpu(1), Device.gpu(2));

        assertThat(List.of(0, 1, 2, 3, 4, 7).stream().map(slot -> Devices.roundRobin(gpus, slot)))
                .containsExactly(
                        Device.gpu(0),
                        Device.gpu(1),
                        Device.gpu(2),
                        Device.gpu(0),
                        Device.gpu(1),
                        Device.gpu(1));
    }

    @Test
    void withoutGpusEverySlotUsesTheCpu() {
        assertThat(Devices.roundRobin(List.of(), 0)).isEqualTo(Device.cpu());
        assertThat(Devices.roundRobin(List.of(), 5)).isEqualTo(Device.cpu());
    }

    @Test
    void negativeSlotsAreRefused() {
        assertThatThrownBy(() -> Devices.roundRobin(List.of(), -1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("slotIndex must be 0 or more");
    }

    @Test
    void aRequiredGpuIsRefusedWhenTheEngineSeesNone() {
        assertThat(Devices.requiredGpu(List.of(Device.gpu(0), Device.gpu(1)), 3, "TensorFlow"))
                .isEqualTo(Device.gpu(1));
        assertThatThrownBy(() -> Devices.requiredGpu(List.of(), 0, "TensorFlow"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining(
                        "A GPU is required (--device GPU), but the TensorFlow engine sees none")
                .hasMessageContaining("runtime class");
    }

    @Test
    void gpusAreExpectedWhenTheNvidiaRuntimeWasAskedForSome() {
        assertThat(Devices.gpusExpected("all")).isTrue();
        assertThat(Devices.gpusExpected("0,1")).isTrue();
        assertThat(Devices.gpusExpected(null)).isFalse();
        assertThat(Devices.gpusExpected("")).isFalse();
        assertThat(Devices.gpusExpected("void")).isFalse();
        assertThat(Devices.gpusExpected("none")).isFalse();
    }
}
