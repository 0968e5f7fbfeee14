package io.resflow.trainer.export;

import io.resflow.trainer.resnet.ConvSpec;
import io.resflow.trainer.resnet.HeadSpec;
import io.resflow.trainer.resnet.PreActivation;
import io.resflow.trainer.resnet.ResNetSpec;
import io.resflow.trainer.resnet.ResNetVersion;
import io.resflow.trainer.resnet.ShortcutKind;
import io.resflow.trainer.resnet.ShortcutSpec;
import io.resflow.trainer.resnet.StemSpec;
import io.resflow.trainer.resnet.UnitSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Assign;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.core.StridedSlice;
import org.tensorflow.op.core.Variable;
import org.tensorflow.op.nn.Conv2d;
import org.tensorflow.types.TFloat32;

/**
 * Rebuilds a {@link ResNetSpec} network as a TensorFlow graph with the TensorFlow Java API, for
 * inference: NCHW float32 pixels in [0, 1] go in, class probabilities come out.
 *
 * <p>Inside the graph the batch is transposed to NHWC once, because TensorFlow's CPU Conv2D only
 * implements NHWC; it is then normalised per channel ({@code (x - mean) / std}). Every convolution
 * uses {@code EXPLICIT} symmetric padding: TensorFlow's {@code SAME} pads more at the bottom/right
 * than the top/left at stride 2, which would shift every down-sampling layer by a pixel relative to
 * PyTorch. The ImageNet max-pool pads with -inf (PyTorch semantics) before a {@code VALID} pool.
 * Weights are {@link Variable}s, never constants, so {@code saved_model.pb} stays small whatever
 * the depth (protobuf's 2 GB limit); their values are fed in through {@link #inits()}.
 *
 * <p>A BN that reads only a convolution's output (every BN of a v1 network, the inner ones of a v2
 * unit) is folded into that convolution's kernel and a bias: TensorFlow then runs Conv2D, BiasAdd
 * and Relu as one fused CPU kernel. On a 2-core CPU that made ResNet-20 about 1.2x faster at batch
 * 1 and at batch 64 (BENCHMARKS.md). A v2 unit's first BN and the head's BN read a tensor the
 * shortcut reads too, and stay a per-channel scale and shift.
 *
 * <p>Ops are scoped by the spec's canonical names, e.g. {@code stage2.unit1/conv1/Conv2D}, with
 * variables {@code stage2.unit1/conv1/kernel} (HWIO) and {@code .../bias} (a folded BN's shift),
 * {@code stage2.unit1/bn1/scale} and {@code .../shift} (an unfolded BN), {@code stem/conv/kernel},
 * {@code head/fc/kernel} and {@code head/fc/bias}.
 */
final class ResNetGraph {

    /** Signature key of the input, matching the runtime's {@code SignatureSpec}. */
    static final String INPUT = "input";

    /** Signature key of the output. */
    static final String OUTPUT = "probabilities";

    /**
     * One variable and how to give it its value: feed {@link #value()} into {@link #placeholder},
     * run {@link #assign}. Values are converted only when asked for, so a deep network never holds
     * two converted copies of its weights at once.
     */
    record VariableInit(
            String name,
            Placeholder<TFloat32> placeholder,
            Assign<TFloat32> assign,
            long[] shape,
            Supplier<TensorFlowWeights.Tensor> value) {}

    private final Ops tf;
    private final TensorFlowWeights weights;
    private final List<VariableInit> inits = new ArrayList<>();
    private final Placeholder<TFloat32> input;
    private final Operand<TFloat32> logits;
    private final Operand<TFloat32> probabilities;

    /**
     * Adds the network to the graph behind {@code tf}.
     *
     * @param mean per-channel mean subtracted from the [0, 1] pixels
     * @param std per-channel standard deviation divided by afterwards
     */
    ResNetGraph(Ops tf, TensorFlowWeights weights, float[] mean, float[] std) {
        this.tf = tf;
        this.weights = weights;
        ResNetSpec spec = weights.spec();
        input =
                tf.withName(INPUT)
                        .placeholder(
                                TFloat32.class,
                                Placeholder.shape(
                                        Shape.of(
                                                -1,
                                                spec.inputChannels(),
                                                spec.inputHeight(),
                                                spec.inputWidth())));
        Ops pre = tf.withSubScope("preprocess");
        Operand<TFloat32> x =
                pre.withName("to_nhwc")
                        .linalg
                        .transpose(input, pre.constant(new int[] {0, 2, 3, 1}));
        x = pre.math.div(pre.math.sub(x, pre.constant(mean)), pre.constant(std));
        x = stem(spec.stem(), x);
        for (UnitSpec unit : spec.units()) {
            x = unit(unit, x);
        }
        logits = head(spec.head(), x);
        probabilities = tf.withName(OUTPUT).nn.softmax(logits);
    }

    Placeholder<TFloat32> input() {
        return input;
    }

    Operand<TFloat32> logits() {
        return logits;
    }

    Operand<TFloat32> probabilities() {
        return probabilities;
    }

    /** The variables in creation order, each with the value to assign. */
    List<VariableInit> inits() {
        return List.copyOf(inits);
    }

    private Operand<TFloat32> stem(StemSpec stem, Operand<TFloat32> x) {
        Ops s = tf.withSubScope("stem");
        Operand<TFloat32> y =
                s.nn.relu(
                        convWithBatchNorm(
                                s.withSubScope("conv"), stem.conv(), StemSpec.BATCH_NORM_NAME, x));
        if (stem.maxPool()) {
            int p = StemSpec.POOL_PADDING;
            y =
                    s.pad(
                            y,
                            s.constant(new int[][] {{0, 0}, {p, p}, {p, p}, {0, 0}}),
                            s.constant(Float.NEGATIVE_INFINITY));
            int k = StemSpec.POOL_KERNEL;
            int st = StemSpec.POOL_STRIDE;
            y =
                    s.nn.maxPool(
                            y,
                            s.constant(new int[] {1, k, k, 1}),
                            s.constant(new int[] {1, st, st, 1}),
                            "VALID");
        }
        return y;
    }

    private Operand<TFloat32> unit(UnitSpec unit, Operand<TFloat32> x) {
        Ops u = tf.withSubScope(unit.name());
        List<ConvSpec> convs = unit.convs();
        if (unit.version() == ResNetVersion.V1) {
            // 2015 Fig. 2: conv-BN-ReLU ... conv-BN, add, ReLU.
            Operand<TFloat32> r = x;
            for (int i = 1; i <= convs.size(); i++) {
                r =
                        convWithBatchNorm(
                                u.withSubScope("conv" + i),
                                convs.get(i - 1),
                                unit.batchNormName(i),
                                r);
                if (i < convs.size()) {
                    r = u.nn.relu(r);
                }
            }
            Operand<TFloat32> sum =
                    unit.residual() ? u.math.add(r, shortcut(u, unit.shortcut(), x)) : r;
            return u.nn.relu(sum);
        }
        // 2016 Fig. 4e: [BN-ReLU-]conv, BN-ReLU-conv ..., add.
        Operand<TFloat32> branchInput = x;
        if (unit.preActivation() == PreActivation.BOTH_BRANCHES) {
            branchInput =
                    u.nn.relu(
                            batchNorm(
                                    u.withSubScope("bn1"),
                                    unit.batchNormName(1),
                                    unit.inChannels(),
                                    x));
        }
        Operand<TFloat32> r = branchInput;
        if (unit.preActivation() == PreActivation.RESIDUAL_BRANCH) {
            r =
                    u.nn.relu(
                            batchNorm(
                                    u.withSubScope("bn1"),
                                    unit.batchNormName(1),
                                    unit.inChannels(),
                                    r));
        }
        for (int i = 1; i <= convs.size(); i++) {
            Ops c = u.withSubScope("conv" + i);
            // BN i+1 reads only conv i's output, so it folds into conv i; the unit's first BN reads
            // the unit's input, which the shortcut reads too, so it stays a scale and shift.
            r =
                    i < convs.size()
                            ? u.nn.relu(
                                    convWithBatchNorm(
                                            c, convs.get(i - 1), unit.batchNormName(i + 1), r))
                            : conv(c, convs.get(i - 1), r);
        }
        return unit.residual() ? u.math.add(r, shortcut(u, unit.shortcut(), branchInput)) : r;
    }

    private Operand<TFloat32> shortcut(Ops u, ShortcutSpec shortcut, Operand<TFloat32> x) {
        Ops s = u.withSubScope("shortcut");
        if (shortcut.kind() == ShortcutKind.IDENTITY) {
            return x;
        }
        if (shortcut.kind() == ShortcutKind.ZERO_PAD) {
            // Option A: every stride-th pixel from the top-left, as DJL's x[:, :, ::s, ::s], then
            // zero channels appended after the input's.
            Operand<TFloat32> y = x;
            int st = shortcut.stride();
            if (st > 1) {
                long all = 0b1111;
                y =
                        s.stridedSlice(
                                y,
                                s.constant(new int[] {0, 0, 0, 0}),
                                s.constant(new int[] {0, 0, 0, 0}),
                                s.constant(new int[] {1, st, st, 1}),
                                StridedSlice.beginMask(all),
                                StridedSlice.endMask(all));
            }
            int extra = shortcut.outChannels() - shortcut.inChannels();
            if (extra > 0) {
                y =
                        s.pad(
                                y,
                                s.constant(new int[][] {{0, 0}, {0, 0}, {0, 0}, {0, extra}}),
                                s.constant(0f));
            }
            return y;
        }
        if (shortcut.kind() == ShortcutKind.PROJECTION) {
            Ops c = s.withSubScope("conv");
            return shortcut.batchNorm()
                    ? convWithBatchNorm(c, shortcut.projection(), shortcut.batchNormName(), x)
                    : conv(c, shortcut.projection(), x);
        }
        throw new IllegalArgumentException(
                shortcut.name() + " is " + shortcut.kind() + ", which has no shortcut branch");
    }

    private Operand<TFloat32> head(HeadSpec head, Operand<TFloat32> x) {
        Ops h = tf.withSubScope("head");
        Operand<TFloat32> y = x;
        if (head.batchNormRelu()) {
            y =
                    h.nn.relu(
                            batchNorm(
                                    h.withSubScope("bn"),
                                    HeadSpec.BATCH_NORM_NAME,
                                    head.inChannels(),
                                    y));
        }
        y = h.withName("global_average_pool").math.mean(y, h.constant(new int[] {1, 2}));
        Ops fc = h.withSubScope("fc");
        long in = head.inChannels();
        long classes = head.numClasses();
        Operand<TFloat32> kernel =
                variable(fc, "kernel", new long[] {in, classes}, weights::denseKernel);
        Operand<TFloat32> bias = variable(fc, "bias", new long[] {classes}, weights::denseBias);
        return fc.nn.biasAdd(fc.linalg.matMul(y, kernel), bias);
    }

    private Operand<TFloat32> conv(Ops scope, ConvSpec conv, Operand<TFloat32> x) {
        return conv2d(scope, conv, x, kernelVariable(scope, conv, () -> weights.convKernel(conv)));
    }

    /**
     * Convolution followed by inference-mode BN, folded into one kernel and a bias: Conv2D then
     * BiasAdd (then Relu, at most call sites) is the pattern TensorFlow's grappler remapper fuses
     * into one CPU kernel, where a separate Mul would cost another pass over the activations.
     */
    private Operand<TFloat32> convWithBatchNorm(
            Ops scope, ConvSpec conv, String bnPrefix, Operand<TFloat32> x) {
        Operand<TFloat32> kernel =
                kernelVariable(scope, conv, () -> weights.convKernelWithBatchNorm(conv, bnPrefix));
        Operand<TFloat32> bias =
                variable(
                        scope,
                        "bias",
                        new long[] {conv.outChannels()},
                        () -> weights.batchNorm(bnPrefix)[1]);
        return scope.nn.biasAdd(conv2d(scope, conv, x, kernel), bias);
    }

    private Operand<TFloat32> kernelVariable(
            Ops scope, ConvSpec conv, Supplier<TensorFlowWeights.Tensor> value) {
        long k = conv.kernel();
        return variable(
                scope, "kernel", new long[] {k, k, conv.inChannels(), conv.outChannels()}, value);
    }

    private Operand<TFloat32> conv2d(
            Ops scope, ConvSpec conv, Operand<TFloat32> x, Operand<TFloat32> kernel) {
        long s = conv.stride();
        long p = conv.padding();
        List<Long> strides = List.of(1L, s, s, 1L);
        if (p == 0) {
            return scope.nn.conv2d(x, kernel, strides, "VALID", Conv2d.dataFormat("NHWC"));
        }
        return scope.nn.conv2d(
                x,
                kernel,
                strides,
                "EXPLICIT",
                Conv2d.dataFormat("NHWC"),
                Conv2d.explicitPaddings(0L, 0L, p, p, p, p, 0L, 0L));
    }

    /**
     * Inference-mode BN folded to {@code x * scale + shift}; broadcasts over the NHWC channel axis.
     */
    private Operand<TFloat32> batchNorm(
            Ops scope, String prefix, int channels, Operand<TFloat32> x) {
        long[] shape = {channels};
        Operand<TFloat32> scale =
                variable(scope, "scale", shape, () -> weights.batchNorm(prefix)[0]);
        Operand<TFloat32> shift =
                variable(scope, "shift", shape, () -> weights.batchNorm(prefix)[1]);
        return scope.nn.biasAdd(scope.math.mul(x, scale), shift);
    }

    private Variable<TFloat32> variable(
            Ops scope, String name, long[] dims, Supplier<TensorFlowWeights.Tensor> value) {
        Shape shape = Shape.of(dims);
        Variable<TFloat32> variable = scope.withName(name).variable(shape, TFloat32.class);
        Placeholder<TFloat32> feed =
                scope.withName(name + "_value")
                        .placeholder(TFloat32.class, Placeholder.shape(shape));
        Assign<TFloat32> assign = scope.withName(name + "_assign").assign(variable, feed);
        inits.add(new VariableInit(variable.op().name(), feed, assign, dims, value));
        return variable;
    }
}
