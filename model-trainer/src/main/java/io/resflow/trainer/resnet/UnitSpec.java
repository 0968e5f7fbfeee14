package io.resflow.trainer.resnet;

import java.util.List;

/**
 * One residual (or plain) unit.
 *
 * <p>The residual branch is {@link #convs()} in order. In v1 every convolution {@code convN} is
 * followed by {@code bnN} and all but the last by ReLU; the unit ends with addition and ReLU. In v2
 * every convolution {@code convN} is preceded by {@code bnN} and ReLU, except that {@code bn1} is
 * absent when {@link #preActivation()} is {@link PreActivation#NONE} and is applied before the
 * split when it is {@link PreActivation#BOTH_BRANCHES}; the unit ends with the addition.
 *
 * @param name canonical prefix, e.g. {@code stage2.unit1}
 * @param version post- or pre-activation
 * @param kind basic or bottleneck
 * @param inChannels channels entering the unit
 * @param outChannels channels leaving the unit
 * @param stride 1, or 2 for the first unit of a down-sampling stage
 * @param inHeight height entering the unit
 * @param inWidth width entering the unit
 * @param convs the residual branch, {@code name.conv1}, {@code name.conv2}[, {@code name.conv3}]
 * @param shortcut the shortcut ({@link ShortcutKind#NONE} in plain networks)
 * @param preActivation where a v2 unit applies its first BN+ReLU
 */
public record UnitSpec(
        String name,
        ResNetVersion version,
        UnitKind kind,
        int inChannels,
        int outChannels,
        int stride,
        int inHeight,
        int inWidth,
        List<ConvSpec> convs,
        ShortcutSpec shortcut,
        PreActivation preActivation) {

    /** Immutable copy of the convolution list. */
    public UnitSpec {
        convs = List.copyOf(convs);
    }

    /** Output height (that of the last convolution). */
    public int outHeight() {
        return convs.get(convs.size() - 1).outHeight();
    }

    /** Output width (that of the last convolution). */
    public int outWidth() {
        return convs.get(convs.size() - 1).outWidth();
    }

    /** Whether the unit has a shortcut (false for plain networks). */
    public boolean residual() {
        return shortcut.kind() != ShortcutKind.NONE;
    }

    /**
     * Canonical prefix of the BN that belongs to convolution {@code index} (1-based): after it in
     * v1, before it in v2.
     */
    public String batchNormName(int index) {
        return name + ".bn" + index;
    }

    /** Whether convolution {@code index} (1-based) has a BN in this unit. */
    public boolean hasBatchNorm(int index) {
        return version == ResNetVersion.V1 || index > 1 || preActivation != PreActivation.NONE;
    }
}
