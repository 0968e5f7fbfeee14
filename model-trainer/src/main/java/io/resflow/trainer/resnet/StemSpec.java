package io.resflow.trainer.resnet;

/**
 * The layers before the first unit: {@code conv-BN-ReLU}, plus a 3x3/2 max-pool with padding 1 in
 * the ImageNet style (2015 Table 1). Both versions use the same stem; in v2 its BN+ReLU is the
 * "first activation right after conv1" of 2016 Sec. 4.1. BN parameters are {@code stem.bn.*}.
 *
 * @param conv the stem convolution, {@code stem.conv}
 * @param maxPool whether the 3x3/2 max-pool follows
 */
public record StemSpec(ConvSpec conv, boolean maxPool) {

    /** Max-pool window (ImageNet style). */
    public static final int POOL_KERNEL = 3;

    /** Max-pool stride (ImageNet style). */
    public static final int POOL_STRIDE = 2;

    /** Max-pool padding on every side; padded cells never win (PyTorch pads with -inf). */
    public static final int POOL_PADDING = 1;

    /** Canonical prefix of the stem BN. */
    public static final String BATCH_NORM_NAME = "stem.bn";

    /** Channels leaving the stem. */
    public int outChannels() {
        return conv.outChannels();
    }

    /** Height leaving the stem. */
    public int outHeight() {
        int h = conv.outHeight();
        return maxPool ? ConvSpec.outSize(h, POOL_KERNEL, POOL_STRIDE, POOL_PADDING) : h;
    }

    /** Width leaving the stem. */
    public int outWidth() {
        int w = conv.outWidth();
        return maxPool ? ConvSpec.outSize(w, POOL_KERNEL, POOL_STRIDE, POOL_PADDING) : w;
    }
}
