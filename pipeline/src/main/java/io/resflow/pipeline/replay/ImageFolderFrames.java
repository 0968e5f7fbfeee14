package io.resflow.pipeline.replay;

import io.resflow.datasets.ImageFolderLayout;
import io.resflow.schema.ImageEncoding;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;

/**
 * Frames from the JPEG and PNG files of a folder, sent as the files' own bytes (as a camera would).
 * A folder of class sub-folders gives each frame the sorted sub-folder index as its label, as the
 * trainer does ({@link ImageFolderLayout}), or, given the model's class names, the index of its
 * folder's name among them: a test folder that lacks one of the training classes would otherwise
 * shift every later label, and the job would send correct predictions to the retraining feed as
 * "wrong". Files directly in the folder have no label.
 */
public final class ImageFolderFrames implements FrameSource {

    private record Entry(Path file, ImageEncoding encoding, Integer label) {}

    private final Path root;
    private final List<Entry> entries;
    private final List<String> classNames;

    private ImageFolderFrames(Path root, List<Entry> entries, List<String> classNames) {
        this.root = root;
        this.entries = entries;
        this.classNames = classNames;
    }

    /** Labels are the sorted positions of the class sub-folders, as the trainer gives them. */
    public static ImageFolderFrames scan(Path root) throws IOException {
        return scan(root, null);
    }

    /**
     * Labels are the positions of the sub-folders' names in {@code modelClassNames} (a model's
     * labels, in order); a sub-folder named otherwise is an error. Null: sorted positions.
     */
    public static ImageFolderFrames scan(Path root, List<String> modelClassNames)
            throws IOException {
        if (!Files.isDirectory(root)) {
            throw new IOException(root + ": not a folder of images");
        }
        List<Entry> entries = new ArrayList<>();
        List<Path> classDirs = ImageFolderLayout.classFolders(root);
        List<String> folderNames = classDirs.stream().map(p -> p.getFileName().toString()).toList();
        List<String> classNames =
                modelClassNames == null ? folderNames : List.copyOf(modelClassNames);
        addImages(root, null, entries);
        for (int i = 0; i < classDirs.size(); i++) {
            int label = classNames.indexOf(folderNames.get(i));
            if (label < 0) {
                throw new IOException(
                        classDirs.get(i)
                                + ": '"
                                + folderNames.get(i)
                                + "' is not one of the model's "
                                + classNames.size()
                                + " class names "
                                + classNames);
            }
            addImages(classDirs.get(i), label, entries);
        }
        if (entries.isEmpty()) {
            throw new IOException(
                    root + ": no .png, .jpg or .jpeg files (directly or in class sub-folders)");
        }
        return new ImageFolderFrames(root, List.copyOf(entries), classNames);
    }

    public List<String> classNames() {
        return classNames;
    }

    @Override
    public int size() {
        return entries.size();
    }

    @Override
    public Frame frame(int index) {
        Entry entry = entries.get(index);
        try {
            byte[] bytes = Files.readAllBytes(entry.file());
            int[] shape = shapeOf(entry.file());
            return new Frame(bytes, entry.encoding(), shape[0], shape[1], shape[2], entry.label());
        } catch (IOException e) {
            throw new UncheckedIOException(entry.file() + ": " + e.getMessage(), e);
        }
    }

    @Override
    public String description() {
        return root + " (" + entries.size() + " files, " + classNames.size() + " classes)";
    }

    private static void addImages(Path dir, Integer label, List<Entry> entries) throws IOException {
        for (Path file : ImageFolderLayout.imageFiles(dir)) {
            String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
            entries.add(
                    new Entry(
                            file,
                            name.endsWith(".png") ? ImageEncoding.PNG : ImageEncoding.JPEG,
                            label));
        }
    }

    /** Width, height and channels from the image header, without decoding the pixels. */
    private static int[] shapeOf(Path file) throws IOException {
        try (ImageInputStream in = ImageIO.createImageInputStream(file.toFile())) {
            Iterator<ImageReader> readers = in == null ? null : ImageIO.getImageReaders(in);
            if (readers == null || !readers.hasNext()) {
                throw new IOException("not a readable PNG or JPEG");
            }
            ImageReader reader = readers.next();
            try {
                reader.setInput(in);
                int components =
                        reader.getRawImageType(0) == null
                                ? 3
                                : reader.getRawImageType(0).getColorModel().getNumComponents();
                // Grey with alpha decodes to RGBA (runtime ImageCodec), and 2 channels is no shape
                // the
                // pipeline takes.
                return new int[] {
                    reader.getWidth(0), reader.getHeight(0), components == 2 ? 4 : components
                };
            } finally {
                reader.dispose();
            }
        }
    }
}
