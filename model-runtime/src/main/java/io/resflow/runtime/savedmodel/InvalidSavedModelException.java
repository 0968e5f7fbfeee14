package io.resflow.runtime.savedmodel;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A SavedModel folder is missing, incomplete, or does not fit its metadata; the message names the
 * folder and the problem.
 */
public class InvalidSavedModelException extends IOException {

    private static final long serialVersionUID = 1L;

    private final transient Path directory;

    public InvalidSavedModelException(Path directory, String problem) {
        super(directory + ": " + problem);
        this.directory = directory;
    }

    public InvalidSavedModelException(Path directory, String problem, Throwable cause) {
        super(directory + ": " + problem, cause);
        this.directory = directory;
    }

    public Path directory() {
        return directory;
    }
}
