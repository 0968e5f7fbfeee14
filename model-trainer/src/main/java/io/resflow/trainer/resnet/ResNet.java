package io.resflow.trainer.resnet;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.initializer.XavierInitializer;
import ai.djl.training.initializer.XavierInitializer.FactorType;
import ai.djl.training.initializer.XavierInitializer.RandomType;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A ResNet (He et al. 2015, 2016) or its plain twin as a DJL {@link Block} together with its {@link
 * ResNetSpec}.
 *
 * <pre>{@code
 * ResNet net = ResNet.builder()
 *         .setDepth(20)
 *         .setNumClasses(10)
 *         .setInputShape(1, 28, 28)
 *         .optVersion(ResNetVersion.V1)
 *         .optShortcut(ShortcutOption.A)
 *         .build();
 * try (Model model = Model.newInstance(net.description(), "PyTorch")) {
 *     model.setBlock(net.block());
 *     ...
 * }
 * }</pre>
 *
 * <p>The block's convolution and dense weights use He initialisation (Gaussian, std sqrt(2/fan_in),
 * 2015 Sec. 3.4 citing [13]); override with {@code block().setInitializer(..)} before initialising.
 * The block is not initialised: {@code Trainer.initialize} or {@code Block.initialize} does that.
 */
public final class ResNet {

    private static final Pattern DESCRIPTION =
            Pattern.compile(
                    "(resnet|plain)-(\\d+)-(v1|v2)-(basic|bottleneck)(?:-([ABC]))?(?:-(cifar|imagenet))?");

    private final ResNetSpec spec;
    private final Block block;

    private ResNet(ResNetSpec spec, Block block) {
        this.spec = spec;
        this.block = block;
    }

    /** A builder with nothing set. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * A builder preset from a {@link ResNetSpec#description()}, e.g. {@code resnet-20-v1-basic-A}
     * or {@code plain-56-v1-basic}; input shape and classes still have to be set.
     *
     * @throws IllegalArgumentException if the description does not follow that format
     */
    public static Builder builder(String description) {
        Matcher m = DESCRIPTION.matcher(description);
        if (!m.matches()) {
            throw new IllegalArgumentException(
                    "'"
                            + description
                            + "' is not a ResNet description; expected"
                            + " {resnet|plain}-DEPTH-{v1|v2}-{basic|bottleneck}[-{A|B|C}][-{cifar|imagenet}],"
                            + " e.g. resnet-20-v1-basic-A or plain-56-v1-basic");
        }
        boolean plain = m.group(1).equals("plain");
        if (plain == (m.group(5) != null)) {
            throw new IllegalArgumentException(
                    "'"
                            + description
                            + "': "
                            + (plain
                                    ? "plain networks have no shortcut option, drop the -A/-B/-C"
                                    : "a resnet description needs a shortcut option -A, -B or -C"
                                            + " after the unit"));
        }
        Builder builder =
                new Builder()
                        .setDepth(Integer.parseInt(m.group(2)))
                        .optVersion(ResNetVersion.valueOf(m.group(3).toUpperCase(Locale.ROOT)))
                        .optUnit(UnitKind.valueOf(m.group(4).toUpperCase(Locale.ROOT)))
                        .optPlain(plain);
        if (!plain) {
            builder.optShortcut(ShortcutOption.valueOf(m.group(5)));
        }
        if (m.group(6) != null) {
            builder.optStyle(NetworkStyle.valueOf(m.group(6).toUpperCase(Locale.ROOT)));
        }
        return builder;
    }

    /**
     * A fresh, uninitialised block for {@code spec} (He-initialised like {@link Builder#build()}):
     * what a loader needs before {@code Model.load}.
     */
    public static Block newBlock(ResNetSpec spec) {
        Block block = ResNetBlocks.network(spec);
        block.setInitializer(
                new XavierInitializer(RandomType.GAUSSIAN, FactorType.IN, 2),
                Parameter.Type.WEIGHT);
        return block;
    }

    /** The architecture description. */
    public ResNetSpec spec() {
        return spec;
    }

    /** The DJL block: NCHW float32 in, logits (N, classes) out. */
    public Block block() {
        return block;
    }

    /** Short name, e.g. {@code resnet-20-v1-basic-A}; see {@link ResNetSpec#description()}. */
    public String description() {
        return spec.description();
    }

    /** Parameter values as DJL counts them (including BN running statistics). */
    public long parameterCount() {
        return spec.parameterCount();
    }

    /** Trainable parameter values, as the papers count them. */
    public long trainableParameterCount() {
        return spec.trainableParameterCount();
    }

    /** DJL parameters under canonical names; see {@link ResNetParameters}. */
    public Map<String, Parameter> namedParameters() {
        return ResNetParameters.byName(block, spec);
    }

    @Override
    public String toString() {
        return spec.toString();
    }

    /**
     * Builds a {@link ResNet}: {@code setX} are required, {@code optX} optional.
     *
     * <p>Defaults: version V1; style from the depth (ImageNet for 18, 34, 50, 101, 152, 200, else
     * CIFAR); unit from style and depth (ImageNet table; CIFAR bottleneck for 9n+2 depths from 164,
     * else basic for 6n+2, else bottleneck); shortcut A for v1 CIFAR (2015 Sec. 4.2), B otherwise
     * (2015 Sec. 4.1; the 2016 reference code projects where the shape changes); BN momentum 0.9
     * (DJL's convention, i.e. PyTorch's 0.1).
     */
    public static final class Builder {

        private Integer depth;
        private Integer numClasses;
        private Shape inputShape;
        private ResNetVersion version = ResNetVersion.V1;
        private UnitKind unit;
        private ShortcutOption shortcut;
        private NetworkStyle style;
        private boolean plain;
        private float batchNormMomentum = 0.9f;

        private Builder() {}

        /** Weighted layers, e.g. 20, 56, 110 (CIFAR) or 18, 50, 152 (ImageNet). Required. */
        public Builder setDepth(int depth) {
            this.depth = depth;
            return this;
        }

        /** Number of output classes (at least 2). Required. */
        public Builder setNumClasses(int numClasses) {
            this.numClasses = numClasses;
            return this;
        }

        /**
         * Input (channels, height, width), e.g. (1, 28, 28), (3, 32, 32), (3, 224, 224). Required.
         */
        public Builder setInputShape(Shape chw) {
            this.inputShape = chw;
            return this;
        }

        /** Input (channels, height, width). Required (this or {@link #setInputShape(Shape)}). */
        public Builder setInputShape(int channels, int height, int width) {
            return setInputShape(new Shape(channels, height, width));
        }

        /** Post- (V1, default) or pre-activation (V2) units. */
        public Builder optVersion(ResNetVersion version) {
            this.version = version;
            return this;
        }

        /** Basic or bottleneck units; default from style and depth. */
        public Builder optUnit(UnitKind unit) {
            this.unit = unit;
            return this;
        }

        /** Shortcut option A, B or C; not allowed for plain networks. */
        public Builder optShortcut(ShortcutOption shortcut) {
            this.shortcut = shortcut;
            return this;
        }

        /** CIFAR or ImageNet layout; default from the depth. */
        public Builder optStyle(NetworkStyle style) {
            this.style = style;
            return this;
        }

        /** Build the plain twin without shortcuts (2015 Sec. 4.1, Fig. 4 left). Default false. */
        public Builder optPlain(boolean plain) {
            this.plain = plain;
            return this;
        }

        /** BN momentum in DJL's convention, in (0, 1); default 0.9. */
        public Builder optBatchNormMomentum(float momentum) {
            this.batchNormMomentum = momentum;
            return this;
        }

        /** The block and its spec. */
        public ResNet build() {
            ResNetSpec spec = buildSpec();
            return new ResNet(spec, newBlock(spec));
        }

        /**
         * Only the architecture description (cheap: no DJL block), e.g. for parameter counts.
         *
         * @throws IllegalArgumentException naming what is wrong and what is allowed
         */
        public ResNetSpec buildSpec() {
            validate();
            int c = (int) inputShape.get(0);
            int h = (int) inputShape.get(1);
            int w = (int) inputShape.get(2);
            NetworkStyle netStyle = style != null ? style : ResNetDepths.defaultStyle(depth);
            UnitKind unitKind = unit != null ? unit : ResNetDepths.defaultUnit(netStyle, depth);
            int[] unitsPerStage = ResNetDepths.unitsPerStage(netStyle, unitKind, depth);
            ShortcutOption option =
                    plain ? null : shortcut != null ? shortcut : defaultShortcut(netStyle);

            boolean imageNet = netStyle == NetworkStyle.IMAGENET;
            ConvSpec stemConv =
                    imageNet
                            ? new ConvSpec("stem.conv", c, 64, 7, 2, 3, h, w)
                            : new ConvSpec("stem.conv", c, 16, 3, 1, 1, h, w);
            StemSpec stem = new StemSpec(stemConv, imageNet);
            int[] widths = imageNet ? new int[] {64, 128, 256, 512} : new int[] {16, 32, 64};

            List<StageSpec> stages = new ArrayList<>();
            int channels = stem.outChannels();
            int height = stem.outHeight();
            int width = stem.outWidth();
            boolean first = true;
            int layers = 2; // stem convolution and classifier
            for (int s = 0; s < unitsPerStage.length; s++) {
                List<UnitSpec> units = new ArrayList<>();
                int out =
                        unitKind == UnitKind.BOTTLENECK
                                ? widths[s] * UnitKind.EXPANSION
                                : widths[s];
                for (int u = 0; u < unitsPerStage[s]; u++) {
                    int stride = s > 0 && u == 0 ? 2 : 1;
                    String name = "stage" + (s + 1) + ".unit" + (u + 1);
                    UnitSpec unitSpec =
                            unit(
                                    name, unitKind, option, first, channels, out, widths[s], stride,
                                    height, width);
                    units.add(unitSpec);
                    layers += unitSpec.convs().size();
                    channels = out;
                    height = unitSpec.outHeight();
                    width = unitSpec.outWidth();
                    first = false;
                }
                stages.add(new StageSpec("stage" + (s + 1), units));
            }
            if (layers != depth) {
                throw new IllegalStateException(
                        "planned " + layers + " weighted layers for depth " + depth);
            }
            HeadSpec head = new HeadSpec(channels, version == ResNetVersion.V2, numClasses);
            return new ResNetSpec(
                    description(netStyle, unitKind, option),
                    version,
                    netStyle,
                    unitKind,
                    option,
                    depth,
                    c,
                    h,
                    w,
                    1e-5f,
                    batchNormMomentum,
                    stem,
                    stages,
                    head);
        }

        private UnitSpec unit(
                String name,
                UnitKind kind,
                ShortcutOption option,
                boolean firstUnit,
                int in,
                int out,
                int bottleneckWidth,
                int stride,
                int height,
                int width) {
            List<ConvSpec> convs = new ArrayList<>();
            if (kind == UnitKind.BASIC) {
                ConvSpec conv1 =
                        new ConvSpec(name + ".conv1", in, out, 3, stride, 1, height, width);
                convs.add(conv1);
                convs.add(
                        new ConvSpec(
                                name + ".conv2",
                                out,
                                out,
                                3,
                                1,
                                1,
                                conv1.outHeight(),
                                conv1.outWidth()));
            } else {
                // Stride on the 3x3 convolution (fb.resnet.torch, torchvision) rather than on the
                // first 1x1 (the authors' Caffe models): same parameters and output shape, but no
                // 1x1 stride-2 convolution that ignores three quarters of its input.
                int b = bottleneckWidth;
                ConvSpec conv1 = new ConvSpec(name + ".conv1", in, b, 1, 1, 0, height, width);
                ConvSpec conv2 = new ConvSpec(name + ".conv2", b, b, 3, stride, 1, height, width);
                convs.add(conv1);
                convs.add(conv2);
                convs.add(
                        new ConvSpec(
                                name + ".conv3",
                                b,
                                out,
                                1,
                                1,
                                0,
                                conv2.outHeight(),
                                conv2.outWidth()));
            }
            boolean shapeChanges = stride != 1 || in != out;
            ShortcutKind shortcutKind;
            if (option == null) {
                shortcutKind = ShortcutKind.NONE;
            } else if (option == ShortcutOption.C || (option == ShortcutOption.B && shapeChanges)) {
                shortcutKind = ShortcutKind.PROJECTION;
            } else if (shapeChanges) {
                shortcutKind = ShortcutKind.ZERO_PAD;
            } else {
                shortcutKind = ShortcutKind.IDENTITY;
            }
            ShortcutSpec shortcutSpec =
                    new ShortcutSpec(
                            name + ".shortcut",
                            shortcutKind,
                            in,
                            out,
                            stride,
                            height,
                            width,
                            version == ResNetVersion.V1);
            PreActivation pre;
            if (version == ResNetVersion.V1 || firstUnit) {
                pre = PreActivation.NONE;
            } else if (shortcutKind == ShortcutKind.PROJECTION
                    || shortcutKind == ShortcutKind.ZERO_PAD) {
                pre = PreActivation.BOTH_BRANCHES;
            } else {
                pre = PreActivation.RESIDUAL_BRANCH;
            }
            return new UnitSpec(
                    name, version, kind, in, out, stride, height, width, convs, shortcutSpec, pre);
        }

        private ShortcutOption defaultShortcut(NetworkStyle netStyle) {
            return version == ResNetVersion.V1 && netStyle == NetworkStyle.CIFAR
                    ? ShortcutOption.A
                    : ShortcutOption.B;
        }

        private String description(
                NetworkStyle netStyle, UnitKind unitKind, ShortcutOption option) {
            StringBuilder sb =
                    new StringBuilder(option == null ? "plain" : "resnet")
                            .append('-')
                            .append(depth)
                            .append('-')
                            .append(version.tag())
                            .append('-')
                            .append(unitKind.tag());
            if (option != null) {
                sb.append('-').append(option.name());
            }
            if (netStyle != ResNetDepths.defaultStyle(depth)) {
                sb.append('-').append(netStyle.tag());
            }
            return sb.toString();
        }

        private void validate() {
            List<String> missing = new ArrayList<>();
            if (depth == null) {
                missing.add(
                        "setDepth (e.g. 20, 56, 110 for CIFAR-style, 18, 50, 152 for"
                                + " ImageNet-style)");
            }
            if (numClasses == null) {
                missing.add("setNumClasses (e.g. 10)");
            }
            if (inputShape == null) {
                missing.add("setInputShape (channels, height, width, e.g. 1, 28, 28)");
            }
            if (!missing.isEmpty()) {
                throw new IllegalArgumentException(
                        "ResNet builder is missing " + String.join(", ", missing));
            }
            if (version == null) {
                throw new IllegalArgumentException("optVersion must be V1 or V2, not null");
            }
            if (numClasses < 2) {
                throw new IllegalArgumentException(
                        "numClasses is " + numClasses + "; a classifier needs at least 2");
            }
            if (inputShape.dimension() != 3
                    || inputShape.get(0) < 1
                    || inputShape.get(1) < 1
                    || inputShape.get(2) < 1
                    || inputShape.get(1) > Integer.MAX_VALUE
                    || inputShape.get(2) > Integer.MAX_VALUE) {
                throw new IllegalArgumentException(
                        "input shape "
                                + inputShape
                                + " must be (channels, height, width) with every size >= 1, "
                                + "e.g. (1, 28, 28), (3, 32, 32) or (3, 224, 224); no batch axis");
            }
            if (plain && shortcut != null) {
                throw new IllegalArgumentException(
                        "plain networks have no shortcuts; do not combine optPlain(true) with"
                                + " optShortcut("
                                + shortcut
                                + ")");
            }
            if (!(batchNormMomentum > 0f && batchNormMomentum < 1f)) {
                throw new IllegalArgumentException(
                        "batch-norm momentum "
                                + batchNormMomentum
                                + " must be in (0, 1), e.g. 0.9 (DJL's default)");
            }
        }
    }
}
