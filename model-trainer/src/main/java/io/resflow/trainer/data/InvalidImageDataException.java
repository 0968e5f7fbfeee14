package io.resflow.trainer.data;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Objects;

/**
 * A training input that cannot be used, naming the file and what was wrong with it, so a bad file
 * in a folder of thousands can be found and fixed: "{@code /data/cats/0042.png: unreadable image
 * (no JPEG or PNG decoder recognises the bytes)}".
 */
public final class InvalidImageDataException extends IOException {

    private static final long serialVersionUID = 1L;

    private final transient Path file;
    private final String problem;

    public InvalidImageDataException(Path file, String problem) {
        this(file, problem, null);
    }

    public InvalidImageDataException(Path file, String problem, Throwable cause) {
        super(file + ": " + problem, cause);
        this.file = Objects.requireNonNull(file, "file");
        this.problem = Objects.requireNonNull(problem, "problem");
    }

    /** The file (or folder) at fault. */
    public Path file() {
        return file;
    }

    /** What was wrong, without the file name. */
    public String problem() {
        return problem;
    }
}
