package io.resflow.runtime.images;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.resflow.datasets.ImageShape;
import java.awt.Transparency;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ComponentColorModel;
import java.awt.image.DataBuffer;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;
import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.Random;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

class ImageCodecTest {

    private static byte[] gradient(int h, int w, int c) {
        byte[] pixels = new byte[h * w * c];
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] = (byte) (i * 7);
        }
        return pixels;
    }

    private static byte[] encode(
            byte[] pixels, int h, int w, int c, ImageFormat format, float jpegQuality) {
        return ImageCodec.encode(new Pixels(new ImageShape(h, w, c), pixels), format, jpegQuality);
    }

    @Test
    void pngRoundTripIsLosslessForGreyAndRgb() throws Exception {
        for (int channels : new int[] {1, 3}) {
            byte[] pixels = gradient(5, 6, channels);
            byte[] png = encode(pixels, 5, 6, channels, ImageFormat.PNG, 0.9f);
            Pixels back = ImageCodec.decode(png, ImageFormat.PNG);
            assertThat(back.shape().height()).isEqualTo(5);
            assertThat(back.shape().width()).isEqualTo(6);
            assertThat(back.shape().channels()).isEqualTo(channels);
            assertThat(back.data()).isEqualTo(pixels);
        }
    }

    @Test
    void jpegRoundTripKeepsShapeAndStaysClose() throws Exception {
        byte[] pixels = new byte[16 * 16];
        java.util.Arrays.fill(pixels, (byte) 100);
        Pixels back =
                ImageCodec.decode(
                        encode(pixels, 16, 16, 1, ImageFormat.JPEG, 0.95f), ImageFormat.JPEG);
        assertThat(back.shape().channels()).isEqualTo(1);
        for (byte b : back.data()) {
            assertThat(b & 0xFF).isBetween(97, 103);
        }
    }

    @Test
    void aPngDeclaringAHugeImageIsRefusedFromItsHeaderBeforeDecoding() throws Exception {
        byte[] png = encode(gradient(28, 28, 1), 28, 28, 1, ImageFormat.PNG, 0.9f);
        assertThat(ImageCodec.decode(png, ImageFormat.PNG, 28, 28).data())
                .isEqualTo(gradient(28, 28, 1));
        // IHDR's width and height (bytes 16..23) rewritten: a few hundred bytes that would decode
        // to 400 MB.
        java.nio.ByteBuffer.wrap(png).putInt(16, 20_000).putInt(20, 20_000);
        assertThatThrownBy(() -> ImageCodec.decode(png, ImageFormat.PNG, 28, 28))
                .isInstanceOf(ImageSizeException.class)
                .hasMessage("expected 28x28 but the PNG header says 20000x20000")
                .satisfies(
                        e -> {
                            ImageSizeException size = (ImageSizeException) e;
                            assertThat(size.declaredHeight()).isEqualTo(20_000);
                            assertThat(size.declaredWidth()).isEqualTo(20_000);
                        });
    }

    @Test
    void aJpegOfAnotherSizeIsRefusedFromItsHeader() {
        byte[] jpeg = encode(gradient(16, 12, 3), 16, 12, 3, ImageFormat.JPEG, 0.9f);
        assertThatThrownBy(() -> ImageCodec.decode(jpeg, ImageFormat.JPEG, 28, 28))
                .isInstanceOf(ImageSizeException.class)
                .hasMessage("expected 28x28 but the JPEG header says 16x12");
    }

    @Test
    void garbageIsReportedAsUndecodable() {
        byte[] garbage = new byte[100];
        new Random(3).nextBytes(garbage);
        assertThatThrownBy(() -> ImageCodec.decode(garbage, ImageFormat.PNG))
                .isInstanceOf(UndecodableImageException.class)
                .hasMessageContaining("100 bytes");
    }

    @Test
    void truncatedPngIsReportedAsUndecodable() {
        byte[] png = encode(gradient(28, 28, 1), 28, 28, 1, ImageFormat.PNG, 0.9f);
        byte[] truncated = java.util.Arrays.copyOf(png, png.length / 2);
        assertThatThrownBy(() -> ImageCodec.decode(truncated, ImageFormat.PNG))
                .isInstanceOf(UndecodableImageException.class);
    }

    /** A camera's dropped connection: ImageIO alone would give a half-grey picture. */
    @Test
    void aJpegCutShortAnywhereIsTruncatedNotAHalfGreyPicture() throws Exception {
        byte[] jpeg = encode(gradient(64, 48, 3), 64, 48, 3, ImageFormat.JPEG, 0.9f);
        assertThat(ImageCodec.decode(jpeg, ImageFormat.JPEG, 64, 48).shape().channels())
                .isEqualTo(3);
        // From inside the headers to the last byte of the end-of-image marker.
        for (int length = 20; length < jpeg.length; length += 7) {
            byte[] cut = Arrays.copyOf(jpeg, length);
            assertThatThrownBy(() -> ImageCodec.decode(cut, ImageFormat.JPEG, 64, 48))
                    .as("cut to %d of %d bytes", length, jpeg.length)
                    .isInstanceOf(UndecodableImageException.class);
        }
        byte[] noEndMarker = Arrays.copyOf(jpeg, jpeg.length - 2);
        assertThatThrownBy(() -> ImageCodec.decode(noEndMarker, ImageFormat.JPEG))
                .isInstanceOf(UndecodableImageException.class)
                .hasMessageStartingWith(
                        "JPEG data is truncated ("
                                + noEndMarker.length
                                + " bytes), the image decodes only partly");
        byte[] half = Arrays.copyOf(jpeg, jpeg.length / 2);
        assertThatThrownBy(() -> ImageCodec.decode(half, ImageFormat.JPEG, 64, 48))
                .hasMessageContaining("truncated");
    }

    @Test
    void aPngCutShortAnywhereIsTruncated() throws Exception {
        byte[] png = encode(gradient(28, 28, 3), 28, 28, 3, ImageFormat.PNG, 0.9f);
        for (int length = 0; length < png.length; length++) {
            byte[] cut = Arrays.copyOf(png, length);
            assertThatThrownBy(() -> ImageCodec.decode(cut, ImageFormat.PNG))
                    .as("cut to %d of %d bytes", length, png.length)
                    .isInstanceOf(UndecodableImageException.class);
        }
        // All pixels there, only IEND missing: still not the file that was sent.
        byte[] noEnd = Arrays.copyOf(png, png.length - 12);
        assertThatThrownBy(() -> ImageCodec.decode(noEnd, ImageFormat.PNG, 28, 28))
                .hasMessage(
                        "PNG data is truncated ("
                                + noEnd.length
                                + " bytes): it ends at byte "
                                + noEnd.length
                                + " before its IEND chunk");
    }

    @Test
    void aPngWithAFlippedBitFailsItsChunkCrc() throws Exception {
        byte[] png = encode(gradient(28, 28, 1), 28, 28, 1, ImageFormat.PNG, 0.9f);
        byte[] flipped = png.clone();
        flipped[png.length - 20] ^= 0x10; // inside IDAT's compressed data
        assertThatThrownBy(() -> ImageCodec.decode(flipped, ImageFormat.PNG, 28, 28))
                .isInstanceOf(UndecodableImageException.class)
                .hasMessageMatching(
                        "PNG data is corrupt \\(\\d+ bytes\\): chunk IDAT at byte \\d+ fails its"
                                + " CRC");
        // Bytes after IEND are no part of the image.
        byte[] trailing = Arrays.copyOf(png, png.length + 5);
        assertThat(ImageCodec.decode(trailing, ImageFormat.PNG, 28, 28).data())
                .isEqualTo(gradient(28, 28, 1));
    }

    @Test
    void refusesPixelsThatDoNotMatchTheShape() {
        assertThatThrownBy(() -> encode(new byte[10], 2, 2, 1, ImageFormat.PNG, 0.9f))
                .hasMessageContaining("needs 4 bytes, got 10");
    }

    private static byte[] imageIoPng(BufferedImage image) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertThat(ImageIO.write(image, "png", out)).isTrue();
        return out.toByteArray();
    }

    @Test
    void greyWithAlphaKeepsItsGreyLevelsAndDecodesToRgba() throws Exception {
        // Java2D treats grey as linear: converting it to sRGB would turn 77 into about 150.
        BufferedImage image =
                new BufferedImage(
                        new ComponentColorModel(
                                ColorSpace.getInstance(ColorSpace.CS_GRAY),
                                true,
                                false,
                                Transparency.TRANSLUCENT,
                                DataBuffer.TYPE_BYTE),
                        Raster.createInterleavedRaster(DataBuffer.TYPE_BYTE, 3, 2, 2, null),
                        false,
                        null);
        for (int x = 0; x < 3; x++) {
            for (int y = 0; y < 2; y++) {
                image.getRaster().setSample(x, y, 0, 77);
                image.getRaster().setSample(x, y, 1, 200);
            }
        }

        Pixels pixels = ImageCodec.decode(imageIoPng(image), ImageFormat.PNG);

        assertThat(pixels.shape()).isEqualTo(new ImageShape(2, 3, 4));
        for (int p = 0; p < 6; p++) {
            assertThat(Arrays.copyOfRange(pixels.data(), 4 * p, 4 * p + 4))
                    .containsExactly(77, 77, 77, (byte) 200);
        }
    }

    @Test
    void sixteenBitGreyKeepsItsHighByte() throws Exception {
        BufferedImage image = new BufferedImage(2, 1, BufferedImage.TYPE_USHORT_GRAY);
        image.getRaster().setSample(0, 0, 0, 0x4DFF);
        image.getRaster().setSample(1, 0, 0, 0xFF00);

        Pixels pixels = ImageCodec.decode(imageIoPng(image), ImageFormat.PNG);

        assertThat(pixels.shape()).isEqualTo(new ImageShape(1, 2, 1));
        assertThat(pixels.data()).containsExactly(0x4D, (byte) 0xFF);
    }

    @Test
    void paletteImagesGiveTheirColours() throws Exception {
        IndexColorModel palette =
                new IndexColorModel(
                        8,
                        2,
                        new byte[] {10, (byte) 250},
                        new byte[] {20, (byte) 240},
                        new byte[] {30, (byte) 230});
        BufferedImage image = new BufferedImage(2, 1, BufferedImage.TYPE_BYTE_INDEXED, palette);
        image.getRaster().setSample(1, 0, 0, 1);

        Pixels pixels = ImageCodec.decode(imageIoPng(image), ImageFormat.PNG);

        assertThat(pixels.shape()).isEqualTo(new ImageShape(1, 2, 3));
        assertThat(pixels.data()).containsExactly(10, 20, 30, (byte) 250, (byte) 240, (byte) 230);
    }

    @Test
    void detectsTheFormatFromTheFirstBytes() {
        byte[] png = encode(gradient(2, 2, 1), 2, 2, 1, ImageFormat.PNG, 0.9f);
        byte[] jpeg = encode(gradient(8, 8, 3), 8, 8, 3, ImageFormat.JPEG, 0.9f);
        assertThat(ImageFormat.detect(png)).contains(ImageFormat.PNG);
        assertThat(ImageFormat.detect(jpeg)).contains(ImageFormat.JPEG);
        assertThat(ImageFormat.detect(new byte[] {1, 2, 3, 4, 5})).isEmpty();
        assertThat(ImageFormat.detect(new byte[0])).isEmpty();
    }
}
