package io.resflow.trainer.resnet;

/**
 * What one unit's shortcut does, as decided from the {@link ShortcutOption} and the unit's shape.
 */
public enum ShortcutKind {
    /** Plain network (2015 Sec. 4.1 "Plain Networks"): no shortcut at all. */
    NONE,
    /** The input is added unchanged. */
    IDENTITY,
    /**
     * Option A where the shape changes: {@code x[:, :, ::stride, ::stride]} followed by zero
     * channels appended after the input channels (as in fb.resnet.torch's shortcut type A).
     */
    ZERO_PAD,
    /** 1x1 convolution with the unit's stride (options B and C); followed by BN in v1 only. */
    PROJECTION
}
