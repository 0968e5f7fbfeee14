package io.resflow.runtime.tensorflow;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * Where TensorFlow's native libraries come from in this JVM, and why.
 *
 * @param source which of the ways was chosen
 * @param libraryDirectory the folder {@code TENSORFLOW_LIBRARY_PATH} names; empty when DJL finds
 *     the libraries on {@code java.library.path}
 * @param reason one sentence for logs and error messages
 */
public record NativeLibrarySetup(Source source, Optional<Path> libraryDirectory, String reason) {

    /** The ways TensorFlow's native libraries can be found. */
    public enum Source {
        /**
         * {@code TENSORFLOW_LIBRARY_PATH} was set (environment or system property) and is left
         * alone.
         */
        EXPLICIT_LIBRARY_PATH,
        /**
         * The JNI library is on {@code java.library.path}, where DJL looks before anything else.
         */
        JAVA_LIBRARY_PATH,
        /**
         * The CUDA natives jar on the class path was extracted to the ResFlow cache; TensorFlow
         * runs on a GPU when it can load CUDA's libraries, else on CPU.
         */
        EXTRACTED
    }

    public NativeLibrarySetup {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(libraryDirectory, "libraryDirectory");
        Objects.requireNonNull(reason, "reason");
    }

    /**
     * e.g. "EXTRACTED: /root/.cache/resflow/natives/tensorflow-2.16.1-cu121-linux-x86_64 (... no
     * CUDA GPU found ...)".
     */
    public String describe() {
        return source + libraryDirectory.map(dir -> ": " + dir).orElse("") + " (" + reason + ")";
    }
}
