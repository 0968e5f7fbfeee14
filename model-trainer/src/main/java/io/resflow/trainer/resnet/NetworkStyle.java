package io.resflow.trainer.resnet;

import java.util.Locale;

/** Stem, widths and number of stages: the two network layouts of He et al. 2015. */
public enum NetworkStyle {
    /**
     * 2015 Sec. 4.2: 3x3 stem with 16 filters, three stages of 16/32/64 channels (x4 for bottleneck
     * units), depth 6n+2 (basic) or 9n+2 (bottleneck, 2016 paper).
     */
    CIFAR,
    /**
     * 2015 Table 1: 7x7/2 stem with 64 filters and a 3x3/2 max-pool, four stages of 64..512
     * channels (x4 for bottleneck units), depths 18, 34, 50, 101, 152 (and 200 from the 2016
     * paper).
     */
    IMAGENET;

    /** Lower-case tag used in descriptions, e.g. {@code imagenet}. */
    public String tag() {
        return name().toLowerCase(Locale.ROOT);
    }
}
