package io.resflow.pipeline.replay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.resflow.datasets.ImageShape;
import io.resflow.datasets.LabelledImages;
import io.resflow.runtime.images.ImageCodec;
import io.resflow.runtime.images.ImageFormat;
import io.resflow.runtime.images.Pixels;
import io.resflow.schema.ImageEncoding;
import java.util.List;
import org.junit.jupiter.api.Test;

class CameraFeedReplayTest {

    private static final DatasetFrames TINY =
            new DatasetFrames(
                    new LabelledImages(
                            "tiny", 2, 2, 1, new byte[8], new int[] {0, 1}, List.of("a", "b")),
                    ImageEncoding.RAW_U8);

    @Test
    void listsEveryProblemAtOnce() {
        assertThatThrownBy(
                        () -> CameraFeedReplay.builder().optCameras(0).optCorruptEvery(1).build())
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
        assertThat(
                        List.of(
                                CorruptFrames.forOrdinal(0),
                                CorruptFrames.forOrdinal(1),
                                CorruptFrames.forOrdinal(2),
                                CorruptFrames.forOrdinal(3),
                                CorruptFrames.forOrdinal(4)))
                .containsExactly(
                        CorruptFrames.UNDECODABLE_IMAGE,
                        CorruptFrames.WRONG_SHAPE,
                        CorruptFrames.NOT_AVRO,
                        CorruptFrames.OVERSIZED_IMAGE,
                        CorruptFrames.UNDECODABLE_IMAGE);
    }

    @Test
    void anOversizedPngDeclaresItsSizeWithAValidChecksum() throws Exception {
        byte[] png =
                ImageCodec.encode(
                        new Pixels(new ImageShape(28, 28, 1), new byte[28 * 28]),
                        ImageFormat.PNG,
                        0.9f);
        byte[] bomb = CorruptFrames.declaringSize(png, 20_000, 30_000);
        java.util.zip.CRC32 crc = new java.util.zip.CRC32();
        crc.update(bomb, 12, 17); // IHDR's type and data
        assertThat(java.nio.ByteBuffer.wrap(bomb).getInt(29)).isEqualTo((int) crc.getValue());
        javax.imageio.ImageReader reader =
                javax.imageio.ImageIO.getImageReadersByFormatName("png").next();
        reader.setInput(
                javax.imageio.ImageIO.createImageInputStream(
                        new java.io.ByteArrayInputStream(bomb)));
        assertThat(reader.getWidth(0)).isEqualTo(20_000);
        assertThat(reader.getHeight(0)).isEqualTo(30_000);
        assertThat(bomb).hasSameSizeAs(png);
    }
}
