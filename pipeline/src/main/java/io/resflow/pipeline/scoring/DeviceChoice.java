package io.resflow.pipeline.scoring;

/** Where the model runs: chosen by {@code --device}, applied by {@link BatchScoringFunction}. */
public enum DeviceChoice {
    /**
     * A GPU when the engine sees GPUs (subtasks take them in turn; TensorFlow places the graph on
     * the first visible GPU, so one GPU per TaskManager), else the CPU.
     */
    AUTO,
    /** Always the CPU. */
    CPU,
    /**
     * A GPU, required: the scorer does not start on a TaskManager whose engine sees none (a driver
     * not mounted, a CUDA library missing), instead of scoring on its CPU while holding a GPU.
     */
    GPU
}
