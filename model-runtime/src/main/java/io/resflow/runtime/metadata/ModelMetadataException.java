package io.resflow.runtime.metadata;

import java.io.IOException;
import java.nio.file.Path;

/** A model's metadata file is missing or wrong; the message names the file and the problem. */
public class ModelMetadataException extends IOException {

    private static final long serialVersionUID = 1L;

    private final transient Path file;

    public ModelMetadataException(Path file, String problem) {
        super(file + ": " + problem);
        this.file = file;
    }

    public ModelMetadataException(Path file, String problem, Throwable cause) {
        super(file + ": " + problem, cause);
        this.file = file;
    }

    /** The metadata file ({@code <SavedModel>/assets/resflow-model.json}). */
    public Path file() {
        return file;
    }
}
