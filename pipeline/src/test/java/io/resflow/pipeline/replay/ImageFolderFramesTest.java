package io.resflow.pipeline.replay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.resflow.runtime.images.ImageCodec;
import io.resflow.runtime.images.ImageFormat;
import io.resflow.runtime.images.Pixels;
import java.awt.Transparency;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ComponentColorModel;
import java.awt.image.DataBuffer;
import java.awt.image.WritableRaster;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageFolderFramesTest {

    @TempDir Path folder;

    @Test
    void claimsTheChannelsThePipelineDecodesIncludingGreyWithAlpha() throws Exception {
        Files.createDirectories(folder.resolve("cats"));
        ImageIO.write(
                new BufferedImage(6, 5, BufferedImage.TYPE_BYTE_GRAY),
                "png",
                folder.resolve("cats/grey.png").toFile());
        ImageIO.write(
                new BufferedImage(6, 5, BufferedImage.TYPE_3BYTE_BGR),
                "png",
                folder.resolve("cats/rgb.png").toFile());
        ImageIO.write(greyWithAlpha(6, 5), "png", folder.resolve("cats/grey-alpha.png").toFile());

        ImageFolderFrames frames = ImageFolderFrames.scan(folder);
        assertThat(frames.size()).isEqualTo(3);
        for (int i = 0; i < frames.size(); i++) {
            Frame frame = frames.frame(i);
            Pixels decoded =
                    ImageCodec.decode(frame.bytes(), ImageFormat.valueOf(frame.encoding().name()));
            assertThat(frame.channels())
                    .as("frame %d", i)
                    .isEqualTo(decoded.shape().channels())
                    .isIn(1, 3, 4);
            assertThat(frame.height()).isEqualTo(5);
            assertThat(frame.width()).isEqualTo(6);
            assertThat(frame.label()).isZero();
        }
    }

    @Test
    void labelsClassesAsTheTrainerDoesIgnoringHiddenEntries() throws Exception {
        for (String dir : new String[] {".ipynb_checkpoints", "bags", "coats"}) {
            Files.createDirectories(folder.resolve(dir));
        }
        writeGreyPng(folder.resolve(".ipynb_checkpoints/old.png"));
        writeGreyPng(folder.resolve("bags/a.png"));
        writeGreyPng(folder.resolve("coats/b.PNG"));
        Files.write(
                folder.resolve("bags/._a.png"),
                new byte[] {0, 5, 22, 7}); // macOS AppleDouble: no image

        ImageFolderFrames frames = ImageFolderFrames.scan(folder);

        assertThat(frames.classNames()).containsExactly("bags", "coats");
        assertThat(frames.size()).isEqualTo(2);
        assertThat(frames.frame(0).label()).isZero();
        assertThat(frames.frame(1).label()).isEqualTo(1);
    }

    @Test
    void givenTheModelsClassNamesAFolderIsLabelledByItsName() throws Exception {
        // The test set lacks "bags": by position "coats" would be 0, the model's 0 is "bags".
        for (String dir : new String[] {"coats", "__MACOSX", "lost+found"}) {
            Files.createDirectories(folder.resolve(dir));
        }
        writeGreyPng(folder.resolve("coats/b.png"));
        writeGreyPng(folder.resolve("__MACOSX/x.png"));

        ImageFolderFrames frames =
                ImageFolderFrames.scan(folder, List.of("bags", "coats", "dresses"));

        assertThat(frames.size()).isEqualTo(1);
        assertThat(frames.frame(0).label()).isEqualTo(1);
        assertThat(ImageFolderFrames.scan(folder).frame(0).label())
                .as("by position, without the model's names")
                .isZero();

        Files.createDirectories(folder.resolve("hats"));
        assertThatThrownBy(() -> ImageFolderFrames.scan(folder, List.of("bags", "coats")))
                .isInstanceOf(IOException.class)
                .hasMessageContaining(
                        "'hats' is not one of the model's 2 class names [bags, coats]");
    }

    /** A 4x4 grey PNG, whatever the file's name says. */
    private static void writeGreyPng(Path file) throws IOException {
        ImageIO.write(new BufferedImage(4, 4, BufferedImage.TYPE_BYTE_GRAY), "png", file.toFile());
    }

    private static BufferedImage greyWithAlpha(int width, int height) {
        ComponentColorModel model =
                new ComponentColorModel(
                        ColorSpace.getInstance(ColorSpace.CS_GRAY),
                        true,
                        false,
                        Transparency.TRANSLUCENT,
                        DataBuffer.TYPE_BYTE);
        WritableRaster raster = model.createCompatibleWritableRaster(width, height);
        return new BufferedImage(model, raster, false, null);
    }
}
