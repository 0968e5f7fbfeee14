package io.resflow.datasets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FashionMnistTest {

    @TempDir Path dir;

    private void writeIdx(Path file, boolean gzip, int magic, int[] dims, byte[] data)
            throws IOException {
        try (OutputStream raw = Files.newOutputStream(file);
                OutputStream maybeGzip = gzip ? new GZIPOutputStream(raw) : raw;
                DataOutputStream out = new DataOutputStream(maybeGzip)) {
            out.writeInt(magic);
            for (int d : dims) {
                out.writeInt(d);
            }
            out.write(data);
        }
    }

    private void writeSplit(String prefix, int n, boolean gzip) throws IOException {
        byte[] images = new byte[n * 28 * 28];
        for (int i = 0; i < images.length; i++) {
            images[i] = (byte) i;
        }
        byte[] labels = new byte[n];
        for (int i = 0; i < n; i++) {
            labels[i] = (byte) (i % 10);
        }
        String suffix = gzip ? ".gz" : "";
        writeIdx(
                dir.resolve(prefix + "-images-idx3-ubyte" + suffix),
                gzip,
                0x00000803,
                new int[] {n, 28, 28},
                images);
        writeIdx(
                dir.resolve(prefix + "-labels-idx1-ubyte" + suffix),
                gzip,
                0x00000801,
                new int[] {n},
                labels);
    }

    @Test
    void readsPlainAndGzippedIdx() throws IOException {
        writeSplit("train", 12, true);
        writeSplit("t10k", 3, false);
        FashionMnist mnist = FashionMnist.at(dir);
        assertThat(mnist.isInstalled()).isTrue();

        LabelledImages train = mnist.load(FashionMnist.Split.TRAIN);
        assertThat(train.size()).isEqualTo(12);
        assertThat(train.label(11)).isEqualTo(1);
        assertThat(train.image(1)[0]).isEqualTo((byte) 784);
        assertThat(train.classNames()).hasSize(10).startsWith("T-shirt/top");
        assertThat(mnist.load(FashionMnist.Split.TEST).size()).isEqualTo(3);
        assertThat(train.head(5).size()).isEqualTo(5);
    }

    @Test
    void convertsImagesToScaledNchwPlanes() {
        // two 1x2 RGB images: (1,2,3)(4,5,6) and (7,8,9)(10,11,12)
        byte[] pixels = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12};
        LabelledImages images =
                new LabelledImages(
                        "rgb", 1, 2, 3, pixels, new int[] {0, 1}, java.util.List.of("a", "b"));
        assertThat(images.toNchw(0, 2, 1f)).containsExactly(1, 4, 2, 5, 3, 6, 7, 10, 8, 11, 9, 12);
        assertThat(images.toNchw(1, 1, 0.5f)).containsExactly(3.5f, 5, 4, 5.5f, 4.5f, 6);
    }

    @Test
    void missingFilesSayHowToInstallThem() {
        assertThat(FashionMnist.at(dir).isInstalled()).isFalse();
        assertThatThrownBy(() -> FashionMnist.at(dir).load(FashionMnist.Split.TEST))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("t10k-images-idx3-ubyte not found in " + dir)
                .hasMessageContaining("apt-get install dataset-fashion-mnist");
    }

    @Test
    void truncatedFileIsNamed() throws IOException {
        writeSplit("t10k", 3, false);
        Path images = dir.resolve("t10k-images-idx3-ubyte");
        byte[] all = Files.readAllBytes(images);
        Files.write(images, java.util.Arrays.copyOf(all, all.length - 10));
        assertThatThrownBy(() -> FashionMnist.at(dir).load(FashionMnist.Split.TEST))
                .hasMessageContaining(images.toString())
                .hasMessageContaining("truncated");
    }

    @Test
    void dataBeyondWhatTheHeaderPromisesOrABadGzipChecksumIsNamed() throws IOException {
        writeSplit("t10k", 3, false);
        Path images = dir.resolve("t10k-images-idx3-ubyte");
        Files.write(images, new byte[] {1, 2, 3}, java.nio.file.StandardOpenOption.APPEND);
        assertThatThrownBy(() -> FashionMnist.at(dir).load(FashionMnist.Split.TEST))
                .hasMessageContaining(images.toString())
                .hasMessageContaining("more data than the 2352 bytes its header promises");

        Files.delete(images);
        Files.delete(dir.resolve("t10k-labels-idx1-ubyte"));
        writeSplit("t10k", 3, true);
        Path gzipped = dir.resolve("t10k-images-idx3-ubyte.gz");
        byte[] all = Files.readAllBytes(gzipped);
        all[all.length - 8] ^= 0x55; // the gzip trailer's CRC-32
        Files.write(gzipped, all);
        assertThatThrownBy(() -> FashionMnist.at(dir).load(FashionMnist.Split.TEST))
                .hasMessageContaining(gzipped.toString())
                .hasMessageContaining("the gzip data is corrupt (Corrupt GZIP trailer)");
    }

    @Test
    void notAnIdxFileIsNamed() throws IOException {
        writeSplit("t10k", 3, false);
        Files.writeString(dir.resolve("t10k-labels-idx1-ubyte"), "hello, not idx");
        assertThatThrownBy(() -> FashionMnist.at(dir).load(FashionMnist.Split.TEST))
                .hasMessageContaining("not an IDX file");
    }

    @Test
    void mismatchedCountsAreNamed() throws IOException {
        writeSplit("t10k", 3, false);
        writeIdx(
                dir.resolve("t10k-labels-idx1-ubyte"),
                false,
                0x00000801,
                new int[] {2},
                new byte[2]);
        assertThatThrownBy(() -> FashionMnist.at(dir).load(FashionMnist.Split.TEST))
                .hasMessageContaining("do not match the 3 images");
    }

    @Test
    void labelOutsideTheTenClassesIsNamed() throws IOException {
        writeSplit("t10k", 3, false);
        writeIdx(
                dir.resolve("t10k-labels-idx1-ubyte"),
                false,
                0x00000801,
                new int[] {3},
                new byte[] {0, 10, 1});
        assertThatThrownBy(() -> FashionMnist.at(dir).load(FashionMnist.Split.TEST))
                .hasMessageContaining("label 10 at position 1");
    }
}
