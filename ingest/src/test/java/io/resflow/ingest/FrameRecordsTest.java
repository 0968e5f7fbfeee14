package io.resflow.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.resflow.datasets.ImageShape;
import io.resflow.ingest.cameras.Camera;
import io.resflow.ingest.decode.DecodedFrame;
import io.resflow.ingest.decode.StreamInfo;
import io.resflow.runtime.images.ImageCodec;
import io.resflow.runtime.images.ImageFormat;
import io.resflow.runtime.images.Pixels;
import io.resflow.schema.ImageEncoding;
import io.resflow.schema.ImageRecord;
import java.util.Arrays;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class FrameRecordsTest {

    private static final Camera CAMERA = new Camera("door", "rtsp://admin:s3cret@cam/s");
    private static final StreamInfo INFO = new StreamInfo("h264", 64, 48, "rtsp");

    private static DecodedFrame grey(int value) {
        byte[] rgb = new byte[48 * 64 * 3];
        Arrays.fill(rgb, (byte) value);
        return new DecodedFrame(
                new Pixels(new ImageShape(48, 64, 3), rgb),
                1.25,
                1_700_000_000_000L,
                DecodedFrame.CaptureClock.RTCP_NTP);
    }

    @Test
    void jpegAtTheCamerasSizeWithHeaders() throws Exception {
        ImageRecord record =
                new FrameRecords(0.9f, Optional.empty()).toRecord(CAMERA, INFO, grey(200), "id-1");
        assertThat(record.getId()).isEqualTo("id-1");
        assertThat(record.getSource()).isEqualTo("door");
        assertThat(record.getCaptureTime().toEpochMilli()).isEqualTo(1_700_000_000_000L);
        assertThat(record.getEncoding()).isEqualTo(ImageEncoding.JPEG);
        assertThat(record.getWidth()).isEqualTo(64);
        assertThat(record.getHeight()).isEqualTo(48);
        assertThat(record.getChannels()).isEqualTo(3);
        assertThat(record.getHeaders())
                .containsEntry("url", "rtsp://***@cam/s")
                .containsEntry("codec", "h264")
                .containsEntry("resolution", "64x48")
                .containsEntry("captureClock", "rtcp_ntp")
                .containsEntry("streamSeconds", "1.250");
        byte[] jpeg = new byte[record.getImageBytes().remaining()];
        record.getImageBytes().duplicate().get(jpeg);
        Pixels decoded = ImageCodec.decode(jpeg, ImageFormat.JPEG);
        assertThat(decoded.shape()).isEqualTo(new ImageShape(48, 64, 3));
        assertThat(decoded.data()[100] & 0xff).isBetween(195, 205);
    }

    @Test
    void rawAtTheModelsInputShape() {
        ImageRecord record =
                new FrameRecords(0.9f, Optional.of(new ImageShape(28, 28, 1)))
                        .toRecord(CAMERA, INFO, grey(90), "id-2");
        assertThat(record.getEncoding()).isEqualTo(ImageEncoding.RAW_U8);
        assertThat(record.getWidth()).isEqualTo(28);
        assertThat(record.getHeight()).isEqualTo(28);
        assertThat(record.getChannels()).isEqualTo(1);
        assertThat(record.getImageBytes().remaining()).isEqualTo(28 * 28);
        assertThat(record.getImageBytes().get(0) & 0xff).isEqualTo(90);
        // The header keeps the camera's own resolution.
        assertThat(record.getHeaders()).containsEntry("resolution", "64x48");
    }

    @Test
    void qualityIsChecked() {
        assertThatThrownBy(() -> new FrameRecords(0f, Optional.empty()))
                .hasMessageContaining("JPEG quality");
    }
}
