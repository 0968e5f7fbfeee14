package io.resflow.trainer.data;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class PadCropFlipTest {

    private static float[] ramp(int channels, int height, int width) {
        float[] chw = new float[channels * height * width];
        for (int i = 0; i < chw.length; i++) {
            chw[i] = i + 1; // no zeros, so padding is recognisable
        }
        return chw;
    }

    @Test
    void sameSeedSameImageAndShapeIsKept() {
        float[] image = ramp(3, 8, 8);
        PadCropFlip augmentation = PadCropFlip.paper();

        float[] a = augmentation.apply(image, 3, 8, 8, new SplittableRandom(7));
        float[] b = augmentation.apply(image, 3, 8, 8, new SplittableRandom(7));

        assertThat(a).hasSize(image.length).containsExactly(b);
    }

    @Test
    void differentSeedsGiveDifferentCrops() {
        float[] image = ramp(1, 8, 8);
        PadCropFlip augmentation = PadCropFlip.paper();
        java.util.Set<String> distinct = new java.util.HashSet<>();
        for (int seed = 0; seed < 20; seed++) {
            distinct.add(
                    java.util.Arrays.toString(
                            augmentation.apply(image, 1, 8, 8, new SplittableRandom(seed))));
        }
        assertThat(distinct.size()).isGreaterThan(10);
    }

    @Test
    void everyOutputPixelIsPaddingOrFromOneShiftedPossiblyMirroredWindow() {
        int h = 6;
        int w = 6;
        float[] image = ramp(1, h, w);
        for (int seed = 0; seed < 50; seed++) {
            float[] out = PadCropFlip.paper().apply(image, 1, h, w, new SplittableRandom(seed));
            boolean plain = matchesSomeShift(image, out, h, w, false);
            boolean mirrored = matchesSomeShift(image, out, h, w, true);
            assertThat(plain || mirrored).as("seed %d", seed).isTrue();
        }
    }

    private static boolean matchesSomeShift(
            float[] image, float[] out, int h, int w, boolean mirror) {
        for (int dy = -4; dy <= 4; dy++) {
            for (int dx = -4; dx <= 4; dx++) {
                boolean all = true;
                for (int y = 0; y < h && all; y++) {
                    for (int x = 0; x < w && all; x++) {
                        int sy = y + dy;
                        int sx = (mirror ? w - 1 - x : x) + dx;
                        float expected =
                                sy < 0 || sy >= h || sx < 0 || sx >= w ? 0f : image[sy * w + sx];
                        all = out[y * w + x] == expected;
                    }
                }
                if (all) {
                    return true;
                }
            }
        }
        return false;
    }

    @Test
    void withoutPaddingOnlyFlips() {
        float[] image = ramp(1, 2, 3); // rows {1,2,3}, {4,5,6}
        PadCropFlip flipOnly = new PadCropFlip(0, true);
        java.util.Set<String> seen = new java.util.HashSet<>();
        for (int seed = 0; seed < 20; seed++) {
            seen.add(
                    java.util.Arrays.toString(
                            flipOnly.apply(image, 1, 2, 3, new SplittableRandom(seed))));
        }
        assertThat(seen)
                .containsExactlyInAnyOrder(
                        "[1.0, 2.0, 3.0, 4.0, 5.0, 6.0]", "[3.0, 2.0, 1.0, 6.0, 5.0, 4.0]");
    }
}
