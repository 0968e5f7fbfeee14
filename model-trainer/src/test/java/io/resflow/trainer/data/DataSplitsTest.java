package io.resflow.trainer.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.resflow.datasets.LabelledImages;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class DataSplitsTest {

    /** 20 1x1 grey images; image i has pixel i and label i % 4. */
    private static LabelledImages twenty() {
        byte[] pixels = new byte[20];
        int[] labels = new int[20];
        for (int i = 0; i < 20; i++) {
            pixels[i] = (byte) i;
            labels[i] = i % 4;
        }
        return new LabelledImages("twenty", 1, 1, 1, pixels, labels, List.of("a", "b", "c", "d"));
    }

    private static List<Integer> pixels(LabelledImages images) {
        List<Integer> values = new ArrayList<>();
        for (int i = 0; i < images.size(); i++) {
            values.add(images.pixel(i, 0));
            assertThat(images.label(i)).isEqualTo(images.pixel(i, 0) % 4);
        }
        return values;
    }

    @Test
    void holdOutSplitsEveryImageOnceAndIsSeeded() {
        DataSplits.Split split = DataSplits.holdOut(twenty(), 5, 3);

        List<Integer> all = new ArrayList<>(pixels(split.train()));
        all.addAll(pixels(split.holdOut()));
        assertThat(split.holdOut().size()).isEqualTo(5);
        assertThat(all).containsExactlyInAnyOrderElementsOf(pixels(twenty()));
        assertThat(pixels(split.holdOut())).isSorted();
        assertThat(pixels(DataSplits.holdOut(twenty(), 5, 3).holdOut()))
                .isEqualTo(pixels(split.holdOut()));
        assertThat(pixels(DataSplits.holdOut(twenty(), 5, 4).holdOut()))
                .isNotEqualTo(pixels(split.holdOut()));
    }

    @Test
    void sampleAndWrongSizes() {
        assertThat(pixels(DataSplits.sample(twenty(), 7, 1)))
                .hasSize(7)
                .doesNotHaveDuplicates()
                .isSorted();
        assertThatThrownBy(() -> DataSplits.holdOut(twenty(), 20, 1))
                .hasMessageContaining("must be in 1..19");
        assertThatThrownBy(() -> DataSplits.sample(twenty(), 0, 1))
                .hasMessageContaining("must be in 1..20");
    }
}
