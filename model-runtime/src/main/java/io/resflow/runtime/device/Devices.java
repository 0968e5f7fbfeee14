package io.resflow.runtime.device;

import ai.djl.Device;
import ai.djl.engine.Engine;
import java.util.List;
import java.util.stream.IntStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Lists the GPUs an engine can use and spreads parallel workers (e.g. Flink slots) over them.
 *
 * <pre>{@code
 * Device device = Devices.forSlot(TensorFlowRuntime.engine(), slotIndex); // gpu(slot % gpus) or cpu()
 * }</pre>
 *
 * <p>With DJL's TensorFlow engine a session places its graph by TensorFlow's own rules (normally on
 * the first visible GPU, {@code GPU:0}); the device chosen here decides where DJL puts input
 * tensors. To spread TensorFlow work over several GPUs, give each process its own GPU via {@code
 * CUDA_VISIBLE_DEVICES}.
 */
public final class Devices {

    private static final Logger LOG = LoggerFactory.getLogger(Devices.class);

    private Devices() {}

    /** The engine's GPUs, {@code gpu(0)} first; empty on a machine without CUDA GPUs. */
    public static List<Device> gpus(Engine engine) {
        return IntStream.range(0, engine.getGpuCount()).mapToObj(Device::gpu).toList();
    }

    /**
     * {@code gpu(slotIndex % gpus)} when the engine has GPUs, else {@code cpu()}; logs the choice,
     * as a warning when the container was given GPUs ({@code NVIDIA_VISIBLE_DEVICES}) that the
     * engine cannot use.
     */
    public static Device forSlot(Engine engine, int slotIndex) {
        List<Device> gpus = gpus(engine);
        Device device = roundRobin(gpus, slotIndex);
        String nvidiaVisibleDevices = System.getenv("NVIDIA_VISIBLE_DEVICES");
        if (!gpus.isEmpty()) {
            logGpuChoice(slotIndex, device, engine, gpus.size());
        } else if (gpusExpected(nvidiaVisibleDevices)) {
            LOG.warn(
                    "Slot {} uses {}: NVIDIA_VISIBLE_DEVICES={} but the {} engine sees no GPU; {}",
                    slotIndex,
                    device,
                    nvidiaVisibleDevices,
                    engine.getEngineName(),
                    WHAT_TO_CHECK);
        } else {
            LOG.info(
                    "Slot {} uses {}: {} engine sees no GPU",
                    slotIndex,
                    device,
                    engine.getEngineName());
        }
        return device;
    }

    /**
     * Like {@link #forSlot} but for a worker that must run on a GPU: refuses, naming what to check,
     * when the engine sees none, instead of running on the CPU while the pod holds a GPU.
     */
    public static Device requireGpu(Engine engine, int slotIndex) {
        List<Device> gpus = gpus(engine);
        Device device = requiredGpu(gpus, slotIndex, engine.getEngineName());
        logGpuChoice(slotIndex, device, engine, gpus.size());
        return device;
    }

    private static void logGpuChoice(int slotIndex, Device device, Engine engine, int gpus) {
        LOG.info(
                "Slot {} uses {} ({} engine sees {} GPU(s); slots take them in turn)",
                slotIndex,
                device,
                engine.getEngineName(),
                gpus);
    }

    static Device requiredGpu(List<Device> gpus, int slotIndex, String engineName) {
        if (gpus.isEmpty()) {
            throw new IllegalStateException(
                    "A GPU is required (--device GPU), but the "
                            + engineName
                            + " engine sees none on this machine; "
                            + WHAT_TO_CHECK);
        }
        return roundRobin(gpus, slotIndex);
    }

    private static final String WHAT_TO_CHECK =
            "check that the pod has an nvidia.com/gpu limit and runs with the NVIDIA container"
                    + " runtime (its runtime class) so the driver is mounted, and that the engine"
                    + " loaded its CUDA libraries (TensorFlow's log names any it could not open)";

    /** Whether the NVIDIA container runtime was asked for GPUs: set, and not "void" or "none". */
    public static boolean gpusExpected(String nvidiaVisibleDevices) {
        return nvidiaVisibleDevices != null
                && !nvidiaVisibleDevices.isBlank()
                && !nvidiaVisibleDevices.equals("void")
                && !nvidiaVisibleDevices.equals("none");
    }

    /** {@code gpus.get(slotIndex % gpus.size())}, or {@code cpu()} when the list is empty. */
    public static Device roundRobin(List<Device> gpus, int slotIndex) {
        if (slotIndex < 0) {
            throw new IllegalArgumentException("slotIndex must be 0 or more, got " + slotIndex);
        }
        return gpus.isEmpty() ? Device.cpu() : gpus.get(slotIndex % gpus.size());
    }
}
