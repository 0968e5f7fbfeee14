package io.resflow.trainer.resnet;

/**
 * The shortcut path of one unit.
 *
 * @param name canonical prefix, e.g. {@code stage2.unit1.shortcut}
 * @param kind what the shortcut does
 * @param inChannels channels entering the unit
 * @param outChannels channels leaving the unit
 * @param stride the unit's stride
 * @param inHeight height entering the unit
 * @param inWidth width entering the unit
 * @param batchNorm whether a {@link ShortcutKind#PROJECTION} is followed by BN: true in v1 (2015,
 *     as in the authors' Caffe models), false in v2 where the next unit's pre-activation BN
 *     normalises the sum (2016 reference code)
 */
public record ShortcutSpec(
        String name,
        ShortcutKind kind,
        int inChannels,
        int outChannels,
        int stride,
        int inHeight,
        int inWidth,
        boolean batchNorm) {

    /**
     * The 1x1 projection convolution, named {@code name + ".conv"}.
     *
     * @throws IllegalStateException unless {@link #kind()} is {@link ShortcutKind#PROJECTION}
     */
    public ConvSpec projection() {
        if (kind != ShortcutKind.PROJECTION) {
            throw new IllegalStateException(name + " is a " + kind + " shortcut, not a projection");
        }
        return new ConvSpec(
                name + ".conv", inChannels, outChannels, 1, stride, 0, inHeight, inWidth);
    }

    /** Canonical prefix of the projection's BN parameters, {@code name + ".bn"}. */
    public String batchNormName() {
        return name + ".bn";
    }
}
