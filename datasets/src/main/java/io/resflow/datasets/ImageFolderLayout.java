package io.resflow.datasets;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * What counts in a folder of images laid out as torchvision's {@code ImageFolder}: one sub-folder
 * per class, labels the sorted positions of their names. The trainer and the camera replay both
 * read folders through this, so a frame's label in the stream is the label it had in training.
 *
 * <p>Hidden entries are ignored: a {@code .ipynb_checkpoints} folder would otherwise become class 0
 * and shift every real class by one, and macOS's {@code ._x.png} files are not images. So are
 * {@code __MACOSX} (left by unpacking a zip made on a Mac) and {@code lost+found} (a file system's
 * root), which are not classes either.
 */
public final class ImageFolderLayout {

    private ImageFolderLayout() {}

    /** The class sub-folders of {@code root}, sorted by name. */
    public static List<Path> classFolders(Path root) throws IOException {
        return visible(root, Files::isDirectory);
    }

    /** The PNG and JPEG files directly in {@code folder}, sorted by name. */
    public static List<Path> imageFiles(Path folder) throws IOException {
        return visible(folder, file -> Files.isRegularFile(file) && isImageName(file));
    }

    /** Whether the name ends in {@code .png}, {@code .jpg} or {@code .jpeg}, in any case. */
    private static boolean isImageName(Path file) {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        return name.endsWith(".png") || name.endsWith(".jpg") || name.endsWith(".jpeg");
    }

    private static boolean isIgnored(String name) {
        return name.startsWith(".") || name.equals("__MACOSX") || name.equals("lost+found");
    }

    private static List<Path> visible(Path folder, Predicate<Path> keep) throws IOException {
        try (Stream<Path> entries = Files.list(folder)) {
            return entries.filter(p -> !isIgnored(p.getFileName().toString()))
                    .filter(keep)
                    .sorted()
                    .toList();
        }
    }
}
