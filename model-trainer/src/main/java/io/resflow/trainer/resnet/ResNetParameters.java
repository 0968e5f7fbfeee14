package io.resflow.trainer.resnet;

import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import ai.djl.util.PairList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Finds every DJL parameter of a network built by {@link ResNetBlocks#network} under a canonical,
 * framework-neutral name.
 *
 * <p>DJL names parameters by tree position ({@code
 * 02SequentialBlock_01ParallelBlock_01SequentialBlock_01Conv2d_weight}), which is deterministic but
 * unreadable. Canonical names follow the {@link ResNetSpec}:
 *
 * <ul>
 *   <li>{@code stem.conv.weight}, {@code stem.bn.*}
 *   <li>{@code stageS.unitU.convK.weight} for the K-th residual-branch convolution (1-based stages,
 *       units and convolutions; stage 1 is the paper's conv2_x)
 *   <li>{@code stageS.unitU.bnK.*}: the BN after convK (v1) or before convK (v2; {@code bn1} is
 *       absent when the unit has no pre-activation)
 *   <li>{@code stageS.unitU.shortcut.conv.weight}, {@code stageS.unitU.shortcut.bn.*} (projection
 *       shortcuts; the BN only in v1)
 *   <li>{@code head.bn.*} (v2 only), {@code head.fc.weight} (classes, channels), {@code
 *       head.fc.bias}
 * </ul>
 *
 * where {@code bn.*} stands for {@code gamma, beta, runningMean, runningVar}. Convolution weights
 * are OIHW. The mapping pairs {@link ResNetSpec#parameters()} with {@link Block#getParameters()} by
 * position and checks the DJL name and, once initialised, the shape of every pair, so a block that
 * does not match the spec fails loudly instead of exporting wrong weights.
 */
public final class ResNetParameters {

    private ResNetParameters() {}

    /**
     * Canonical name to DJL parameter, in {@link ResNetSpec#parameters()} order.
     *
     * @param block a block built from {@code spec} by {@link ResNetBlocks#network} (for example a
     *     trained {@code Model}'s block)
     * @param spec the block's description
     * @return an unmodifiable, ordered map
     * @throws IllegalArgumentException if the block's parameters do not match the spec
     */
    public static Map<String, Parameter> byName(Block block, ResNetSpec spec) {
        List<ParameterSpec> expected = spec.parameters();
        PairList<String, Parameter> actual = block.getParameters();
        if (actual.size() != expected.size()) {
            throw new IllegalArgumentException(
                    "block has "
                            + actual.size()
                            + " parameters but "
                            + spec.description()
                            + " has "
                            + expected.size()
                            + "; was the block built from this spec?");
        }
        Map<String, Parameter> byName = new LinkedHashMap<>();
        for (int i = 0; i < expected.size(); i++) {
            ParameterSpec want = expected.get(i);
            Pair<String, Parameter> have = actual.get(i);
            Parameter parameter = have.getValue();
            if (!parameter.getName().equals(want.djlName())) {
                throw new IllegalArgumentException(
                        "parameter #"
                                + i
                                + " is DJL's "
                                + have.getKey()
                                + " but "
                                + spec.description()
                                + " expects "
                                + want.name());
            }
            if (parameter.isInitialized()
                    && !parameter.getArray().getShape().equals(want.shape())) {
                throw new IllegalArgumentException(
                        want.name()
                                + " (DJL "
                                + have.getKey()
                                + ") has shape "
                                + parameter.getArray().getShape()
                                + ", expected "
                                + want.shape());
            }
            byName.put(want.name(), parameter);
        }
        return Collections.unmodifiableMap(byName);
    }
}
