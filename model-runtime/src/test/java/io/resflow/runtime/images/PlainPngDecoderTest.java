package io.resflow.runtime.images;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.resflow.datasets.FashionMnist;
import io.resflow.datasets.ImageShape;
import io.resflow.datasets.LabelledImages;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;
import org.junit.jupiter.api.Test;

/**
 * The plain-PNG path must give exactly what ImageIO gives, and leave everything else to ImageIO.
 */
class PlainPngDecoderTest {

    @Test
    void everyFashionMnistTestFrameDecodesExactlyAsImageIoDoes() throws Exception {
        LabelledImages test = FashionMnist.atDefaultLocation().load(FashionMnist.Split.TEST);
        for (int i = 0; i < test.size(); i++) {
            byte[] png =
                    ImageCodec.encode(
                            new Pixels(new ImageShape(28, 28, 1), test.image(i)),
                            ImageFormat.PNG,
                            0.9f);
            Pixels plain = PlainPngDecoder.decode(png).orElseThrow();
            assertThat(plain)
                    .as("frame %d", i)
                    .usingRecursiveComparison()
                    .isEqualTo(ImageCodec.decodeWithImageIo(png, ImageFormat.PNG, null));
        }
    }

    @Test
    void greyAndRgbFramesOfAnySizeDecodeExactlyAsImageIoDoes() throws Exception {
        Random random = new Random(11);
        for (int channels : new int[] {1, 3}) {
            for (int[] size : new int[][] {{1, 1}, {3, 17}, {48, 64}, {224, 224}}) {
                int h = size[0];
                int w = size[1];
                byte[] pixels = new byte[h * w * channels];
                // Half noise, half smooth: ImageIO's writer picks a different row filter for each.
                for (int p = 0; p < pixels.length; p++) {
                    pixels[p] = (byte) (p < pixels.length / 2 ? random.nextInt(256) : p / 5);
                }
                byte[] png =
                        ImageCodec.encode(
                                new Pixels(new ImageShape(h, w, channels), pixels),
                                ImageFormat.PNG,
                                0.9f);
                Pixels plain = PlainPngDecoder.decode(png).orElseThrow();
                assertThat(plain.data()).as("%dx%dx%d", h, w, channels).isEqualTo(pixels);
                assertThat(plain)
                        .usingRecursiveComparison()
                        .isEqualTo(ImageCodec.decodeWithImageIo(png, ImageFormat.PNG, null));
            }
        }
    }

    @Test
    void undoesEachOfThePngRowFilters() throws Exception {
        Random random = new Random(5);
        for (int channels : new int[] {1, 3}) {
            for (int filter = 0; filter <= 4; filter++) {
                int h = 9;
                int w = 13;
                byte[] pixels = new byte[h * w * channels];
                random.nextBytes(pixels);
                byte[] png =
                        png(
                                h,
                                w,
                                channels == 1 ? 0 : 2,
                                0,
                                filtered(pixels, h, w * channels, channels, filter));
                assertThat(PlainPngDecoder.decode(png).orElseThrow().data())
                        .as("filter %d, %d channel(s)", filter, channels)
                        .isEqualTo(pixels);
                assertThat(ImageCodec.decodeWithImageIo(png, ImageFormat.PNG, null).data())
                        .isEqualTo(pixels);
            }
        }
    }

    @Test
    void leavesTransparencyPalettesSixteenBitsAndInterlacingToImageIo() throws Exception {
        for (int type :
                new int[] {
                    BufferedImage.TYPE_INT_ARGB,
                    BufferedImage.TYPE_BYTE_INDEXED,
                    BufferedImage.TYPE_USHORT_GRAY
                }) {
            byte[] png = imageIoPng(new BufferedImage(7, 5, type), false);
            assertThat(PlainPngDecoder.decode(png)).as("image type %d", type).isEmpty();
            assertThat(ImageCodec.decode(png, ImageFormat.PNG).shape().height()).isEqualTo(5);
        }
        BufferedImage grey = new BufferedImage(8, 8, BufferedImage.TYPE_BYTE_GRAY);
        grey.getRaster().setSample(3, 4, 0, 200);
        byte[] interlaced = imageIoPng(grey, true);
        assertThat(PlainPngDecoder.decode(interlaced)).isEmpty();
        assertThat(ImageCodec.decode(interlaced, ImageFormat.PNG).data()[4 * 8 + 3] & 0xFF)
                .isEqualTo(200);
    }

    @Test
    void anUnknownRowFilterIsUndecodableAndSaysWhichRow() {
        byte[] rows = new byte[2 * (1 + 3)];
        rows[4] = 9;
        byte[] png = png(2, 3, 0, 0, rows);
        assertThatThrownBy(() -> ImageCodec.decode(png, ImageFormat.PNG))
                .isInstanceOf(UndecodableImageException.class)
                .hasMessageContaining("row 1 has unknown filter type 9");
    }

    @Test
    void shortOrCorruptImageDataIsUndecodable() {
        byte[] tooShort = png(4, 4, 0, 0, new byte[3 * 5]);
        assertThatThrownBy(() -> ImageCodec.decode(tooShort, ImageFormat.PNG))
                .isInstanceOf(UndecodableImageException.class)
                .hasMessageContaining("ends after 15 of 20 bytes");
        byte[] corrupt =
                chunked(
                        2,
                        2,
                        0,
                        0,
                        new byte[] {0x78, (byte) 0x9c, (byte) 0xff, (byte) 0xff, 0x12, 0x34});
        assertThatThrownBy(() -> ImageCodec.decode(corrupt, ImageFormat.PNG))
                .isInstanceOf(UndecodableImageException.class)
                .hasMessageContaining("corrupt compressed data");
    }

    /**
     * Rows with the given PNG filter applied (filter type byte first), as an encoder would write
     * them.
     */
    private static byte[] filtered(byte[] pixels, int h, int stride, int bpp, int filter) {
        byte[] out = new byte[h * (stride + 1)];
        for (int y = 0; y < h; y++) {
            out[y * (stride + 1)] = (byte) filter;
            for (int x = 0; x < stride; x++) {
                int raw = pixels[y * stride + x] & 0xFF;
                int a = x >= bpp ? pixels[y * stride + x - bpp] & 0xFF : 0;
                int b = y > 0 ? pixels[(y - 1) * stride + x] & 0xFF : 0;
                int c = x >= bpp && y > 0 ? pixels[(y - 1) * stride + x - bpp] & 0xFF : 0;
                int predictor =
                        switch (filter) {
                            case 0 -> 0;
                            case 1 -> a;
                            case 2 -> b;
                            case 3 -> (a + b) / 2;
                            default -> {
                                int p = a + b - c;
                                int pa = Math.abs(p - a);
                                int pb = Math.abs(p - b);
                                int pc = Math.abs(p - c);
                                yield pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
                            }
                        };
                out[y * (stride + 1) + 1 + x] = (byte) (raw - predictor);
            }
        }
        return out;
    }

    /** A PNG file around already filtered rows. */
    private static byte[] png(int h, int w, int colourType, int interlace, byte[] filteredRows) {
        Deflater deflater = new Deflater();
        deflater.setInput(filteredRows);
        deflater.finish();
        ByteArrayOutputStream zlib = new ByteArrayOutputStream();
        byte[] buffer = new byte[4096];
        while (!deflater.finished()) {
            zlib.write(buffer, 0, deflater.deflate(buffer));
        }
        return chunked(h, w, colourType, interlace, zlib.toByteArray());
    }

    private static byte[] chunked(int h, int w, int colourType, int interlace, byte[] idat) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'});
        chunk(
                out,
                "IHDR",
                ByteBuffer.allocate(13)
                        .putInt(w)
                        .putInt(h)
                        .put((byte) 8)
                        .put((byte) colourType)
                        .put((byte) 0)
                        .put((byte) 0)
                        .put((byte) interlace)
                        .array());
        chunk(out, "IDAT", idat);
        chunk(out, "IEND", new byte[0]);
        return out.toByteArray();
    }

    private static void chunk(ByteArrayOutputStream out, String type, byte[] data) {
        byte[] typeBytes = type.getBytes(StandardCharsets.ISO_8859_1);
        CRC32 crc = new CRC32();
        crc.update(typeBytes);
        crc.update(data);
        out.writeBytes(ByteBuffer.allocate(4).putInt(data.length).array());
        out.writeBytes(typeBytes);
        out.writeBytes(data);
        out.writeBytes(ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
    }

    private static byte[] imageIoPng(BufferedImage image, boolean interlaced) throws IOException {
        ImageWriter writer = ImageIO.getImageWritersByFormatName("png").next();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ImageOutputStream out = ImageIO.createImageOutputStream(bytes)) {
            writer.setOutput(out);
            ImageWriteParam param = writer.getDefaultWriteParam();
            param.setProgressiveMode(
                    interlaced ? ImageWriteParam.MODE_DEFAULT : ImageWriteParam.MODE_DISABLED);
            writer.write(null, new IIOImage(image, null, null), param);
        } finally {
            writer.dispose();
        }
        return bytes.toByteArray();
    }
}
