package io.resflow.k8s.facts;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Flink plugins as the image has them in {@code plugins/} (k8s/pom.xml copies them to {@code
 * target/flink-plugins}), each loaded like Flink's plugin loader does: child-first, with Flink's
 * own classes from the parent. The Prometheus reporter needs this: it bundles an old, unrelocated
 * Prometheus client that must not meet the trainer's newer one.
 */
public final class FlinkPlugins {

    private static final List<String> PARENT_FIRST =
            List.of(
                    "java.",
                    "javax.",
                    "org.apache.flink.",
                    "org.slf4j.",
                    "org.apache.logging.",
                    "org.apache.log4j.");

    private static ClassLoader plugins;

    private FlinkPlugins() {}

    /** A class from the class path, else from the plugins. */
    public static Optional<Class<?>> load(String className) {
        try {
            return Optional.of(
                    Class.forName(className, false, FlinkPlugins.class.getClassLoader()));
        } catch (ClassNotFoundException e) {
            try {
                return Optional.of(Class.forName(className, true, plugins()));
            } catch (ClassNotFoundException | LinkageError notAPlugin) {
                return Optional.empty();
            }
        }
    }

    static synchronized ClassLoader plugins() {
        if (plugins == null) {
            Path dir = Path.of(BuildVersions.required("resflow.flink.plugins.dir"));
            URL[] jars;
            try (Stream<Path> files = Files.walk(dir)) {
                jars =
                        files.filter(p -> p.toString().endsWith(".jar"))
                                .map(FlinkPlugins::url)
                                .toArray(URL[]::new);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot list the Flink plugins in " + dir, e);
            }
            plugins = new PluginClassLoader(jars, FlinkPlugins.class.getClassLoader());
        }
        return plugins;
    }

    private static URL url(Path jar) {
        try {
            return jar.toUri().toURL();
        } catch (MalformedURLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Child-first except for Flink's own packages, like Flink's PluginLoader. */
    private static final class PluginClassLoader extends URLClassLoader {
        static {
            ClassLoader.registerAsParallelCapable();
        }

        PluginClassLoader(URL[] urls, ClassLoader parent) {
            super(urls, parent);
        }

        @Override
        protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
            synchronized (getClassLoadingLock(name)) {
                Class<?> loaded = findLoadedClass(name);
                if (loaded == null) {
                    boolean parentFirst =
                            PARENT_FIRST.stream().anyMatch(name::startsWith)
                                    && !name.startsWith("org.apache.flink.metrics.prometheus.");
                    if (parentFirst) {
                        loaded = super.loadClass(name, false);
                    } else {
                        try {
                            loaded = findClass(name);
                        } catch (ClassNotFoundException e) {
                            loaded = super.loadClass(name, false);
                        }
                    }
                }
                if (resolve) {
                    resolveClass(loaded);
                }
                return loaded;
            }
        }
    }
}
