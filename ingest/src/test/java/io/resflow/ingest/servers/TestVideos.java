package io.resflow.ingest.servers;

import io.resflow.datasets.FashionMnist;
import io.resflow.datasets.ImageShape;
import io.resflow.datasets.LabelledImages;
import io.resflow.runtime.images.ImagePreprocessor;
import io.resflow.runtime.images.Pixels;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Videos of Fashion-MNIST test images, upscaled, one image per frame, encoded with Debian's ffmpeg
 * (libx264 for H.264). Image {@code i} is shown at stream time {@code i / fps}.
 */
public final class TestVideos {

    private TestVideos() {}

    public static LabelledImages fashionMnistTest() throws IOException {
        FashionMnist dataset = FashionMnist.atDefaultLocation();
        if (!dataset.isInstalled()) {
            throw new IllegalStateException(
                    "Fashion-MNIST is not at "
                            + dataset.directory()
                            + ": apt-get install dataset-fashion-mnist");
        }
        return dataset.load(FashionMnist.Split.TEST);
    }

    /** The first {@code count} test images upscaled to {@code size x size} grey. */
    public static List<Pixels> frames(LabelledImages images, int count, int size) {
        List<Pixels> frames = new ArrayList<>();
        ImageShape target = new ImageShape(size, size, 1);
        for (int i = 0; i < count; i++) {
            Pixels small = new Pixels(images.shape(), images.image(i));
            frames.add(ImagePreprocessor.toShape(small, target));
        }
        return frames;
    }

    /**
     * Encodes grey frames of one size into a video; extra ffmpeg output arguments choose codec and
     * container, e.g. {@code List.of("-c:v", "libx264", "-pix_fmt", "yuv420p")}.
     */
    public static Path encode(List<Pixels> frames, int fps, Path out, List<String> outputArgs)
            throws IOException, InterruptedException {
        Prerequisites.requireFfmpeg();
        ImageShape shape = frames.get(0).shape();
        List<String> command =
                new ArrayList<>(
                        List.of(
                                Prerequisites.FFMPEG,
                                "-y",
                                "-loglevel",
                                "error",
                                "-f",
                                "rawvideo",
                                "-pix_fmt",
                                "gray",
                                "-s",
                                shape.width() + "x" + shape.height(),
                                "-r",
                                Integer.toString(fps),
                                "-i",
                                "-"));
        command.addAll(outputArgs);
        command.add(out.toString());
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        try (OutputStream stdin = process.getOutputStream()) {
            for (Pixels frame : frames) {
                stdin.write(frame.data());
            }
        } catch (IOException e) {
            // ffmpeg stopped reading: its output below says why.
        }
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(120, TimeUnit.SECONDS) || process.exitValue() != 0) {
            process.destroyForcibly();
            throw new IllegalStateException("ffmpeg could not encode " + out + ": " + output);
        }
        return out;
    }

    /** H.264 in MP4 with the index at the front, a keyframe every second. */
    public static List<String> h264Mp4(int fps) {
        return List.of(
                "-c:v",
                "libx264",
                "-preset",
                "ultrafast",
                "-pix_fmt",
                "yuv420p",
                "-g",
                Integer.toString(fps),
                "-movflags",
                "+faststart");
    }
}
