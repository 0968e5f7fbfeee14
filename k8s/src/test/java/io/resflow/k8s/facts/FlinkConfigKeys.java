package io.resflow.k8s.facts;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.regex.Pattern;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.FallbackKey;

/**
 * Every Flink configuration key this build's Flink knows: the {@link ConfigOption}s declared in the
 * {@code *Options} classes of the Flink jars on the class path (flink-core, flink-runtime, the
 * Kafka connector, the Prometheus reporter, ...), with their deprecated names. Keys with a
 * placeholder ({@code external-resource.<resource_name>.amount}) match any name there; reporter
 * keys ({@code metrics.reporter.<name>.<parameter>}) must name a parameter of Flink's reporter
 * options or of the reporter factory the configuration names.
 */
public final class FlinkConfigKeys {

    /**
     * Keys of Flink modules that are not on Maven Central as this build sees it, each with where it
     * is defined. Kept short on purpose: every key here is one the checks cannot verify.
     */
    static final Map<String, String> DEFINED_OUTSIDE_THE_BUILD =
            Map.of(
                    "kubernetes.env.secretKeyRef",
                            "flink-kubernetes"
                                    + " KubernetesConfigOptions.KUBERNETES_ENV_SECRET_KEY_REF",
                    "s3.endpoint", "Flink's S3 file system plugins (flink-s3-fs-presto/-hadoop)",
                    "s3.path.style.access",
                            "Flink's S3 file system plugins (flink-s3-fs-presto/-hadoop)");

    private static final String REPORTER_PREFIX = "metrics.reporter.";

    private final Map<String, String> keys = new LinkedHashMap<>();
    private final Map<String, String> deprecated = new LinkedHashMap<>();
    private final List<Pattern> templates = new ArrayList<>();
    private final Set<String> envPrefixes = new LinkedHashSet<>();
    private final Set<String> reporterParameters = new TreeSet<>();

    private FlinkConfigKeys() {}

    /** Reads the Flink jars of the class path. */
    public static FlinkConfigKeys fromClassPath() {
        FlinkConfigKeys catalogue = new FlinkConfigKeys();
        for (String entry :
                System.getProperty("java.class.path").split(java.io.File.pathSeparator)) {
            Path jar = Path.of(entry);
            if (jar.getFileName() != null
                    && jar.getFileName().toString().startsWith("flink-")
                    && entry.endsWith(".jar")) {
                catalogue.readJar(jar);
            }
        }
        if (catalogue.keys.isEmpty()) {
            throw new IllegalStateException("no Flink ConfigOptions found on the class path");
        }
        return catalogue;
    }

    /** What a key is. */
    public sealed interface Lookup {
        record Known(String declaredIn) implements Lookup {}

        record Deprecated(String replacement) implements Lookup {}

        record Unknown(String hint) implements Lookup {}
    }

    /**
     * @param key a flinkConfiguration key
     * @param factoryClasses the reporter factories the configuration names, by reporter name
     */
    public Lookup lookup(String key, Map<String, String> factoryClasses) {
        if (keys.containsKey(key)) {
            return new Lookup.Known(keys.get(key));
        }
        if (deprecated.containsKey(key)) {
            return new Lookup.Deprecated(deprecated.get(key));
        }
        if (DEFINED_OUTSIDE_THE_BUILD.containsKey(key)) {
            return new Lookup.Known(DEFINED_OUTSIDE_THE_BUILD.get(key));
        }
        for (String prefix : envPrefixes) {
            if (key.startsWith(prefix) && key.length() > prefix.length()) {
                return new Lookup.Known("an environment variable (" + prefix + "*)");
            }
        }
        if (key.startsWith(REPORTER_PREFIX)) {
            String rest = key.substring(REPORTER_PREFIX.length());
            int dot = rest.indexOf('.');
            if (dot > 0) {
                String reporter = rest.substring(0, dot);
                String parameter = rest.substring(dot + 1);
                Set<String> known = new TreeSet<>(reporterParameters);
                Optional.ofNullable(factoryClasses.get(reporter))
                        .ifPresent(f -> known.addAll(factoryParameters(f)));
                return known.contains(parameter)
                        ? new Lookup.Known("reporter " + reporter + " parameter")
                        : new Lookup.Unknown(
                                "reporter "
                                        + reporter
                                        + " has no parameter '"
                                        + parameter
                                        + "'; known: "
                                        + known);
            }
        }
        for (Pattern template : templates) {
            if (template.matcher(key).matches()) {
                return new Lookup.Known("template " + template);
            }
        }
        return new Lookup.Unknown(nearest(key));
    }

    private void readJar(Path jar) {
        try (JarFile file = new JarFile(jar.toFile())) {
            Enumeration<JarEntry> entries = file.entries();
            while (entries.hasMoreElements()) {
                String name = entries.nextElement().getName();
                if (name.startsWith("org/apache/flink/")
                        && name.endsWith("Options.class")
                        && !name.contains("$")
                        && !name.contains("/shaded/")) {
                    readOptionsClass(
                            name.substring(0, name.length() - ".class".length()).replace('/', '.'));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + jar, e);
        }
    }

    private void readOptionsClass(String className) {
        Class<?> options;
        try {
            options = Class.forName(className, true, FlinkConfigKeys.class.getClassLoader());
        } catch (Throwable e) {
            return; // an Options class whose dependencies are not here; its keys are not used by
            // ResFlow
        }
        for (Field field : options.getFields()) {
            if (!Modifier.isStatic(field.getModifiers())) {
                continue;
            }
            try {
                Object value = field.get(null);
                if (value instanceof ConfigOption<?> option) {
                    addOption(options, option);
                } else if (value instanceof String text
                        && field.getName().endsWith("ENV_PREFIX")
                        && text.endsWith(".")) {
                    envPrefixes.add(text);
                }
            } catch (IllegalAccessException | RuntimeException e) {
                // unreadable field: skip
            }
        }
    }

    private void addOption(Class<?> options, ConfigOption<?> option) {
        String key = option.key();
        if (options.getSimpleName().equals("MetricOptions")
                && !key.startsWith("metrics.")
                && !key.contains("<")) {
            reporterParameters.add(
                    key); // reporter-relative: factory.class, interval, scope.delimiter, ...
            return;
        }
        if (key.contains("<")) {
            String[] segments = key.split("\\.");
            if (!segments[segments.length - 1].contains("<")) {
                templates.add(
                        Pattern.compile(
                                Pattern.quote(key).replaceAll("<[^>]+>", "\\\\E[^.]+\\\\Q")));
            }
            return;
        }
        keys.putIfAbsent(key, options.getSimpleName());
        for (FallbackKey fallback : option.fallbackKeys()) {
            if (fallback.isDeprecated()) {
                deprecated.putIfAbsent(fallback.getKey(), key);
            } else {
                keys.putIfAbsent(fallback.getKey(), options.getSimpleName());
            }
        }
    }

    /**
     * Parameters a reporter factory reads: its ARG_* constants and the keys of its package's
     * Options.
     */
    private static Set<String> factoryParameters(String factoryClass) {
        Set<String> parameters = new TreeSet<>();
        try {
            Optional<Class<?>> loaded = FlinkPlugins.load(factoryClass);
            if (loaded.isEmpty()) {
                return parameters;
            }
            Class<?> factory = loaded.get();
            for (Field field : factory.getDeclaredFields()) {
                if (Modifier.isStatic(field.getModifiers())
                        && field.getType() == String.class
                        && field.getName().startsWith("ARG_")) {
                    field.setAccessible(true);
                    parameters.add((String) field.get(null));
                }
            }
        } catch (ReflectiveOperationException | RuntimeException e) {
            // unknown factory: the validator reports it separately
        }
        return parameters;
    }

    private String nearest(String key) {
        return Spelling.nearest(key, keys.keySet())
                .map(best -> "did you mean " + best + "?")
                .orElse("no Flink option of this build has this key");
    }
}
