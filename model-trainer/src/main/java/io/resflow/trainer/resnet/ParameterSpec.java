package io.resflow.trainer.resnet;

import ai.djl.ndarray.types.Shape;

/**
 * One parameter of the network under its canonical name (see {@link ResNetParameters}).
 *
 * @param name canonical name, e.g. {@code stage2.unit1.bn1.runningVar}
 * @param shape its shape
 * @param trainable false for BN running statistics, which DJL counts as parameters but the papers
 *     do not
 */
public record ParameterSpec(String name, Shape shape, boolean trainable) {

    /** Number of values. */
    public long size() {
        return shape.size();
    }

    /**
     * The DJL parameter name, i.e. the last segment: weight, bias, gamma, beta, runningMean,
     * runningVar.
     */
    public String djlName() {
        return name.substring(name.lastIndexOf('.') + 1);
    }
}
