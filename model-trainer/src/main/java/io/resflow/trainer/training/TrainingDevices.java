package io.resflow.trainer.training;

import ai.djl.Device;
import ai.djl.engine.Engine;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

/** Which devices a run trains on: every GPU the engine sees, else the CPU. */
public final class TrainingDevices {

    private TrainingDevices() {}

    /**
     * The configured devices, or all GPUs of the engine, or the CPU. Several GPUs make DJL's
     * trainer split each batch across them and aggregate the gradients.
     */
    public static Device[] select(Engine engine, List<Device> configured) {
        if (!configured.isEmpty()) {
            return configured.toArray(Device[]::new);
        }
        int gpus = engine.getGpuCount();
        if (gpus == 0) {
            return new Device[] {Device.cpu()};
        }
        Device[] devices = new Device[gpus];
        for (int i = 0; i < gpus; i++) {
            devices[i] = Device.gpu(i);
        }
        return devices;
    }

    /** E.g. "cpu() (PyTorch 2.5.1, no GPU found)" or "gpu(0), gpu(1) (PyTorch 2.5.1, 2 GPUs)". */
    public static String describe(Engine engine, Device[] devices, boolean configured) {
        String list = Arrays.stream(devices).map(Device::toString).collect(Collectors.joining(", "));
        int gpus = engine.getGpuCount();
        String why = configured ? "as configured"
                : gpus == 0 ? "no GPU found" : gpus + (gpus == 1 ? " GPU" : " GPUs");
        return list + " (" + engine.getEngineName() + " " + engine.getVersion() + ", " + why + ")";
    }
}
