package io.resflow.pipeline.images;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.resflow.schema.ImageEncoding;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ImageCodecTest {

    private static byte[] gradient(int h, int w, int c) {
        byte[] pixels = new byte[h * w * c];
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] = (byte) (i * 7);
        }
        return pixels;
    }

    @Test
    void pngRoundTripIsLosslessForGreyAndRgb() throws Exception {
        for (int channels : new int[] {1, 3}) {
            byte[] pixels = gradient(5, 6, channels);
            byte[] png = ImageCodec.encode(pixels, 5, 6, channels, ImageEncoding.PNG, 0.9f);
            ImageCodec.Pixels back = ImageCodec.decode(png, ImageEncoding.PNG);
            assertThat(back.height()).isEqualTo(5);
            assertThat(back.width()).isEqualTo(6);
            assertThat(back.channels()).isEqualTo(channels);
            assertThat(back.data()).isEqualTo(pixels);
        }
    }

    @Test
    void jpegRoundTripKeepsShapeAndStaysClose() throws Exception {
        byte[] pixels = new byte[16 * 16];
        java.util.Arrays.fill(pixels, (byte) 100);
        ImageCodec.Pixels back =
                ImageCodec.decode(
                        ImageCodec.encode(pixels, 16, 16, 1, ImageEncoding.JPEG, 0.95f),
                        ImageEncoding.JPEG);
        assertThat(back.channels()).isEqualTo(1);
        for (byte b : back.data()) {
            assertThat(b & 0xFF).isBetween(97, 103);
        }
    }

    @Test
    void aPngDeclaringAHugeImageIsRefusedFromItsHeaderBeforeDecoding() throws Exception {
        byte[] png = ImageCodec.encode(gradient(28, 28, 1), 28, 28, 1, ImageEncoding.PNG, 0.9f);
        ImageCodec.Size claimed = new ImageCodec.Size(28, 28);
        assertThat(ImageCodec.decode(png, ImageEncoding.PNG, claimed).data())
                .isEqualTo(gradient(28, 28, 1));
        // IHDR's width and height (bytes 16..23) rewritten: a few hundred bytes that would decode
        // to 400 MB.
        java.nio.ByteBuffer.wrap(png).putInt(16, 20_000).putInt(20, 20_000);
        assertThatThrownBy(() -> ImageCodec.decode(png, ImageEncoding.PNG, claimed))
                .isInstanceOf(ImageSizeException.class)
                .hasMessage("the record claims 28x28 but its PNG header says 20000x20000");
    }

    @Test
    void aJpegOfAnotherSizeIsRefusedFromItsHeader() {
        byte[] jpeg = ImageCodec.encode(gradient(16, 12, 3), 16, 12, 3, ImageEncoding.JPEG, 0.9f);
        assertThatThrownBy(
                        () ->
                                ImageCodec.decode(
                                        jpeg, ImageEncoding.JPEG, new ImageCodec.Size(28, 28)))
                .isInstanceOf(ImageSizeException.class)
                .hasMessage("the record claims 28x28 but its JPEG header says 16x12");
    }

    @Test
    void garbageIsReportedAsUndecodable() {
        byte[] garbage = new byte[100];
        new Random(3).nextBytes(garbage);
        assertThatThrownBy(() -> ImageCodec.decode(garbage, ImageEncoding.PNG))
                .isInstanceOf(UndecodableImageException.class)
                .hasMessageContaining("100 bytes");
    }

    @Test
    void truncatedPngIsReportedAsUndecodable() {
        byte[] png = ImageCodec.encode(gradient(28, 28, 1), 28, 28, 1, ImageEncoding.PNG, 0.9f);
        byte[] truncated = java.util.Arrays.copyOf(png, png.length / 2);
        assertThatThrownBy(() -> ImageCodec.decode(truncated, ImageEncoding.PNG))
                .isInstanceOf(UndecodableImageException.class);
    }

    @Test
    void refusesPixelsThatDoNotMatchTheShape() {
        assertThatThrownBy(() -> ImageCodec.encode(new byte[10], 2, 2, 1, ImageEncoding.PNG, 0.9f))
                .hasMessageContaining("needs 4 bytes, got 10");
    }
}
