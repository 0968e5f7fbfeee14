package io.resflow.trainer.resnet;

/** The two residual-function shapes of He et al. 2015 Fig. 5. */
public enum UnitKind {
    /** Two 3x3 convolutions (2015 Fig. 5 left), used by ResNet-18/34 and the 6n+2 CIFAR nets. */
    BASIC,
    /**
     * 1x1 reduce, 3x3, 1x1 expand by {@link #EXPANSION} (2015 Fig. 5 right), used by
     * ResNet-50/101/152 and the 9n+2 CIFAR nets of the 2016 paper (ResNet-164, ResNet-1001). A unit
     * that halves the resolution strides its 3x3, not its first 1x1 as the authors' Caffe models
     * do: the layout torchvision calls "v1.5", in v1 and v2 alike (same parameters and output
     * shapes; a little more compute, and slightly better accuracy on ImageNet).
     */
    BOTTLENECK;

    /**
     * Output channels of a bottleneck unit divided by its 3x3 width (2015 Sec. 4.1, "Deeper
     * Bottleneck Architectures").
     */
    public static final int EXPANSION = 4;

    /** Lower-case tag used in descriptions, e.g. {@code basic}. */
    public String tag() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    /** Convolutions in the residual branch: 2 for basic, 3 for bottleneck units. */
    public int convolutions() {
        return this == BASIC ? 2 : 3;
    }
}
