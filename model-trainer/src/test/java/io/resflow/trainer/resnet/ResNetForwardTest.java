package io.resflow.trainer.resnet;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.ParallelBlock;
import ai.djl.nn.Parameter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every variant (v1/v2 x basic/bottleneck x A/B/C/plain) on 28x28x1 and 32x32x3: DJL builds,
 * initialises and runs it, and its parameters are exactly the spec's under canonical names. Depths
 * 14 (basic) and 20 (bottleneck) give two units per stage, so every stage has a shape-changing
 * first unit and an identity unit.
 */
class ResNetForwardTest {

    static Stream<Arguments> variants() {
        List<Arguments> variants = new ArrayList<>();
        for (int[] input : new int[][] {{1, 28, 28}, {3, 32, 32}}) {
            for (ResNetVersion version : ResNetVersion.values()) {
                for (UnitKind unit : UnitKind.values()) {
                    for (ShortcutOption option :
                            new ShortcutOption[] {
                                ShortcutOption.A, ShortcutOption.B, ShortcutOption.C, null
                            }) {
                        ResNet.Builder builder =
                                ResNet.builder()
                                        .setDepth(unit == UnitKind.BASIC ? 14 : 20)
                                        .setNumClasses(10)
                                        .setInputShape(input[0], input[1], input[2])
                                        .optVersion(version)
                                        .optUnit(unit)
                                        .optPlain(option == null);
                        if (option != null) {
                            builder.optShortcut(option);
                        }
                        ResNetSpec spec = builder.buildSpec();
                        variants.add(
                                Arguments.of(
                                        spec.description()
                                                + " "
                                                + input[0]
                                                + "x"
                                                + input[1]
                                                + "x"
                                                + input[2],
                                        builder));
                    }
                }
            }
        }
        return variants.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("variants")
    void buildsInitialisesAndClassifies(String name, ResNet.Builder builder) {
        ResNet net = builder.build();
        try (NDManager manager = ResNetTesting.newManager()) {
            ResNetTesting.initialize(net.block(), net.spec(), manager, 42);

            assertThat(ResNetTesting.djlParameterCount(net.block()))
                    .isEqualTo(net.parameterCount());
            Map<String, Parameter> named = net.namedParameters();
            assertThat(named.keySet())
                    .containsExactlyElementsOf(
                            net.spec().parameters().stream().map(ParameterSpec::name).toList());
            assertThat(hasParallelBlock(net.block())).isEqualTo(!net.spec().plain());

            NDArray logits =
                    ResNetTesting.predict(
                            net.block(), manager, ResNetTesting.images(manager, net.spec(), 2, 1));
            assertThat(logits.getShape()).isEqualTo(new Shape(2, 10));
            assertThat(logits.isInfinite().any().getBoolean() || logits.isNaN().any().getBoolean())
                    .isFalse();
        }
    }

    @Test
    void imageNetStyleRunsOnSmallAndOddInputs() {
        for (String description :
                new String[] {
                    "resnet-18-v1-basic-A", "resnet-34-v2-basic-C", "resnet-50-v1-bottleneck-B"
                }) {
            ResNet net =
                    ResNet.builder(description).setNumClasses(5).setInputShape(3, 67, 50).build();
            try (NDManager manager = ResNetTesting.newManager()) {
                ResNetTesting.initialize(net.block(), net.spec(), manager, 3);
                NDArray logits =
                        ResNetTesting.predict(
                                net.block(),
                                manager,
                                ResNetTesting.images(manager, net.spec(), 1, 2));
                assertThat(logits.getShape()).as(description).isEqualTo(new Shape(1, 5));
                assertThat(net.block().getOutputShapes(new Shape[] {new Shape(1, 3, 67, 50)})[0])
                        .isEqualTo(new Shape(1, 5));
            }
        }
    }

    @Test
    void sameSeedGivesSameWeights() {
        ResNetSpec spec =
                ResNet.builder("resnet-14-v2-basic-B")
                        .setNumClasses(10)
                        .setInputShape(1, 28, 28)
                        .buildSpec();
        try (NDManager manager = ResNetTesting.newManager()) {
            Block a = ResNet.newBlock(spec);
            Block b = ResNet.newBlock(spec);
            ResNetTesting.initialize(a, spec, manager, 11);
            ResNetTesting.initialize(b, spec, manager, 11);
            NDArray x = ResNetTesting.images(manager, spec, 2, 5);
            assertThat(ResNetTesting.predict(a, manager, x).toFloatArray())
                    .containsExactly(ResNetTesting.predict(b, manager, x).toFloatArray());
        }
    }

    /** Option A: every second pixel, then zero channels after the input channels. */
    @Test
    void zeroPadShortcutSubsamplesAndAppendsZeroChannels() {
        try (NDManager manager = ResNetTesting.newManager()) {
            NDArray x = manager.arange(2f * 2 * 5 * 5).reshape(2, 2, 5, 5);
            NDArray y = ResNetBlocks.zeroPad(x, 2, 3);
            assertThat(y.getShape()).isEqualTo(new Shape(2, 5, 3, 3));
            assertThat(y.get("1, 1, 2, 1").getFloat()).isEqualTo(x.get("1, 1, 4, 2").getFloat());
            assertThat(y.get(":, 2:").abs().sum().getFloat()).isZero();
        }
    }

    /**
     * The defining property of each version (2016 Sec. 3): with the last residual convolution
     * zeroed, a v2 identity unit passes its input through unchanged, while a v1 unit applies ReLU
     * after the addition.
     */
    @Test
    void residualUnitsReduceToTheirShortcutWhenTheBranchIsZero() {
        for (ResNetVersion version : ResNetVersion.values()) {
            ResNetSpec spec =
                    ResNet.builder()
                            .setDepth(14)
                            .setNumClasses(10)
                            .setInputShape(3, 8, 8)
                            .optVersion(version)
                            .buildSpec();
            UnitSpec unit = spec.stages().get(0).units().get(1);
            assertThat(unit.shortcut().kind()).isEqualTo(ShortcutKind.IDENTITY);
            Block block =
                    ResNetBlocks.unit(unit, spec.batchNormEpsilon(), spec.batchNormMomentum());
            try (NDManager manager = ResNetTesting.newManager()) {
                ai.djl.engine.Engine.getEngine(ResNetTesting.PYTORCH).setRandomSeed(1);
                block.initialize(
                        manager, ai.djl.ndarray.types.DataType.FLOAT32, new Shape(1, 16, 8, 8));
                Parameter last =
                        block.getParameters().values().stream()
                                .filter(p -> p.getName().equals("weight"))
                                .reduce((first, second) -> second)
                                .orElseThrow();
                last.getArray().set(new float[(int) last.getArray().size()]);
                NDArray x = manager.randomNormal(new Shape(2, 16, 8, 8));
                NDArray y = ResNetTesting.predict(block, manager, x);
                NDArray expected = version == ResNetVersion.V2 ? x : x.maximum(0f);
                assertThat(y.sub(expected).abs().max().getFloat()).as(version.name()).isZero();
            }
        }
    }

    private static boolean hasParallelBlock(Block block) {
        if (block instanceof ParallelBlock) {
            return true;
        }
        return block.getChildren().values().stream().anyMatch(ResNetForwardTest::hasParallelBlock);
    }
}
