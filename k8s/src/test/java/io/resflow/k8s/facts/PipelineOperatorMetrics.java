package io.resflow.k8s.facts;

import io.resflow.pipeline.metrics.PipelineMetrics;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Proxy;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Enumeration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.flink.api.common.functions.AbstractRichFunction;
import org.apache.flink.api.common.functions.DefaultOpenContext;
import org.apache.flink.api.common.functions.RuntimeContext;
import org.apache.flink.metrics.CharacterFilter;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.metrics.groups.OperatorMetricGroup;
import org.apache.flink.runtime.metrics.groups.AbstractMetricGroup;
import org.apache.flink.runtime.metrics.groups.UnregisteredMetricGroups;

/**
 * The metrics the classify job's operators register, read by running them: every concrete rich
 * function of the pipeline module whose byte code asks for its metric group is constructed and
 * opened against Flink's real operator metric group, and each counter, gauge, histogram and meter
 * it registers is recorded with the logical scope Flink gives it. So the series names come from the
 * code and from Flink, not from a list kept by hand: {@code flink_} + logical scope + {@code _} +
 * name, the rule of Flink's Prometheus reporter ({@code AbstractPrometheusReporter#getScopedName});
 * the key of a key-value group ({@code addGroup("errorKind", kind)}) is part of the logical scope,
 * and its value a label.
 */
public final class PipelineOperatorMetrics {

    /** Flink's Prometheus reporter: characters other than [a-zA-Z0-9:_] become '_'. */
    static final CharacterFilter PROMETHEUS_CHARACTERS =
            input -> input.replaceAll("[^a-zA-Z0-9:_]", "_");

    /** One metric an operator registered. */
    public record Registration(
            String operator,
            String metricName,
            String type,
            String prometheusName,
            Set<String> labels) {}

    private PipelineOperatorMetrics() {}

    /**
     * Opens every metric-registering function of the pipeline module and returns what it
     * registered.
     */
    public static List<Registration> register() {
        List<Registration> registrations = new ArrayList<>();
        for (Class<? extends AbstractRichFunction> function : metricRegisteringFunctions()) {
            registrations.addAll(open(function));
        }
        return registrations;
    }

    /** The concrete rich functions of io.resflow.pipeline whose byte code calls getMetricGroup. */
    @SuppressWarnings("unchecked")
    static List<Class<? extends AbstractRichFunction>> metricRegisteringFunctions() {
        List<Class<? extends AbstractRichFunction>> functions = new ArrayList<>();
        for (String className : pipelineClassesCalling("getMetricGroup")) {
            try {
                Class<?> type =
                        Class.forName(
                                className, false, PipelineOperatorMetrics.class.getClassLoader());
                if (AbstractRichFunction.class.isAssignableFrom(type)
                        && !Modifier.isAbstract(type.getModifiers())) {
                    functions.add((Class<? extends AbstractRichFunction>) type);
                }
            } catch (ClassNotFoundException | LinkageError e) {
                throw new IllegalStateException(
                        "cannot load " + className + " from the pipeline module", e);
            }
        }
        functions.sort(Comparator.comparing(Class::getName));
        return functions;
    }

    private static List<Registration> open(Class<? extends AbstractRichFunction> type) {
        AbstractRichFunction function = construct(type);
        List<Registration> registrations = new ArrayList<>();
        OperatorMetricGroup operatorGroup =
                UnregisteredMetricGroups.createUnregisteredOperatorMetricGroup();
        OperatorMetricGroup recording =
                recording(OperatorMetricGroup.class, operatorGroup, type, registrations);
        function.setRuntimeContext(runtimeContext(recording, type));
        try {
            Method registerMetrics = registerMetrics(type);
            if (registerMetrics != null) {
                // Its open() starts more than metrics (score-images loads a model): it registers
                // them in registerMetrics(MetricGroup), which open() calls first.
                registerMetrics.setAccessible(true);
                invoke(registerMetrics, function, new Object[] {recording});
            } else {
                function.open(DefaultOpenContext.INSTANCE);
            }
        } catch (Throwable e) {
            throw new IllegalStateException(
                    "opening " + type.getName() + " to read its metrics failed: " + e, e);
        } finally {
            try {
                function.close();
            } catch (Exception e) {
                // nothing was started
            }
        }
        return registrations;
    }

    /** The function's own {@code registerMetrics(MetricGroup)}, or null when it has none. */
    private static Method registerMetrics(Class<?> type) {
        try {
            return type.getDeclaredMethod("registerMetrics", MetricGroup.class);
        } catch (NoSuchMethodException e) {
            return null;
        }
    }

    /** Through its shortest constructor, with plain values for its parameters. */
    private static AbstractRichFunction construct(Class<? extends AbstractRichFunction> type) {
        Constructor<?> constructor =
                Arrays.stream(type.getDeclaredConstructors())
                        .min(Comparator.comparingInt(Constructor::getParameterCount))
                        .orElseThrow();
        Object[] arguments =
                Arrays.stream(constructor.getParameterTypes())
                        .map(PipelineOperatorMetrics::sample)
                        .toArray();
        try {
            constructor.setAccessible(true);
            return (AbstractRichFunction) constructor.newInstance(arguments);
        } catch (InvocationTargetException
                | InstantiationException
                | IllegalAccessException
                | RuntimeException e) {
            throw new IllegalStateException(
                    "cannot construct "
                            + type.getName()
                            + " with "
                            + Arrays.toString(arguments)
                            + " to read its metrics; teach PipelineOperatorMetrics.sample its"
                            + " parameter types",
                    e);
        }
    }

    private static Object sample(Class<?> type) {
        if (type == String.class) {
            return "resflow-model";
        } else if (type == List.class) {
            return List.of("first", "second", "third");
        } else if (type == int.class || type == Integer.class) {
            return 1;
        } else if (type == long.class || type == Long.class) {
            return 1L;
        } else if (type == float.class || type == Float.class) {
            return 0.5f;
        } else if (type == double.class || type == Double.class) {
            return 0.5d;
        } else if (type == boolean.class || type == Boolean.class) {
            return false;
        } else if (type == Duration.class) {
            return Duration.ofSeconds(1);
        } else if (type == Path.class) {
            return Path.of("model");
        } else if (type.isEnum()) {
            return type.getEnumConstants()[0];
        }
        return null;
    }

    private static RuntimeContext runtimeContext(OperatorMetricGroup metrics, Class<?> function) {
        InvocationHandler handler =
                (proxy, method, args) -> {
                    if (method.getName().equals("getMetricGroup")) {
                        return metrics;
                    }
                    if (method.getName().equals("addAccumulator")) {
                        return null; // a job's end totals (JobTotals), not metrics
                    }
                    if (method.getDeclaringClass() == Object.class) {
                        return method.getName().equals("toString")
                                ? "RuntimeContext of " + function.getSimpleName()
                                : method.getName().equals("hashCode")
                                        ? System.identityHashCode(proxy)
                                        : proxy == args[0];
                    }
                    throw new UnsupportedOperationException(
                            "RuntimeContext."
                                    + method.getName()
                                    + " is not available while "
                                    + "reading the metrics of "
                                    + function.getName()
                                    + "; extend PipelineOperatorMetrics");
                };
        return (RuntimeContext)
                Proxy.newProxyInstance(
                        PipelineOperatorMetrics.class.getClassLoader(),
                        new Class<?>[] {RuntimeContext.class},
                        handler);
    }

    /** A metric group that records registrations and otherwise is Flink's own group. */
    private static <G extends MetricGroup> G recording(
            Class<G> face, MetricGroup real, Class<?> function, List<Registration> registrations) {
        InvocationHandler handler =
                (proxy, method, args) -> {
                    String name = method.getName();
                    if ((name.equals("counter")
                                    || name.equals("gauge")
                                    || name.equals("histogram")
                                    || name.equals("meter"))
                            && args != null
                            && args.length > 0
                            && args[0] instanceof String metricName) {
                        String scope =
                                ((AbstractMetricGroup<?>) real)
                                        .getLogicalScope(PROMETHEUS_CHARACTERS, '_');
                        Set<String> labels =
                                real.getAllVariables().keySet().stream()
                                        .map(
                                                key ->
                                                        PROMETHEUS_CHARACTERS.filterCharacters(
                                                                key.substring(1, key.length() - 1)))
                                        .collect(Collectors.toCollection(TreeSet::new));
                        registrations.add(
                                new Registration(
                                        function.getSimpleName(),
                                        metricName,
                                        name,
                                        "flink_"
                                                + scope
                                                + "_"
                                                + PROMETHEUS_CHARACTERS.filterCharacters(
                                                        metricName),
                                        labels));
                    }
                    Object result = invoke(method, real, args);
                    if (name.equals("addGroup") && result instanceof MetricGroup child) {
                        return recording(MetricGroup.class, child, function, registrations);
                    }
                    return result;
                };
        return face.cast(
                Proxy.newProxyInstance(
                        PipelineOperatorMetrics.class.getClassLoader(),
                        new Class<?>[] {face},
                        handler));
    }

    private static Object invoke(Method method, Object target, Object[] args) throws Throwable {
        try {
            return method.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }

    /**
     * Names of the pipeline module's classes (jar or folder) whose byte code mentions {@code text}.
     */
    static List<String> pipelineClassesCalling(String text) {
        Path location;
        try {
            location =
                    Path.of(
                            PipelineMetrics.class
                                    .getProtectionDomain()
                                    .getCodeSource()
                                    .getLocation()
                                    .toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
        byte[] needle = text.getBytes(StandardCharsets.UTF_8);
        Pattern pipelineClass = Pattern.compile("io/resflow/pipeline/.+\\.class");
        List<String> classes = new ArrayList<>();
        try {
            if (Files.isDirectory(location)) {
                try (Stream<Path> files = Files.walk(location)) {
                    for (Path file : files.filter(Files::isRegularFile).toList()) {
                        String name = location.relativize(file).toString().replace('\\', '/');
                        if (pipelineClass.matcher(name).matches()
                                && contains(Files.readAllBytes(file), needle)) {
                            classes.add(className(name));
                        }
                    }
                }
            } else {
                try (JarFile jar = new JarFile(location.toFile())) {
                    Enumeration<JarEntry> entries = jar.entries();
                    while (entries.hasMoreElements()) {
                        JarEntry entry = entries.nextElement();
                        if (pipelineClass.matcher(entry.getName()).matches()) {
                            try (InputStream in = jar.getInputStream(entry)) {
                                if (contains(in.readAllBytes(), needle)) {
                                    classes.add(className(entry.getName()));
                                }
                            }
                        }
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the pipeline module at " + location, e);
        }
        if (classes.isEmpty()) {
            throw new IllegalStateException(
                    "no class of the pipeline module at " + location + " calls " + text);
        }
        return classes;
    }

    private static String className(String entry) {
        return entry.substring(0, entry.length() - ".class".length()).replace('/', '.');
    }

    private static boolean contains(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }
}
