package io.resflow.cli;

import io.resflow.datasets.FashionMnist;
import io.resflow.pipeline.replay.DatasetFrames;
import io.resflow.pipeline.replay.FrameSource;
import io.resflow.pipeline.replay.ImageFolderFrames;
import io.resflow.schema.ImageEncoding;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Turns a {@code --source} value into frames: a Fashion-MNIST split or an image folder. */
final class FrameSources {

    static final String DESCRIPTION =
            "fashion-mnist-test (default), fashion-mnist-train, or a folder of PNG/JPEG"
                    + " files (class sub-folders give ground-truth labels)";

    private FrameSources() {}

    static FrameSource open(String source, ImageEncoding encoding) throws IOException {
        return open(source, encoding, null);
    }

    /**
     * @param modelClassNames for a folder: label class sub-folders by their names' positions in
     *     this list (a model's labels); null: by their sorted positions
     */
    static FrameSource open(String source, ImageEncoding encoding, List<String> modelClassNames)
            throws IOException {
        return switch (source) {
            case "fashion-mnist-test" ->
                    new DatasetFrames(
                            FashionMnist.atDefaultLocation().load(FashionMnist.Split.TEST),
                            encoding);
            case "fashion-mnist-train" ->
                    new DatasetFrames(
                            FashionMnist.atDefaultLocation().load(FashionMnist.Split.TRAIN),
                            encoding);
            default -> {
                Path folder = Path.of(source);
                if (!Files.isDirectory(folder)) {
                    throw new IOException(
                            "--source "
                                    + source
                                    + " is neither fashion-mnist-test, fashion-mnist-train"
                                    + " nor an existing folder");
                }
                yield ImageFolderFrames.scan(folder, modelClassNames);
            }
        };
    }
}
