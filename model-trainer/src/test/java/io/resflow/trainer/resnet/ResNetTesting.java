package io.resflow.trainer.resnet;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import java.util.Map;

/** Shared by the resnet and export tests: deterministic initialisation and forward passes. */
public final class ResNetTesting {

    /** The engine the trainer uses. */
    public static final String PYTORCH = "PyTorch";

    private ResNetTesting() {}

    /** A PyTorch-engine manager on the CPU. */
    public static NDManager newManager() {
        return Engine.getEngine(PYTORCH).newBaseManager();
    }

    /** Initialise {@code block} for a batch of one {@code spec} input, with a fixed seed. */
    public static void initialize(Block block, ResNetSpec spec, NDManager manager, int seed) {
        Engine.getEngine(PYTORCH).setRandomSeed(seed);
        Shape in = spec.inputShape();
        block.initialize(manager, DataType.FLOAT32, new Shape(1, in.get(0), in.get(1), in.get(2)));
    }

    /** Inference-mode forward pass (BN uses its running statistics). */
    public static NDArray predict(Block block, NDManager manager, NDArray input) {
        return block.forward(new ParameterStore(manager, false), new NDList(input), false)
                .singletonOrThrow();
    }

    /** Deterministic pixel batch in [0, 1). */
    public static NDArray images(NDManager manager, ResNetSpec spec, int batch, int seed) {
        Engine.getEngine(PYTORCH).setRandomSeed(seed);
        Shape in = spec.inputShape();
        return manager.randomUniform(0f, 1f, new Shape(batch, in.get(0), in.get(1), in.get(2)));
    }

    /** Sum of DJL parameter sizes, running statistics included. */
    public static long djlParameterCount(Block block) {
        return block.getParameters().values().stream().mapToLong(p -> p.getArray().size()).sum();
    }

    /**
     * Give every BN non-trivial statistics and affine parameters (gamma in [0.5, 1.5), beta and
     * running mean in [-0.5, 0.5), running variance in [0.5, 2)), so inference-mode BN is far from
     * the identity and BN folding is really exercised. Parameters of one BN share a manager with
     * their original arrays.
     */
    public static void randomizeBatchNorms(Map<String, Parameter> params, int seed) {
        Engine.getEngine(PYTORCH).setRandomSeed(seed);
        for (Map.Entry<String, Parameter> e : params.entrySet()) {
            NDArray old = e.getValue().getArray();
            NDManager m = old.getManager();
            Shape s = old.getShape();
            String name = e.getKey();
            NDArray value;
            if (name.endsWith(".gamma")) {
                value = m.randomUniform(0.5f, 1.5f, s);
            } else if (name.endsWith(".beta") || name.endsWith(".runningMean")) {
                value = m.randomUniform(-0.5f, 0.5f, s);
            } else if (name.endsWith(".runningVar")) {
                value = m.randomUniform(0.5f, 2f, s);
            } else {
                continue;
            }
            old.set(value.toFloatArray());
            value.close();
        }
    }
}
