package io.resflow.trainer.resnet;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.Blocks;
import ai.djl.nn.LambdaBlock;
import ai.djl.nn.ParallelBlock;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.nn.pooling.Pool;
import java.util.List;

/**
 * Turns a {@link ResNetSpec} into DJL blocks, one small factory per layer and unit.
 *
 * <p>Tree of {@link #network}: a {@link SequentialBlock} of [stem, stage1 .. stageS, head], each a
 * {@link SequentialBlock}; a stage holds its units. A residual unit is a {@link ParallelBlock} that
 * adds its two branches [residual, shortcut]; v1 wraps it as [sum, ReLU], v2 with {@link
 * PreActivation#BOTH_BRANCHES} as [BN, ReLU, sum]. Parameters therefore appear in exactly the order
 * of {@link ResNetSpec#parameters()}, which {@link ResNetParameters} relies on.
 */
public final class ResNetBlocks {

    private ResNetBlocks() {}

    /** The whole network: stem, stages, head; outputs logits of shape (N, classes). */
    public static SequentialBlock network(ResNetSpec spec) {
        float eps = spec.batchNormEpsilon();
        float momentum = spec.batchNormMomentum();
        SequentialBlock net = new SequentialBlock();
        net.add(stem(spec.stem(), eps, momentum));
        for (StageSpec stage : spec.stages()) {
            SequentialBlock units = new SequentialBlock();
            for (UnitSpec unit : stage.units()) {
                units.add(unit(unit, eps, momentum));
            }
            net.add(units);
        }
        net.add(head(spec.head(), eps, momentum));
        return net;
    }

    /** conv-BN-ReLU[-max-pool 3x3/2 pad 1] (2015 Table 1, conv1). */
    public static SequentialBlock stem(StemSpec stem, float eps, float momentum) {
        SequentialBlock block =
                new SequentialBlock()
                        .add(conv(stem.conv()))
                        .add(batchNorm(eps, momentum))
                        .add(Activation.reluBlock());
        if (stem.maxPool()) {
            int k = StemSpec.POOL_KERNEL;
            int s = StemSpec.POOL_STRIDE;
            int p = StemSpec.POOL_PADDING;
            block.add(Pool.maxPool2dBlock(new Shape(k, k), new Shape(s, s), new Shape(p, p)));
        }
        return block;
    }

    /** One unit, post- or pre-activation according to {@link UnitSpec#version()}. */
    public static Block unit(UnitSpec unit, float eps, float momentum) {
        return unit.version() == ResNetVersion.V1
                ? postActivationUnit(unit, eps, momentum)
                : preActivationUnit(unit, eps, momentum);
    }

    /**
     * v1 unit (2015 Fig. 2 and 5): residual branch conv-BN[-ReLU] per convolution, add the
     * shortcut, ReLU. A plain unit (2015 Sec. 4.1) is the same without the addition.
     */
    public static SequentialBlock postActivationUnit(UnitSpec unit, float eps, float momentum) {
        SequentialBlock residual = new SequentialBlock();
        List<ConvSpec> convs = unit.convs();
        for (int i = 0; i < convs.size(); i++) {
            residual.add(conv(convs.get(i))).add(batchNorm(eps, momentum));
            if (i < convs.size() - 1) {
                residual.add(Activation.reluBlock());
            }
        }
        Block body =
                unit.residual()
                        ? sum(residual, shortcut(unit.shortcut(), eps, momentum))
                        : residual;
        return new SequentialBlock().add(body).add(Activation.reluBlock());
    }

    /**
     * v2 unit (2016 Fig. 4e): [BN-ReLU-]conv, then BN-ReLU-conv for each further convolution, add
     * the shortcut, no activation after the addition. Where the first BN-ReLU goes is {@link
     * UnitSpec#preActivation()}.
     */
    public static Block preActivationUnit(UnitSpec unit, float eps, float momentum) {
        SequentialBlock residual = new SequentialBlock();
        List<ConvSpec> convs = unit.convs();
        for (int i = 0; i < convs.size(); i++) {
            if (i > 0 || unit.preActivation() == PreActivation.RESIDUAL_BRANCH) {
                residual.add(batchNorm(eps, momentum)).add(Activation.reluBlock());
            }
            residual.add(conv(convs.get(i)));
        }
        Block body =
                unit.residual()
                        ? sum(residual, shortcut(unit.shortcut(), eps, momentum))
                        : residual;
        if (unit.preActivation() == PreActivation.BOTH_BRANCHES) {
            return new SequentialBlock()
                    .add(batchNorm(eps, momentum))
                    .add(Activation.reluBlock())
                    .add(body);
        }
        return body;
    }

    /** The shortcut branch of a residual unit. */
    public static Block shortcut(ShortcutSpec shortcut, float eps, float momentum) {
        switch (shortcut.kind()) {
            case IDENTITY:
                return Blocks.identityBlock();
            case ZERO_PAD:
                return zeroPadShortcut(
                        shortcut.stride(), shortcut.outChannels() - shortcut.inChannels());
            case PROJECTION:
                SequentialBlock projection = new SequentialBlock().add(conv(shortcut.projection()));
                if (shortcut.batchNorm()) {
                    projection.add(batchNorm(eps, momentum));
                }
                return projection;
            default:
                throw new IllegalArgumentException(shortcut.name() + " has no shortcut branch");
        }
    }

    /**
     * Option A (2015 Sec. 3.3): keep every {@code stride}-th pixel (the same positions a 1x1
     * stride-s convolution reads) and append {@code extraChannels} zero channels; parameter-free.
     */
    public static LambdaBlock zeroPadShortcut(int stride, int extraChannels) {
        return LambdaBlock.singleton(x -> zeroPad(x, stride, extraChannels), "zeroPadShortcut");
    }

    static NDArray zeroPad(NDArray x, int stride, int extraChannels) {
        NDArray sampled =
                stride == 1 ? x : x.get(new NDIndex(":, :, ::" + stride + ", ::" + stride));
        if (extraChannels == 0) {
            return sampled;
        }
        // NDArray.pad takes (before, after) pairs from the last axis backwards: W, H, then C.
        return sampled.pad(new Shape(0, 0, 0, 0, 0, extraChannels), 0);
    }

    /** [BN-ReLU in v2,] global average pool, flatten, fully connected. */
    public static SequentialBlock head(HeadSpec head, float eps, float momentum) {
        SequentialBlock block = new SequentialBlock();
        if (head.batchNormRelu()) {
            block.add(batchNorm(eps, momentum)).add(Activation.reluBlock());
        }
        return block.add(Pool.globalAvgPool2dBlock())
                .add(Blocks.batchFlattenBlock())
                .add(Linear.builder().setUnits(head.numClasses()).optBias(true).build());
    }

    /** A bias-free convolution; every convolution is followed (v1) or preceded (v2) by BN. */
    public static Conv2d conv(ConvSpec conv) {
        return Conv2d.builder()
                .setKernelShape(new Shape(conv.kernel(), conv.kernel()))
                .optStride(new Shape(conv.stride(), conv.stride()))
                .optPadding(new Shape(conv.padding(), conv.padding()))
                .setFilters(conv.outChannels())
                .optBias(false)
                .build();
    }

    /** BN over the channel axis of NCHW input. */
    public static BatchNorm batchNorm(float eps, float momentum) {
        return BatchNorm.builder().optAxis(1).optEpsilon(eps).optMomentum(momentum).build();
    }

    /** The residual addition: a {@link ParallelBlock} whose join adds [residual, shortcut]. */
    public static ParallelBlock sum(Block residual, Block shortcut) {
        return new ParallelBlock(
                branches ->
                        new NDList(
                                branches.get(0)
                                        .singletonOrThrow()
                                        .add(branches.get(1).singletonOrThrow())),
                List.of(residual, shortcut));
    }
}
