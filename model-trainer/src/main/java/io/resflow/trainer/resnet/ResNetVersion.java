package io.resflow.trainer.resnet;

/** Where a residual unit puts its batch normalisation and ReLU. */
public enum ResNetVersion {
    /**
     * Post-activation, He et al. 2015 Fig. 2/5: {@code conv-BN-ReLU-conv-BN}, add the shortcut,
     * then ReLU after the addition.
     */
    V1,
    /**
     * Full pre-activation, He et al. 2016 Fig. 4(e): {@code BN-ReLU-conv-BN-ReLU-conv}, add the
     * shortcut and nothing after the addition, so the identity path stays clean (2016 Sec. 3). The
     * network therefore needs one more BN+ReLU after the last unit, before pooling (2016 Sec. 4.1).
     */
    V2;

    /** Lower-case tag used in descriptions, e.g. {@code v1}. */
    public String tag() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
