package io.resflow.ingest.cameras;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CameraListTest {

    @TempDir Path dir;

    @Test
    void readsSpecsAndFilesInOrder() throws Exception {
        Path file = dir.resolve("cameras.txt");
        Files.writeString(file, "# lobby\n\nlobby=http://cam2/mjpeg\n  yard = rtsp://cam3/s  \n");
        List<Camera> cameras =
                CameraList.of(List.of("door=rtsp://cam1/s"), List.of(file), Map.of());
        assertThat(cameras)
                .extracting(Camera::id, Camera::url)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("door", "rtsp://cam1/s"),
                        org.assertj.core.groups.Tuple.tuple("lobby", "http://cam2/mjpeg"),
                        org.assertj.core.groups.Tuple.tuple("yard", "rtsp://cam3/s"));
    }

    @Test
    void fillsCredentialsFromTheEnvironment() {
        Camera camera =
                CameraList.parse(
                        "door=rtsp://${CAM_USER}:${CAM_PASSWORD}@cam/s",
                        Map.of("CAM_USER", "admin", "CAM_PASSWORD", "pw"));
        assertThat(camera.url()).isEqualTo("rtsp://admin:pw@cam/s");
    }

    @Test
    void aMissingVariableIsNamed() {
        assertThatThrownBy(() -> CameraList.parse("door=rtsp://u:${CAM_PASSWORD}@cam/s", Map.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("CAM_PASSWORD")
                .hasMessageContaining("door");
    }

    @Test
    void badSpecsSayWhatIsExpectedWithoutTheirPassword() {
        assertThatThrownBy(() -> CameraList.parse("rtsp://admin:pw@cam/s", Map.of()))
                .hasMessageContaining("id=URL")
                .hasMessageNotContaining("pw@");
        assertThatThrownBy(() -> CameraList.parse("bad id=rtsp://cam/s", Map.of()))
                .hasMessageContaining("camera id");
    }

    @Test
    void idsAreUnique() {
        assertThatThrownBy(
                        () ->
                                CameraList.of(
                                        List.of("a=rtsp://x/1", "a=rtsp://x/2"),
                                        List.of(),
                                        Map.of()))
                .hasMessageContaining("camera id a is given twice");
    }

    @Test
    void noCamerasIsAnError() {
        assertThatThrownBy(() -> CameraList.of(List.of(), List.of(), Map.of()))
                .hasMessageContaining("--camera id=URL");
    }
}
