package io.resflow.runtime.cache;

import java.nio.file.Path;

/**
 * The folder where ResFlow keeps files it can recreate (extracted native libraries, ...).
 *
 * <p>Chosen in this order: the system property {@value #DIRECTORY_PROPERTY}, the environment
 * variable {@value #DIRECTORY_ENV}, else {@code ~/.cache/resflow}.
 */
public final class ResflowCache {

    public static final String DIRECTORY_PROPERTY = "resflow.cache.dir";
    public static final String DIRECTORY_ENV = "RESFLOW_CACHE_DIR";

    private ResflowCache() {}

    public static Path root() {
        String property = System.getProperty(DIRECTORY_PROPERTY);
        if (property != null && !property.isBlank()) {
            return Path.of(property).toAbsolutePath();
        }
        String env = System.getenv(DIRECTORY_ENV);
        if (env != null && !env.isBlank()) {
            return Path.of(env).toAbsolutePath();
        }
        return Path.of(System.getProperty("user.home"), ".cache", "resflow");
    }
}
