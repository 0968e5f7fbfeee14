package io.resflow.datasets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ImageShapeTest {

    @Test
    void countsPixelsAndValues() {
        ImageShape shape = new ImageShape(23, 37, 3);
        assertThat(shape.pixels()).isEqualTo(23 * 37);
        assertThat(shape.values()).isEqualTo(23 * 37 * 3);
        assertThat(shape).hasToString("23x37x3");
        assertThat(shape.sameSize(new ImageShape(23, 37, 1))).isTrue();
        assertThat(shape.sameSize(new ImageShape(37, 23, 3))).isFalse();
        assertThat(shape.withChannels(1)).isEqualTo(new ImageShape(23, 37, 1));
    }

    @Test
    void refusesEmptyAndOversizedShapes() {
        assertThatThrownBy(() -> new ImageShape(0, 28, 1))
                .hasMessageContaining("image shape must be positive, got 0x28x1");
        assertThatThrownBy(() -> new ImageShape(28, 28, -3))
                .hasMessageContaining("must be positive");
        assertThatThrownBy(() -> new ImageShape(65536, 65536, 3))
                .hasMessageContaining("more values than an array holds");
    }

    @Test
    void laysHwcOutAsScaledChannelPlanes() {
        ImageShape shape = new ImageShape(1, 2, 3);
        // two pixels, HWC: (1,2,3) (4,5,6), after two bytes of something else
        byte[] hwc = {9, 9, 1, 2, 3, 4, 5, 6};
        float[] chw = new float[7];

        shape.hwcToChw(hwc, 2, 2f, chw, 1);

        assertThat(chw).containsExactly(0, 2, 8, 4, 10, 6, 12);
    }
}
