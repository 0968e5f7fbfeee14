package io.resflow.trainer.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.resflow.datasets.LabelledImages;
import java.util.List;
import org.junit.jupiter.api.Test;

class ChannelStatisticsTest {

    /** Two 1x2 RGB images; R is {0, 255, 255, 255}, G is {51} everywhere, B is {0, 0, 102, 102}. */
    private static LabelledImages tinySet() {
        byte[] pixels = {
            0,
            51,
            0,
            (byte) 255,
            51,
            0, // image 0: two pixels
            (byte) 255,
            51,
            102,
            (byte) 255,
            51,
            102 // image 1
        };
        return new LabelledImages("tiny", 1, 2, 3, pixels, new int[] {0, 1}, List.of("a", "b"));
    }

    @Test
    void meanAndStdPerChannelOnTheZeroToOneScale() {
        ChannelStatistics stats = ChannelStatistics.compute(tinySet());

        // R: values 0,1,1,1 -> mean 0.75, population std sqrt(0.1875)
        assertThat(stats.mean(0)).isCloseTo(0.75f, within(1e-6f));
        assertThat(stats.std(0)).isCloseTo((float) Math.sqrt(0.1875), within(1e-6f));
        // G: constant 0.2 -> std 0 replaced by 1
        assertThat(stats.mean(1)).isCloseTo(0.2f, within(1e-6f));
        assertThat(stats.std(1)).isEqualTo(1f);
        // B: 0,0,0.4,0.4 -> mean 0.2, std 0.2
        assertThat(stats.mean(2)).isCloseTo(0.2f, within(1e-6f));
        assertThat(stats.std(2)).isCloseTo(0.2f, within(1e-6f));
    }

    @Test
    void normalizesHwcBytesToChwFloats() {
        ChannelStatistics stats =
                new ChannelStatistics(new float[] {0.5f, 0f}, new float[] {0.5f, 1f});
        byte[] hwc = {(byte) 255, 0, 0, (byte) 255}; // 1x2 image, 2 channels

        float[] chw = stats.normalizeToChw(hwc, 1, 2);

        // channel 0 plane first: (1 - 0.5) / 0.5 = 1, (0 - 0.5) / 0.5 = -1; then channel 1: 0, 1
        assertThat(chw).containsExactly(new float[] {1f, -1f, 0f, 1f}, within(1e-6f));
    }

    @Test
    void normalizedTrainingSetHasZeroMeanAndUnitStd() {
        LabelledImages images = tinySet();
        ChannelStatistics stats = ChannelStatistics.compute(images);
        double sum = 0;
        double sumSq = 0;
        for (int i = 0; i < images.size(); i++) {
            float[] chw = stats.normalizeToChw(images.image(i), 1, 2);
            for (int p = 0; p < 2; p++) { // channel 0
                sum += chw[p];
                sumSq += chw[p] * chw[p];
            }
        }
        assertThat(sum / 4).isCloseTo(0, within(1e-6));
        assertThat(sumSq / 4).isCloseTo(1, within(1e-5));
    }
}
