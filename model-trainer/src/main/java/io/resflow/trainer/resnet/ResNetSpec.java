package io.resflow.trainer.resnet;

import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Immutable description of one ResNet (or plain) network: everything needed to rebuild it layer by
 * layer in DJL ({@link ResNetBlocks}) or in another framework (the TensorFlow exporter), and to
 * find each DJL parameter under a canonical name ({@link ResNetParameters}).
 *
 * <p>Produced by {@link ResNet.Builder#buildSpec()}. The data flow is: {@link #stem()}, the units
 * of each of {@link #stages()} in order, then {@link #head()}. Input is NCHW float32.
 */
public final class ResNetSpec {

    private final String description;
    private final ResNetVersion version;
    private final NetworkStyle style;
    private final UnitKind unitKind;
    private final ShortcutOption shortcutOption;
    private final int depth;
    private final int inputChannels;
    private final int inputHeight;
    private final int inputWidth;
    private final float batchNormEpsilon;
    private final float batchNormMomentum;
    private final StemSpec stem;
    private final List<StageSpec> stages;
    private final HeadSpec head;

    ResNetSpec(
            String description,
            ResNetVersion version,
            NetworkStyle style,
            UnitKind unitKind,
            ShortcutOption shortcutOption,
            int depth,
            int inputChannels,
            int inputHeight,
            int inputWidth,
            float batchNormEpsilon,
            float batchNormMomentum,
            StemSpec stem,
            List<StageSpec> stages,
            HeadSpec head) {
        this.description = Objects.requireNonNull(description);
        this.version = Objects.requireNonNull(version);
        this.style = Objects.requireNonNull(style);
        this.unitKind = Objects.requireNonNull(unitKind);
        this.shortcutOption = shortcutOption;
        this.depth = depth;
        this.inputChannels = inputChannels;
        this.inputHeight = inputHeight;
        this.inputWidth = inputWidth;
        this.batchNormEpsilon = batchNormEpsilon;
        this.batchNormMomentum = batchNormMomentum;
        this.stem = Objects.requireNonNull(stem);
        this.stages = List.copyOf(stages);
        this.head = Objects.requireNonNull(head);
    }

    /**
     * Short name, {@code
     * {resnet|plain}-DEPTH-{v1|v2}-{basic|bottleneck}[-{A|B|C}][-{cifar|imagenet}]}, e.g. {@code
     * resnet-20-v1-basic-A}, {@code plain-56-v1-basic}, {@code resnet-50-v1-bottleneck-B}. The
     * style suffix appears only when it differs from the style the depth implies (see {@link
     * ResNet.Builder#optStyle}); {@link ResNet#builder(String)} parses it back.
     */
    public String description() {
        return description;
    }

    /** Post- (v1) or pre-activation (v2). */
    public ResNetVersion version() {
        return version;
    }

    /** CIFAR or ImageNet layout. */
    public NetworkStyle style() {
        return style;
    }

    /** Basic or bottleneck units. */
    public UnitKind unitKind() {
        return unitKind;
    }

    /** The shortcut option, empty for plain networks. */
    public Optional<ShortcutOption> shortcutOption() {
        return Optional.ofNullable(shortcutOption);
    }

    /** Whether this is a plain network (no shortcuts, 2015 Sec. 4.1). */
    public boolean plain() {
        return shortcutOption == null;
    }

    /** Weighted layers: stem convolution + residual-branch convolutions + fully connected layer. */
    public int depth() {
        return depth;
    }

    /** Input channels (1 for Fashion-MNIST, 3 for RGB). */
    public int inputChannels() {
        return inputChannels;
    }

    /** Input height. */
    public int inputHeight() {
        return inputHeight;
    }

    /** Input width. */
    public int inputWidth() {
        return inputWidth;
    }

    /** Input shape without the batch axis, (C, H, W). */
    public Shape inputShape() {
        return new Shape(inputChannels, inputHeight, inputWidth);
    }

    /** Number of classes. */
    public int numClasses() {
        return head.numClasses();
    }

    /** Epsilon of every BN (DJL's default, 1e-5; an exporter folding BN must use the same). */
    public float batchNormEpsilon() {
        return batchNormEpsilon;
    }

    /**
     * Momentum of every BN in DJL's convention (running = momentum * running + (1 - momentum) *
     * batch).
     */
    public float batchNormMomentum() {
        return batchNormMomentum;
    }

    /** The stem. */
    public StemSpec stem() {
        return stem;
    }

    /** The stages in order. */
    public List<StageSpec> stages() {
        return stages;
    }

    /** The classifier head. */
    public HeadSpec head() {
        return head;
    }

    /** All units of all stages, in data-flow order. */
    public List<UnitSpec> units() {
        List<UnitSpec> units = new ArrayList<>();
        stages.forEach(s -> units.addAll(s.units()));
        return List.copyOf(units);
    }

    /**
     * Every parameter in the order DJL's {@code Block.getParameters()} lists them for the block
     * {@link ResNetBlocks#network} builds, under canonical names (see {@link ResNetParameters}).
     */
    public List<ParameterSpec> parameters() {
        List<ParameterSpec> params = new ArrayList<>();
        addConv(params, stem.conv());
        addBatchNorm(params, StemSpec.BATCH_NORM_NAME, stem.outChannels());
        for (UnitSpec unit : units()) {
            List<ConvSpec> convs = unit.convs();
            for (int i = 1; i <= convs.size(); i++) {
                ConvSpec conv = convs.get(i - 1);
                if (unit.version() == ResNetVersion.V1) {
                    addConv(params, conv);
                    addBatchNorm(params, unit.batchNormName(i), conv.outChannels());
                } else {
                    if (unit.hasBatchNorm(i)) {
                        addBatchNorm(params, unit.batchNormName(i), conv.inChannels());
                    }
                    addConv(params, conv);
                }
            }
            ShortcutSpec shortcut = unit.shortcut();
            if (shortcut.kind() == ShortcutKind.PROJECTION) {
                addConv(params, shortcut.projection());
                if (shortcut.batchNorm()) {
                    addBatchNorm(params, shortcut.batchNormName(), shortcut.outChannels());
                }
            }
        }
        if (head.batchNormRelu()) {
            addBatchNorm(params, HeadSpec.BATCH_NORM_NAME, head.inChannels());
        }
        params.add(
                new ParameterSpec(
                        HeadSpec.DENSE_NAME + ".weight",
                        new Shape(head.numClasses(), head.inChannels()),
                        true));
        params.add(
                new ParameterSpec(
                        HeadSpec.DENSE_NAME + ".bias", new Shape(head.numClasses()), true));
        return List.copyOf(params);
    }

    /** All parameter values as DJL counts them, including BN running mean and variance. */
    public long parameterCount() {
        return parameters().stream().mapToLong(ParameterSpec::size).sum();
    }

    /** Trainable parameter values, the papers' convention (excludes BN running statistics). */
    public long trainableParameterCount() {
        return parameters().stream()
                .filter(ParameterSpec::trainable)
                .mapToLong(ParameterSpec::size)
                .sum();
    }

    /** Multi-line, human-readable layout: one line per stem, unit and head. */
    public String summary() {
        StringBuilder sb = new StringBuilder();
        sb.append(description)
                .append(
                        String.format(
                                " input %dx%dx%d, %d classes, %,d parameters (%,d trainable)%n",
                                inputChannels,
                                inputHeight,
                                inputWidth,
                                numClasses(),
                                parameterCount(),
                                trainableParameterCount()));
        ConvSpec c = stem.conv();
        sb.append(
                String.format(
                        "  stem: conv %dx%d/%d %d->%d, BN, ReLU%s -> %dx%dx%d%n",
                        c.kernel(),
                        c.kernel(),
                        c.stride(),
                        c.inChannels(),
                        c.outChannels(),
                        stem.maxPool() ? ", max-pool 3x3/2" : "",
                        stem.outChannels(),
                        stem.outHeight(),
                        stem.outWidth()));
        for (UnitSpec u : units()) {
            sb.append(
                    String.format(
                            "  %s: %s %d->%d stride %d, shortcut %s, pre-activation %s ->"
                                    + " %dx%dx%d%n",
                            u.name(),
                            u.kind().tag(),
                            u.inChannels(),
                            u.outChannels(),
                            u.stride(),
                            u.shortcut().kind(),
                            u.preActivation(),
                            u.outChannels(),
                            u.outHeight(),
                            u.outWidth()));
        }
        sb.append(
                String.format(
                        "  head: %sglobal average pool, fc %d->%d%n",
                        head.batchNormRelu() ? "BN, ReLU, " : "",
                        head.inChannels(),
                        head.numClasses()));
        return sb.toString();
    }

    @Override
    public String toString() {
        return description
                + " ("
                + inputChannels
                + "x"
                + inputHeight
                + "x"
                + inputWidth
                + ", "
                + numClasses()
                + " classes)";
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof ResNetSpec other)) {
            return false;
        }
        return description.equals(other.description)
                && version == other.version
                && style == other.style
                && unitKind == other.unitKind
                && shortcutOption == other.shortcutOption
                && depth == other.depth
                && inputChannels == other.inputChannels
                && inputHeight == other.inputHeight
                && inputWidth == other.inputWidth
                && Float.compare(batchNormEpsilon, other.batchNormEpsilon) == 0
                && Float.compare(batchNormMomentum, other.batchNormMomentum) == 0
                && stem.equals(other.stem)
                && stages.equals(other.stages)
                && head.equals(other.head);
    }

    @Override
    public int hashCode() {
        return Objects.hash(description, inputChannels, inputHeight, inputWidth, head);
    }

    private static void addConv(List<ParameterSpec> params, ConvSpec conv) {
        params.add(new ParameterSpec(conv.weightName(), new Shape(conv.weightShape()), true));
    }

    private static void addBatchNorm(List<ParameterSpec> params, String prefix, int channels) {
        Shape shape = new Shape(channels);
        params.add(new ParameterSpec(prefix + ".gamma", shape, true));
        params.add(new ParameterSpec(prefix + ".beta", shape, true));
        params.add(new ParameterSpec(prefix + ".runningMean", shape, false));
        params.add(new ParameterSpec(prefix + ".runningVar", shape, false));
    }
}
