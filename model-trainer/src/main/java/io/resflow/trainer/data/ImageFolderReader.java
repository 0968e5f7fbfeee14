package io.resflow.trainer.data;

import io.resflow.datasets.ImageFolderLayout;
import io.resflow.datasets.ImageShape;
import io.resflow.datasets.LabelledImages;
import io.resflow.runtime.images.ImageCodec;
import io.resflow.runtime.images.ImageFormat;
import io.resflow.runtime.images.ImagePreprocessor;
import io.resflow.runtime.images.Pixels;
import io.resflow.runtime.images.UndecodableImageException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a folder with one sub-folder per class of JPEG and PNG images, the layout of torchvision's
 * {@code ImageFolder}:
 *
 * <pre>
 * root/bag/0001.png
 * root/bag/0002.jpg
 * root/coat/0003.png
 * </pre>
 *
 * <p>Class names are the sorted sub-folder names and labels their positions, unless {@link
 * Builder#optClassNames} fixes them (do that for a test folder, so a class missing there does not
 * shift the labels of the others). Every image is decoded ({@link ImageCodec}, the format told by
 * its first bytes) and converted to the configured size and channel count with the job's own
 * preprocessing ({@link ImagePreprocessor#toShape}), so a model trains on what it is served. Files
 * whose names do not end in {@code .png}, {@code .jpg} or {@code .jpeg} and hidden entries are
 * ignored; sub-folders of class folders are not searched.
 *
 * <p>Errors name the file and the problem: unreadable image, empty class folder, no class folders,
 * a folder not among the fixed class names.
 *
 * <pre>{@code
 * LabelledImages images = ImageFolderReader.builder()
 *         .setImageSize(32, 32)
 *         .setChannels(3)
 *         .build()
 *         .read(Path.of("/data/train"));
 * }</pre>
 */
public final class ImageFolderReader {

    private final ImageShape shape;
    private final List<String> classNames;

    private ImageFolderReader(Builder builder) {
        this.shape = new ImageShape(builder.height, builder.width, builder.channels);
        this.classNames = builder.classNames;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Reads every image below {@code root}; the set is named after the folder. */
    public LabelledImages read(Path root) throws IOException {
        if (!Files.isDirectory(root)) {
            throw new InvalidImageDataException(
                    root, "not a folder (expected one sub-folder per class)");
        }
        List<Path> classFolders = ImageFolderLayout.classFolders(root);
        if (classFolders.isEmpty()) {
            throw new InvalidImageDataException(
                    root, "no class folders (expected one sub-folder per class)");
        }
        List<String> names =
                classNames != null
                        ? classNames
                        : classFolders.stream().map(p -> p.getFileName().toString()).toList();
        ByteArrayOutputStream pixels = new ByteArrayOutputStream();
        List<Integer> labels = new ArrayList<>();
        for (Path folder : classFolders) {
            String className = folder.getFileName().toString();
            int label = names.indexOf(className);
            if (label < 0) {
                throw new InvalidImageDataException(
                        folder,
                        "class folder '"
                                + className
                                + "' is not one of the "
                                + names.size()
                                + " class names "
                                + names);
            }
            List<Path> files = ImageFolderLayout.imageFiles(folder);
            if (files.isEmpty()) {
                throw new InvalidImageDataException(
                        folder, "empty class folder (no .png, .jpg or .jpeg files)");
            }
            for (Path file : files) {
                pixels.writeBytes(readImage(file));
                labels.add(label);
            }
        }
        return new LabelledImages(
                root.getFileName() == null ? root.toString() : root.getFileName().toString(),
                shape,
                pixels.toByteArray(),
                labels.stream().mapToInt(Integer::intValue).toArray(),
                names);
    }

    private byte[] readImage(Path file) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        ImageFormat format =
                ImageFormat.detect(bytes)
                        .orElseThrow(
                                () ->
                                        new InvalidImageDataException(
                                                file,
                                                "unreadable image (no JPEG or PNG decoder"
                                                        + " recognises the "
                                                        + bytes.length
                                                        + " bytes)"));
        Pixels image;
        try {
            image = ImageCodec.decode(bytes, format);
        } catch (UndecodableImageException e) {
            throw new InvalidImageDataException(
                    file, "unreadable image (" + e.getMessage() + ")", e);
        }
        return ImagePreprocessor.toShape(image, shape).data();
    }

    /** {@code setX} are required, {@code optX} optional. */
    public static final class Builder {
        private int height;
        private int width;
        private int channels;
        private List<String> classNames;

        private Builder() {}

        /** The size every image is resized to (required). */
        public Builder setImageSize(int height, int width) {
            this.height = height;
            this.width = width;
            return this;
        }

        /** 1 (grey) or 3 (RGB); images are converted (required). */
        public Builder setChannels(int channels) {
            this.channels = channels;
            return this;
        }

        /**
         * Fixes the class names and their order (labels are positions in this list); every
         * sub-folder must be one of them. Without it, the sorted folder names are the classes.
         */
        public Builder optClassNames(List<String> classNames) {
            this.classNames = List.copyOf(classNames);
            return this;
        }

        public ImageFolderReader build() {
            if (height <= 0 || width <= 0) {
                throw new IllegalArgumentException(
                        "image size must be set to positive height and width"
                                + " with setImageSize, got "
                                + height
                                + "x"
                                + width);
            }
            if (channels != 1 && channels != 3) {
                throw new IllegalArgumentException(
                        "channels must be set to 1 (grey) or 3 (RGB) with setChannels, got "
                                + channels);
            }
            if (classNames != null && classNames.isEmpty()) {
                throw new IllegalArgumentException("optClassNames needs at least one class name");
            }
            return new ImageFolderReader(this);
        }
    }
}
