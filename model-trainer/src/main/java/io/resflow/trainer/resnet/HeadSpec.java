package io.resflow.trainer.resnet;

/**
 * The classifier: [BN-ReLU in v2], global average pooling, fully connected layer with bias (2015
 * Sec. 3.4 / 4.2). The output are logits; softmax is left to the loss (training) or the exported
 * graph (serving).
 *
 * @param inChannels channels entering the head
 * @param batchNormRelu whether the final BN+ReLU of a pre-activation network (2016 Sec. 4.1) comes
 *     first; parameters {@code head.bn.*}
 * @param numClasses output units; parameters {@code head.fc.weight} (classes, in) and {@code
 *     head.fc.bias} (classes)
 */
public record HeadSpec(int inChannels, boolean batchNormRelu, int numClasses) {

    /** Canonical prefix of the final BN (v2 only). */
    public static final String BATCH_NORM_NAME = "head.bn";

    /** Canonical prefix of the fully connected layer. */
    public static final String DENSE_NAME = "head.fc";
}
