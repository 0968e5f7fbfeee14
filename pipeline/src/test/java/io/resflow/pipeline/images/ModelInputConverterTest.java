package io.resflow.pipeline.images;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;

class ModelInputConverterTest {

    @Test
    void greyImageOfTheModelsSizeIsScaledOnly() {
        ModelInputConverter converter = new ModelInputConverter(2, 2, 1, 1f / 255);
        float[] values = converter.toModelInput(new byte[] {0, (byte) 255, 51, 102}, 2, 2, 1);
        assertThat(values).containsExactly(new float[] {0f, 1f, 0.2f, 0.4f}, Offset.offset(1e-6f));
    }

    @Test
    void rgbBecomesNchwPlanes() {
        ModelInputConverter converter = new ModelInputConverter(1, 2, 3, 1f);
        // two pixels, HWC: (1,2,3) (4,5,6)
        float[] values = converter.toModelInput(new byte[] {1, 2, 3, 4, 5, 6}, 1, 2, 3);
        assertThat(values).containsExactly(1, 4, 2, 5, 3, 6);
    }

    @Test
    void rgbToGreyUsesLuma() {
        ModelInputConverter converter = new ModelInputConverter(1, 1, 1, 1f);
        assertThat(converter.toModelInput(new byte[] {100, (byte) 200, 50}, 1, 1, 3)[0])
                .isCloseTo(0.299f * 100 + 0.587f * 200 + 0.114f * 50, Offset.offset(1e-3f));
    }

    @Test
    void greyToRgbRepeatsTheChannelAndAlphaIsDropped() {
        assertThat(new ModelInputConverter(1, 1, 3, 1f).toModelInput(new byte[] {7}, 1, 1, 1))
                .containsExactly(7, 7, 7);
        assertThat(
                        new ModelInputConverter(1, 1, 3, 1f)
                                .toModelInput(new byte[] {1, 2, 3, 9}, 1, 1, 4))
                .containsExactly(1, 2, 3);
    }

    @Test
    void otherSizesAreResizedBilinearly() {
        ModelInputConverter converter = new ModelInputConverter(2, 2, 1, 1f);
        byte[] uniform = new byte[8 * 8];
        java.util.Arrays.fill(uniform, (byte) 80);
        float[] values = converter.toModelInput(uniform, 8, 8, 1);
        assertThat(values).hasSize(4).containsOnly(80f);
        assertThat(converter.matchesSize(8, 8)).isFalse();
    }

    @Test
    void refusesPixelCountsThatDoNotMatchTheShape() {
        assertThatThrownBy(
                        () ->
                                new ModelInputConverter(2, 2, 1, 1f)
                                        .toModelInput(new byte[3], 2, 2, 1))
                .hasMessageContaining("needs 4 bytes, got 3");
    }
}
