package io.resflow.runtime.images;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.resflow.datasets.ImageShape;
import io.resflow.runtime.metadata.InputSpec;
import java.util.Arrays;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;

class ImagePreprocessorTest {

    private static ImagePreprocessor preprocessor(int h, int w, int c, float scale) {
        return new ImagePreprocessor(new ImageShape(h, w, c), scale);
    }

    private static Pixels pixels(int h, int w, int c, byte[] data) {
        return new Pixels(new ImageShape(h, w, c), data);
    }

    /** Pixels with the given 0..255 values. */
    private static Pixels pixels(int h, int w, int c, int... values) {
        byte[] data = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            data[i] = (byte) values[i];
        }
        return pixels(h, w, c, data);
    }

    @Test
    void greyImageOfTheModelsSizeIsScaledOnly() {
        ImagePreprocessor preprocessor = preprocessor(2, 2, 1, 1f / 255);
        float[] values = preprocessor.toModelInput(pixels(2, 2, 1, 0, 255, 51, 102));
        assertThat(values).containsExactly(new float[] {0f, 1f, 0.2f, 0.4f}, Offset.offset(1e-6f));
    }

    @Test
    void anImageOfTheModelsShapeIsPassedThroughUntouched() {
        Pixels image = pixels(2, 2, 1, 1, 2, 3, 4);
        assertThat(ImagePreprocessor.toShape(image, new ImageShape(2, 2, 1))).isSameAs(image);
    }

    @Test
    void rgbBecomesNchwPlanes() {
        ImagePreprocessor preprocessor = preprocessor(1, 2, 3, 1f);
        // two pixels, HWC: (1,2,3) (4,5,6)
        float[] values = preprocessor.toModelInput(pixels(1, 2, 3, 1, 2, 3, 4, 5, 6));
        assertThat(values).containsExactly(1, 4, 2, 5, 3, 6);
    }

    @Test
    void rgbToGreyUsesLuma() {
        ImagePreprocessor preprocessor = preprocessor(1, 1, 1, 1f);
        assertThat(preprocessor.toModelInput(pixels(1, 1, 3, 100, 200, 50))[0])
                .isCloseTo(0.299f * 100 + 0.587f * 200 + 0.114f * 50, Offset.offset(1e-3f));
    }

    @Test
    void lumaIsRoundedToAByteAsTheTrainerStoresIt() {
        // 0.299 * 10 + 0.587 * 20 + 0.114 * 31 = 18.264
        assertThat(preprocessor(1, 1, 1, 1f).toModelInput(pixels(1, 1, 3, 10, 20, 31)))
                .containsExactly(18f);
        // 0.299 * 1 = 0.299 and 0.299 * 2 = 0.598
        assertThat(preprocessor(1, 2, 1, 1f).toModelInput(pixels(1, 2, 3, 1, 0, 0, 2, 0, 0)))
                .containsExactly(0f, 1f);
    }

    @Test
    void greyToRgbRepeatsTheChannelAndAlphaIsDropped() {
        assertThat(preprocessor(1, 1, 3, 1f).toModelInput(pixels(1, 1, 1, 7)))
                .containsExactly(7, 7, 7);
        assertThat(preprocessor(1, 1, 3, 1f).toModelInput(pixels(1, 1, 4, 1, 2, 3, 9)))
                .containsExactly(1, 2, 3);
        assertThat(preprocessor(1, 1, 1, 1f).toModelInput(pixels(1, 1, 4, 100, 100, 100, 0)))
                .containsExactly(100);
    }

    @Test
    void otherSizesAreResizedBilinearly() {
        ImagePreprocessor preprocessor = preprocessor(2, 2, 1, 1f);
        byte[] uniform = new byte[8 * 8];
        Arrays.fill(uniform, (byte) 80);
        float[] values = preprocessor.toModelInput(pixels(8, 8, 1, uniform));
        assertThat(values).hasSize(4).containsOnly(80f);
        assertThat(preprocessor.matchesSize(new ImageShape(8, 8, 1))).isFalse();
        assertThat(preprocessor.matchesSize(new ImageShape(2, 2, 3))).isTrue();
    }

    @Test
    void bilinearResizeInterpolatesBetweenPixelCentres() {
        // 1x2 -> 1x4: target centres at source x = -0.25, 0.25, 0.75, 1.25 (edges clamped)
        assertThat(preprocessor(1, 4, 1, 1f).toModelInput(pixels(1, 2, 1, 0, 100)))
                .containsExactly(0, 25, 75, 100);
        // 2x2 -> 1x1: the centre, the mean of the four, rounded (62.5 -> 63)
        assertThat(preprocessor(1, 1, 1, 1f).toModelInput(pixels(2, 2, 1, 0, 50, 100, 100)))
                .containsExactly(63);
        // 4x4 -> 2x2 halves: each target pixel is the mean of its 2x2 block
        byte[] blocks = {0, 2, 10, 20, 4, 6, 30, 40, 1, 1, 9, 9, 1, 1, 9, 9};
        assertThat(preprocessor(2, 2, 1, 1f).toModelInput(pixels(4, 4, 1, blocks)))
                .containsExactly(3, 25, 1, 9);
    }

    @Test
    void resizingAndGreyToRgbCommute() {
        byte[] grey = new byte[5 * 7];
        for (int i = 0; i < grey.length; i++) {
            grey[i] = (byte) (i * 37);
        }
        byte[] rgb = new byte[grey.length * 3];
        for (int i = 0; i < grey.length; i++) {
            Arrays.fill(rgb, 3 * i, 3 * i + 3, grey[i]);
        }
        ImageShape target = new ImageShape(3, 4, 3);
        assertThat(ImagePreprocessor.toShape(pixels(5, 7, 1, grey), target))
                .isEqualTo(ImagePreprocessor.toShape(pixels(5, 7, 3, rgb), target));
    }

    @Test
    void isBuiltFromTheModelsInputSpec() {
        InputSpec input =
                InputSpec.builder()
                        .setShape(new ImageShape(28, 28, 1))
                        .setPixelScale(1f / 255)
                        .setMean(0.2860f)
                        .setStd(0.3530f)
                        .build();
        ImagePreprocessor preprocessor = ImagePreprocessor.forInput(input);
        assertThat(preprocessor.shape()).isEqualTo(input.shape());
        assertThat(preprocessor.toModelInput(new Pixels(input.shape(), new byte[784])))
                .hasSize(input.shape().values());
    }

    @Test
    void refusesPixelCountsThatDoNotMatchTheShape() {
        assertThatThrownBy(() -> pixels(2, 2, 1, new byte[3]))
                .hasMessageContaining("needs 4 bytes, got 3");
        assertThatThrownBy(() -> pixels(1, 1, 2, new byte[2]))
                .hasMessageContaining("1, 3 or 4 channels");
        assertThatThrownBy(() -> preprocessor(2, 2, 4, 1f))
                .hasMessageContaining("model input must be HxWx1 or HxWx3, got 2x2x4");
    }
}
