package io.resflow.datasets;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Fashion-MNIST (Xiao, Rasul and Vollgraf, 2017): 60,000 training and 10,000 test images of
 * clothing, 28x28 grey, 10 classes. Read from local IDX files only, never downloaded: Debian's
 * {@code dataset-fashion-mnist} package installs them under {@value #DEFAULT_DIRECTORY}.
 */
public final class FashionMnist {

    public static final String DEFAULT_DIRECTORY = "/usr/share/datasets/fashion-mnist";

    /** Overrides {@link #DEFAULT_DIRECTORY}; the build sets it for tests. */
    public static final String DIRECTORY_PROPERTY = "resflow.fashionMnist.dir";

    /** The class names in label order, as the dataset's authors list them. */
    public static final List<String> CLASS_NAMES =
            List.of(
                    "T-shirt/top",
                    "Trouser",
                    "Pullover",
                    "Dress",
                    "Coat",
                    "Sandal",
                    "Shirt",
                    "Sneaker",
                    "Bag",
                    "Ankle boot");

    public static final int HEIGHT = 28;
    public static final int WIDTH = 28;

    /** Which of the two published splits. */
    public enum Split {
        TRAIN("train"),
        TEST("t10k");

        private final String filePrefix;

        Split(String filePrefix) {
            this.filePrefix = filePrefix;
        }
    }

    private final Path directory;

    private FashionMnist(Path directory) {
        this.directory = directory;
    }

    /** The directory named by {@value #DIRECTORY_PROPERTY}, else {@value #DEFAULT_DIRECTORY}. */
    public static FashionMnist atDefaultLocation() {
        return at(Path.of(System.getProperty(DIRECTORY_PROPERTY, DEFAULT_DIRECTORY)));
    }

    public static FashionMnist at(Path directory) {
        return new FashionMnist(directory);
    }

    public Path directory() {
        return directory;
    }

    /** True when both splits' image and label files are present (plain or gzipped). */
    public boolean isInstalled() {
        for (Split split : Split.values()) {
            if (find(split, "images-idx3-ubyte").isEmpty()
                    || find(split, "labels-idx1-ubyte").isEmpty()) {
                return false;
            }
        }
        return true;
    }

    public LabelledImages load(Split split) throws IOException {
        Path imagesFile = require(split, "images-idx3-ubyte");
        Path labelsFile = require(split, "labels-idx1-ubyte");
        IdxFiles.UnsignedByteArray images = IdxFiles.readUnsignedBytes(imagesFile);
        IdxFiles.UnsignedByteArray labels = IdxFiles.readUnsignedBytes(labelsFile);
        int[] imageDims = images.dimensions();
        if (imageDims.length != 3 || imageDims[1] != HEIGHT || imageDims[2] != WIDTH) {
            throw new IOException(
                    imagesFile
                            + ": expected N x 28 x 28 images, the header says "
                            + java.util.Arrays.toString(imageDims));
        }
        if (labels.dimensions().length != 1 || labels.dimensions()[0] != imageDims[0]) {
            throw new IOException(
                    labelsFile
                            + ": "
                            + java.util.Arrays.toString(labels.dimensions())
                            + " labels do not match the "
                            + imageDims[0]
                            + " images of "
                            + imagesFile);
        }
        int[] labelValues = new int[labels.data().length];
        for (int i = 0; i < labelValues.length; i++) {
            labelValues[i] = labels.data()[i] & 0xFF;
            if (labelValues[i] >= CLASS_NAMES.size()) {
                throw new IOException(
                        labelsFile
                                + ": label "
                                + labelValues[i]
                                + " at position "
                                + i
                                + " is not one of the 10 Fashion-MNIST classes (0..9)");
            }
        }
        return new LabelledImages(
                "fashion-mnist-" + split.name().toLowerCase(java.util.Locale.ROOT),
                HEIGHT,
                WIDTH,
                1,
                images.data(),
                labelValues,
                CLASS_NAMES);
    }

    private Path require(Split split, String kind) throws IOException {
        return find(split, kind)
                .orElseThrow(
                        () ->
                                new IOException(
                                        "Fashion-MNIST "
                                                + split.filePrefix
                                                + "-"
                                                + kind
                                                + " not found in "
                                                + directory
                                                + ". Install it with: apt-get install"
                                                + " dataset-fashion-mnist, or point to a folder"
                                                + " holding the IDX files with"
                                                + " RESFLOW_FASHION_MNIST_DIR (./resflow) or -D"
                                                + DIRECTORY_PROPERTY
                                                + " (elsewhere)"));
    }

    private Optional<Path> find(Split split, String kind) {
        for (String suffix : new String[] {"", ".gz"}) {
            Path candidate = directory.resolve(split.filePrefix + "-" + kind + suffix);
            if (Files.isRegularFile(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }
}
