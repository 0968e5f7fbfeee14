package io.resflow.runtime.natives;

import java.nio.file.Path;
import java.time.Duration;

/**
 * What {@link NativeLibraryExtractor#extractTo(Path)} did.
 *
 * @param directory the complete folder, with every extracted file in it
 * @param extracted false when the folder was already complete and nothing was written
 * @param bytes how many bytes were written (0 when nothing was extracted)
 * @param duration how long the extraction took, including waiting for another process
 */
public record Extraction(Path directory, boolean extracted, long bytes, Duration duration) {}
