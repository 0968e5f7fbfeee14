package io.resflow.trainer.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.resflow.datasets.LabelledImages;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageFolderReaderTest {

    @TempDir Path root;

    private static ImageFolderReader reader(int size, int channels) {
        return ImageFolderReader.builder().setImageSize(size, size).setChannels(channels).build();
    }

    @Test
    void readsClassFoldersInSortedOrderAndConvertsSizeAndChannels() throws Exception {
        TestImages.write(root.resolve("dog/a.png"), TestImages.rgb(8, 8, 200, 10, 10), "png");
        TestImages.write(root.resolve("dog/b.jpg"), TestImages.rgb(16, 16, 10, 200, 10), "jpg");
        TestImages.write(root.resolve("cat/c.png"), TestImages.grey(4, 4, 77), "png");
        Files.writeString(root.resolve("cat/notes.txt"), "not an image, ignored");
        Files.writeString(root.resolve("README"), "files at the root are ignored");

        LabelledImages images = reader(8, 3).read(root);

        assertThat(images.classNames()).containsExactly("cat", "dog");
        assertThat(images.size()).isEqualTo(3);
        assertThat(images.shape().height()).isEqualTo(8);
        assertThat(images.shape().width()).isEqualTo(8);
        assertThat(images.shape().channels()).isEqualTo(3);
        assertThat(List.of(images.label(0), images.label(1), images.label(2)))
                .containsExactly(0, 1, 1);
        // grey 77 upscaled and repeated into R, G and B
        assertThat(images.image(0)).containsOnly((byte) 77);
        // PNG is lossless: (200, 10, 10) exactly
        byte[] red = images.image(1);
        assertThat(new int[] {red[0] & 0xFF, red[1] & 0xFF, red[2] & 0xFF})
                .containsExactly(200, 10, 10);
    }

    @Test
    void convertsColourToGreyWithLumaWeights() throws Exception {
        TestImages.write(root.resolve("a/x.png"), TestImages.rgb(4, 4, 200, 100, 50), "png");

        LabelledImages images = reader(4, 1).read(root);

        int expected = (int) Math.round(0.299 * 200 + 0.587 * 100 + 0.114 * 50);
        assertThat(images.pixel(0, 0)).isEqualTo(expected);
    }

    @Test
    void corruptImageNamesTheFile() throws Exception {
        TestImages.write(root.resolve("a/good.png"), TestImages.grey(4, 4, 1), "png");
        Path bad = root.resolve("a/broken.png");
        Files.write(bad, new byte[] {1, 2, 3, 4, 5});

        assertThatThrownBy(() -> reader(4, 1).read(root))
                .isInstanceOf(InvalidImageDataException.class)
                .hasMessageContaining(bad.toString())
                .hasMessageContaining("unreadable image");
    }

    @Test
    void truncatedPngNamesTheFile() throws Exception {
        byte[] png = TestImages.encode(TestImages.rgb(32, 32, 1, 2, 3), "png");
        Path bad = root.resolve("a/truncated.png");
        Files.createDirectories(bad.getParent());
        Files.write(bad, java.util.Arrays.copyOf(png, png.length / 2));

        assertThatThrownBy(() -> reader(4, 1).read(root))
                .isInstanceOf(InvalidImageDataException.class)
                .hasMessageContaining("truncated.png")
                .hasMessageContaining("unreadable image");
    }

    @Test
    void emptyClassFolderIsAnError() throws Exception {
        TestImages.write(root.resolve("a/x.png"), TestImages.grey(4, 4, 1), "png");
        Files.createDirectories(root.resolve("b"));
        Files.writeString(root.resolve("b/readme.txt"), "no images here");

        assertThatThrownBy(() -> reader(4, 1).read(root))
                .isInstanceOf(InvalidImageDataException.class)
                .hasMessageContaining(root.resolve("b").toString())
                .hasMessageContaining("empty class folder");
    }

    @Test
    void folderWithoutClassFoldersIsAnError() throws Exception {
        TestImages.write(root.resolve("x.png"), TestImages.grey(4, 4, 1), "png");

        assertThatThrownBy(() -> reader(4, 1).read(root))
                .hasMessageContaining(root.toString())
                .hasMessageContaining("no class folders");
        assertThatThrownBy(() -> reader(4, 1).read(root.resolve("missing")))
                .hasMessageContaining("not a folder");
    }

    @Test
    void fixedClassNamesKeepLabelsWhenAClassIsMissing() throws Exception {
        TestImages.write(root.resolve("coat/x.png"), TestImages.grey(4, 4, 1), "png");
        ImageFolderReader fixed =
                ImageFolderReader.builder()
                        .setImageSize(4, 4)
                        .setChannels(1)
                        .optClassNames(List.of("bag", "coat", "dress"))
                        .build();

        LabelledImages images = fixed.read(root);

        assertThat(images.classNames()).containsExactly("bag", "coat", "dress");
        assertThat(images.label(0)).isEqualTo(1);

        TestImages.write(root.resolve("hat/y.png"), TestImages.grey(4, 4, 1), "png");
        assertThatThrownBy(() -> fixed.read(root))
                .hasMessageContaining("hat")
                .hasMessageContaining("is not one of the 3 class names");
    }

    @Test
    void builderSaysWhatIsMissing() {
        assertThatThrownBy(() -> ImageFolderReader.builder().setChannels(1).build())
                .hasMessageContaining("setImageSize");
        assertThatThrownBy(
                        () -> ImageFolderReader.builder().setImageSize(4, 4).setChannels(4).build())
                .hasMessageContaining("1 (grey) or 3 (RGB)");
    }
}
