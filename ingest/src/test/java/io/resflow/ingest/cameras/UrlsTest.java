package io.resflow.ingest.cameras;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class UrlsTest {

    @Test
    void removesUserAndPassword() {
        assertThat(Urls.redact("rtsp://admin:s3cret@10.0.0.7:554/stream1"))
                .isEqualTo("rtsp://***@10.0.0.7:554/stream1");
        assertThat(Urls.redact("http://user@cam.local/mjpeg"))
                .isEqualTo("http://***@cam.local/mjpeg");
    }

    @Test
    void removesPasswordsContainingAt() {
        assertThat(Urls.redact("rtsp://admin:p@ss@cam/live")).isEqualTo("rtsp://***@cam/live");
    }

    @Test
    void keepsAnAtInThePath() {
        assertThat(Urls.redact("http://cam/a@b")).isEqualTo("http://cam/a@b");
    }

    @Test
    void removesSecretQueryValues() {
        assertThat(Urls.redact("http://cam/video.cgi?user=bob&password=hunter2&res=hd"))
                .isEqualTo("http://cam/video.cgi?user=bob&password=***&res=hd");
        assertThat(Urls.redact("rtsp://cam/s?token=abc")).isEqualTo("rtsp://cam/s?token=***");
    }

    @Test
    void redactsUrlsInsideText() {
        assertThat(Urls.redactText("Could not open rtsp://admin:pw@cam/s: 401 and http://u:p@h/x"))
                .isEqualTo("Could not open rtsp://***@cam/s: 401 and http://***@h/x")
                .doesNotContain("pw");
    }

    @Test
    void tellsFilesFromStreams() {
        assertThat(Urls.isFile("/videos/door.mp4")).isTrue();
        assertThat(Urls.isFile("file:/videos/door.mkv")).isTrue();
        assertThat(Urls.isFile("rtsp://cam/s")).isFalse();
        assertThat(Urls.scheme("RTSP://cam/s")).isEqualTo("rtsp");
        assertThat(Urls.scheme("door.avi")).isEqualTo("file");
    }

    @Test
    void aCameraNeverPrintsItsPassword() {
        Camera camera = new Camera("door", "rtsp://admin:s3cret@cam/s");
        assertThat(camera.toString()).doesNotContain("s3cret").contains("door");
        assertThat(camera.safeUrl()).doesNotContain("s3cret");
    }
}
