package io.resflow.trainer.training;

import ai.djl.Device;
import ai.djl.engine.Engine;
import io.resflow.runtime.device.Devices;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Which devices a run trains on: every GPU the engine sees, else the CPU. */
public final class TrainingDevices {

    private static final Logger LOG = LoggerFactory.getLogger(TrainingDevices.class);

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
            if (Devices.gpusExpected(System.getenv("NVIDIA_VISIBLE_DEVICES"))) {
                // A GPU image on a GPU node that trains on its CPU for hours: say so loudly.
                LOG.warn(
                        "NVIDIA_VISIBLE_DEVICES={} but the {} engine sees no GPU: training on the"
                            + " CPU. Check that the pod has an nvidia.com/gpu limit and runs with"
                            + " the NVIDIA container runtime, and that the CUDA natives and runtime"
                            + " library are in the image",
                        System.getenv("NVIDIA_VISIBLE_DEVICES"),
                        engine.getEngineName());
            }
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
        String list =
                Arrays.stream(devices).map(Device::toString).collect(Collectors.joining(", "));
        int gpus = engine.getGpuCount();
        String why =
                configured
                        ? "as configured"
                        : gpus == 0 ? "no GPU found" : gpus + (gpus == 1 ? " GPU" : " GPUs");
        return list + " (" + engine.getEngineName() + " " + engine.getVersion() + ", " + why + ")";
    }
}
