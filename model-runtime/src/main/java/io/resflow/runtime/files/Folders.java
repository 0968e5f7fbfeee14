package io.resflow.runtime.files;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/** Questions about folders that output is about to be written into. */
public final class Folders {

    private Folders() {}

    /**
     * Whether {@code path} is a folder with anything in it; false for a file or a path that does
     * not exist.
     */
    public static boolean hasEntries(Path path) throws IOException {
        if (!Files.isDirectory(path)) {
            return false;
        }
        try (Stream<Path> entries = Files.list(path)) {
            return entries.findAny().isPresent();
        }
    }
}
