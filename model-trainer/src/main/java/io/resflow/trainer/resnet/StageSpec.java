package io.resflow.trainer.resnet;

import java.util.List;

/**
 * A stack of units at one resolution (2015 Table 1: conv2_x .. conv5_x; for CIFAR the three maps of
 * 2015 Sec. 4.2). Only the first unit may change the shape.
 *
 * @param name canonical prefix, {@code stage1}, {@code stage2}, ...
 * @param units the units in order
 */
public record StageSpec(String name, List<UnitSpec> units) {

    /** Immutable copy of the unit list. */
    public StageSpec {
        units = List.copyOf(units);
    }

    /** Channels leaving the stage. */
    public int outChannels() {
        return units.get(units.size() - 1).outChannels();
    }
}
