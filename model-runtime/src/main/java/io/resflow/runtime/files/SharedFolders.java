package io.resflow.runtime.files;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * Folders built under a temporary name and renamed into place for other users to read: extracted
 * native libraries in a shared cache, exported SavedModels on a volume the trainer and Flink share.
 * A temporary folder is private to its owner ({@code rwx------}), and the rename keeps that.
 */
public final class SharedFolders {

    private SharedFolders() {}

    /**
     * Lets every user read and enter {@code folder} ({@code rwxr-xr-x}) where the file system has
     * POSIX modes.
     */
    public static void openToOtherUsers(Path folder) throws IOException {
        if (Files.getFileStore(folder).supportsFileAttributeView(PosixFileAttributeView.class)) {
            Files.setPosixFilePermissions(folder, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
    }
}
