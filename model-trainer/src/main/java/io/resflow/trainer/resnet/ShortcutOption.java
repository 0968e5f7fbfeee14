package io.resflow.trainer.resnet;

/**
 * The shortcut options compared in He et al. 2015 Sec. 3.3 and Table 3.
 *
 * <p>A shortcut "changes shape" when its unit has stride 2 or more output than input channels.
 */
public enum ShortcutOption {
    /**
     * Identity everywhere; where the shape changes, subsample by taking every stride-th pixel and
     * append zero channels (parameter-free). Used for all CIFAR experiments of the 2015 paper (Sec.
     * 4.2).
     */
    A,
    /**
     * 1x1 projection (convolution, plus BN in v1) only where the shape changes, identity elsewhere.
     * Used for ResNet-50/101/152 (2015 Sec. 4.1).
     */
    B,
    /** Every shortcut is a 1x1 projection (2015 Table 3, "ResNet-34 C"). */
    C
}
