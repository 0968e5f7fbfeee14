package io.resflow.trainer.resnet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Validation, defaults and descriptions; specs only, no DJL engine needed. */
class ResNetBuilderTest {

    private static ResNet.Builder cifar(int depth) {
        return ResNet.builder().setDepth(depth).setNumClasses(10).setInputShape(3, 32, 32);
    }

    @Test
    void refusesDepth21ListingValidCifarDepths() {
        assertThatThrownBy(() -> cifar(21).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("depth 21 is not valid for a CIFAR-style ResNet")
                .hasMessageContaining("6n+2 (8, 14, 20, 26, 32, 44, 56, 110, 1202")
                .hasMessageContaining("nearest 20 or 26")
                .hasMessageContaining("9n+2 (11, 20, 29, 56, 110, 164, 1001")
                .hasMessageContaining("nearest 20 or 29");
    }

    @Test
    void refusesDepthThatDoesNotFitTheChosenUnit() {
        assertThatThrownBy(() -> cifar(21).optUnit(UnitKind.BASIC).buildSpec())
                .hasMessageContaining(
                        "depth 21 is not valid for a CIFAR-style ResNet with basic units")
                .hasMessageContaining("6n+2 with n >= 1")
                .hasMessageContaining("8, 14, 20, 26, 32, 44, 56, 110, 1202")
                .hasMessageContaining("nearest valid: 20 or 26");
        assertThatThrownBy(() -> cifar(32).optUnit(UnitKind.BOTTLENECK).buildSpec())
                .hasMessageContaining("with bottleneck units: it must be 9n+2")
                .hasMessageContaining("nearest valid: 29 or 38");
        assertThatThrownBy(() -> cifar(2).optUnit(UnitKind.BASIC).buildSpec())
                .hasMessageContaining("nearest valid: 8");
    }

    @Test
    void refusesImageNetDepthsOutsideTheTable() {
        assertThatThrownBy(() -> cifar(20).optStyle(NetworkStyle.IMAGENET).buildSpec())
                .hasMessageContaining("depth 20 is not valid for an ImageNet-style ResNet")
                .hasMessageContaining("18, 34 (basic units), 50, 101, 152, 200 (bottleneck units)");
        assertThatThrownBy(
                        () ->
                                cifar(50)
                                        .optStyle(NetworkStyle.IMAGENET)
                                        .optUnit(UnitKind.BASIC)
                                        .buildSpec())
                .hasMessageContaining("with basic units; valid depths: 18, 34")
                .hasMessageContaining("depth 50 exists with bottleneck units");
    }

    @Test
    void namesEveryMissingRequiredSetting() {
        assertThatThrownBy(() -> ResNet.builder().build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("setDepth")
                .hasMessageContaining("setNumClasses")
                .hasMessageContaining("setInputShape");
    }

    @Test
    void refusesInconsistentSettings() {
        assertThatThrownBy(() -> cifar(20).optPlain(true).optShortcut(ShortcutOption.B).buildSpec())
                .hasMessageContaining("plain networks have no shortcuts");
        assertThatThrownBy(() -> cifar(20).setNumClasses(1).buildSpec())
                .hasMessageContaining("at least 2");
        assertThatThrownBy(
                        () ->
                                cifar(20)
                                        .setInputShape(new ai.djl.ndarray.types.Shape(1, 3, 32, 32))
                                        .buildSpec())
                .hasMessageContaining("(channels, height, width)")
                .hasMessageContaining("no batch axis");
        assertThatThrownBy(() -> cifar(20).setInputShape(3, 0, 32).buildSpec())
                .hasMessageContaining("every size >= 1");
        assertThatThrownBy(() -> cifar(20).optBatchNormMomentum(1f).buildSpec())
                .hasMessageContaining("must be in (0, 1)");
    }

    @Test
    void defaultsFollowThePapers() {
        ResNetSpec r20 = cifar(20).buildSpec();
        assertThat(r20.description()).isEqualTo("resnet-20-v1-basic-A");
        assertThat(r20.style()).isEqualTo(NetworkStyle.CIFAR);
        assertThat(r20.stages()).extracting(s -> s.units().size()).containsExactly(3, 3, 3);

        ResNetSpec r164 = cifar(164).optVersion(ResNetVersion.V2).buildSpec();
        assertThat(r164.description()).isEqualTo("resnet-164-v2-bottleneck-B");
        assertThat(r164.stages()).extracting(StageSpec::outChannels).containsExactly(64, 128, 256);

        ResNetSpec r50 =
                ResNet.builder()
                        .setDepth(50)
                        .setNumClasses(1000)
                        .setInputShape(3, 224, 224)
                        .buildSpec();
        assertThat(r50.description()).isEqualTo("resnet-50-v1-bottleneck-B");
        assertThat(r50.stages()).extracting(s -> s.units().size()).containsExactly(3, 4, 6, 3);
        assertThat(r50.stages())
                .extracting(StageSpec::outChannels)
                .containsExactly(256, 512, 1024, 2048);
        assertThat(r50.stem().outHeight()).isEqualTo(56);
        assertThat(r50.units().get(r50.units().size() - 1).outHeight()).isEqualTo(7);

        assertThat(cifar(56).optPlain(true).buildSpec().description())
                .isEqualTo("plain-56-v1-basic");
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "resnet-20-v1-basic-A",
                "resnet-56-v2-basic-C",
                "plain-20-v1-basic",
                "plain-11-v2-bottleneck",
                "resnet-164-v2-bottleneck-B",
                "resnet-18-v1-basic-A",
                "resnet-152-v2-bottleneck-C",
                "resnet-101-v1-bottleneck-B-cifar",
                "resnet-20-v1-bottleneck-B"
            })
    void descriptionsRoundTrip(String description) {
        ResNetSpec spec =
                ResNet.builder(description).setNumClasses(10).setInputShape(3, 64, 64).buildSpec();
        assertThat(spec.description()).isEqualTo(description);
        assertThat(
                        ResNet.builder(spec.description())
                                .setNumClasses(10)
                                .setInputShape(3, 64, 64)
                                .buildSpec())
                .isEqualTo(spec);
    }

    @Test
    void refusesMalformedDescriptions() {
        assertThatThrownBy(() -> ResNet.builder("resnet20"))
                .hasMessageContaining("expected {resnet|plain}-DEPTH-{v1|v2}-{basic|bottleneck}");
        assertThatThrownBy(() -> ResNet.builder("plain-20-v1-basic-A"))
                .hasMessageContaining("drop the -A/-B/-C");
        assertThatThrownBy(() -> ResNet.builder("resnet-20-v1-basic"))
                .hasMessageContaining("needs a shortcut option");
    }

    @Test
    void depthCountsWeightedLayers() {
        for (String d :
                new String[] {
                    "resnet-20-v1-basic-A",
                    "resnet-164-v2-bottleneck-B",
                    "resnet-34-v1-basic-B",
                    "resnet-152-v1-bottleneck-B"
                }) {
            ResNetSpec spec =
                    ResNet.builder(d).setNumClasses(10).setInputShape(3, 32, 32).buildSpec();
            int convs = spec.units().stream().mapToInt(u -> u.convs().size()).sum();
            assertThat(1 + convs + 1).as(d).isEqualTo(spec.depth());
        }
    }

    @Test
    void shortcutKindsFollowTheOption() {
        ResNetSpec a = cifar(14).optShortcut(ShortcutOption.A).buildSpec();
        ResNetSpec b = cifar(14).optShortcut(ShortcutOption.B).buildSpec();
        ResNetSpec c = cifar(14).optShortcut(ShortcutOption.C).buildSpec();
        ResNetSpec plain = cifar(14).optPlain(true).buildSpec();
        assertThat(a.units())
                .extracting(u -> u.shortcut().kind())
                .containsExactly(
                        ShortcutKind.IDENTITY,
                        ShortcutKind.IDENTITY,
                        ShortcutKind.ZERO_PAD,
                        ShortcutKind.IDENTITY,
                        ShortcutKind.ZERO_PAD,
                        ShortcutKind.IDENTITY);
        assertThat(b.units())
                .extracting(u -> u.shortcut().kind())
                .containsExactly(
                        ShortcutKind.IDENTITY,
                        ShortcutKind.IDENTITY,
                        ShortcutKind.PROJECTION,
                        ShortcutKind.IDENTITY,
                        ShortcutKind.PROJECTION,
                        ShortcutKind.IDENTITY);
        assertThat(c.units())
                .extracting(u -> u.shortcut().kind())
                .containsOnly(ShortcutKind.PROJECTION);
        assertThat(plain.units())
                .extracting(u -> u.shortcut().kind())
                .containsOnly(ShortcutKind.NONE);
    }

    @Test
    void preActivationFollowsThe2016Paper() {
        ResNetSpec v2 =
                cifar(14).optVersion(ResNetVersion.V2).optShortcut(ShortcutOption.B).buildSpec();
        assertThat(v2.units())
                .extracting(UnitSpec::preActivation)
                .containsExactly(
                        PreActivation.NONE,
                        PreActivation.RESIDUAL_BRANCH,
                        PreActivation.BOTH_BRANCHES,
                        PreActivation.RESIDUAL_BRANCH,
                        PreActivation.BOTH_BRANCHES,
                        PreActivation.RESIDUAL_BRANCH);
        assertThat(v2.head().batchNormRelu()).isTrue();
        assertThat(v2.units()).allMatch(u -> !u.shortcut().batchNorm());
        ResNetSpec v1 = cifar(14).buildSpec();
        assertThat(v1.units()).extracting(UnitSpec::preActivation).containsOnly(PreActivation.NONE);
        assertThat(v1.head().batchNormRelu()).isFalse();
    }

    @Test
    void oddInputSizesShrinkLikePyTorch() {
        ResNetSpec fashion =
                ResNet.builder()
                        .setDepth(20)
                        .setNumClasses(10)
                        .setInputShape(1, 28, 28)
                        .buildSpec();
        assertThat(fashion.stages())
                .extracting(s -> s.units().get(s.units().size() - 1).outHeight())
                .containsExactly(28, 14, 7);
        ResNetSpec odd =
                ResNet.builder()
                        .setDepth(18)
                        .setNumClasses(10)
                        .setInputShape(3, 75, 33)
                        .buildSpec();
        // 75 -> conv 7x7/2 pad 3 -> 38 -> pool 3x3/2 pad 1 -> 19 -> 19, 10, 5, 3
        assertThat(odd.stem().conv().outHeight()).isEqualTo(38);
        assertThat(odd.stem().outHeight()).isEqualTo(19);
        assertThat(odd.stages())
                .extracting(s -> s.units().get(0).outHeight())
                .containsExactly(19, 10, 5, 3);
        assertThat(odd.stages())
                .extracting(s -> s.units().get(0).outWidth())
                .containsExactly(9, 5, 3, 2);
    }
}
