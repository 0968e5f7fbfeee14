package io.resflow.trainer.resnet;

/**
 * Where a v2 (pre-activation) unit applies its first BN+ReLU. Always {@link #NONE} in v1 units.
 *
 * <p>He et al. 2016 Sec. 4.1: "For the first Residual Unit (that follows a stand-alone
 * convolutional layer, conv1), we adopt the first activation right after conv1 and before splitting
 * into two paths". The authors' reference code (resnet-1k-layers, fb.resnet.torch preresnet) also
 * shares the activation with the shortcut in every unit whose shortcut is not the identity
 * ("both_preact"), so projections and zero-padded shortcuts see normalised input.
 */
public enum PreActivation {
    /**
     * No BN+ReLU before the first convolution: v1 units, and the first v2 unit (the stem ends in
     * BN+ReLU).
     */
    NONE,
    /**
     * BN+ReLU at the start of the residual branch only; the identity shortcut carries the raw input
     * (2016 Fig. 4e).
     */
    RESIDUAL_BRANCH,
    /** BN+ReLU before the split, shared by the residual branch and the shortcut ("both_preact"). */
    BOTH_BRANCHES
}
