package io.resflow.pipeline.replay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.resflow.datasets.LabelledImages;
import io.resflow.schema.ImageEncoding;
import java.util.List;
import org.junit.jupiter.api.Test;

class CameraFeedReplayTest {

    private static final DatasetFrames TINY = new DatasetFrames(
            new LabelledImages("tiny", 2, 2, 1, new byte[8], new int[] {0, 1}, List.of("a", "b")),
            ImageEncoding.RAW_U8);

    @Test
    void listsEveryProblemAtOnce() {
        assertThatThrownBy(() -> CameraFeedReplay.builder().optCameras(0).optCorruptEvery(1).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("setBootstrapServers")
                .hasMessageContaining("setFrames")
                .hasMessageContaining("cameras must be at least 1")
                .hasMessageContaining("corruptEvery must be 0 (none) or at least 2");
    }

    @Test
    void plansTheLimitOrTheWholeSource() {
        var builder = CameraFeedReplay.builder().setBootstrapServers("127.0.0.1:1").setFrames(TINY);
        assertThat(builder.build().plannedCount()).isEqualTo(2);
        assertThat(builder.optLimit(1).build().plannedCount()).isEqualTo(1);
        assertThat(builder.optLimit(5).build().plannedCount()).isEqualTo(2);
    }

    @Test
    void corruptKindsTakeTurns() {
        assertThat(List.of(CorruptFrames.forOrdinal(0), CorruptFrames.forOrdinal(1), CorruptFrames.forOrdinal(2),
                CorruptFrames.forOrdinal(3)))
                .containsExactly(CorruptFrames.UNDECODABLE_IMAGE, CorruptFrames.WRONG_SHAPE, CorruptFrames.NOT_AVRO,
                        CorruptFrames.UNDECODABLE_IMAGE);
    }
}
