package io.resflow.runtime.tensorflow;

import ai.djl.util.ClassLoaderUtils;
import ai.djl.util.cuda.CudaUtils;
import io.resflow.runtime.cache.ResflowCache;
import io.resflow.runtime.natives.Extraction;
import io.resflow.runtime.natives.NativeLibraryExtractor;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.net.JarURLConnection;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLConnection;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Properties;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes TensorFlow's native libraries findable by DJL before its TensorFlow engine starts, without
 * ever downloading anything.
 *
 * <p>Why: the only TensorFlow 2.16.1 natives on Maven Central are the CUDA 12.1 build ({@code
 * ai.djl.tensorflow:tensorflow-native-cu121:2.16.1:linux-x86_64}). On a machine without a CUDA GPU
 * DJL ignores that jar and downloads CPU natives, which fails offline. These libraries also run on
 * CPU, so they are extracted to {@code <ResFlow
 * cache>/natives/tensorflow-2.16.1-cu121-linux-x86_64} and {@value #LIBRARY_PATH_KEY} (a system
 * property, which DJL reads) is pointed at them, GPU or not: with a GPU, TensorFlow uses it when it
 * can load its CUDA 12 libraries (it logs a warning naming any it cannot). The Kubernetes images do
 * the same at build time. Leaving the jar to DJL on GPU machines added DJL's own check of the
 * machine's CUDA version against the jar's, whose rule changed between DJL releases and whose
 * failure is a download.
 *
 * <p>In order, the first that applies wins:
 *
 * <ol>
 *   <li>{@value #LIBRARY_PATH_KEY} set as environment variable or system property: left alone (an
 *       error if it names no folder holding the JNI library, since DJL would otherwise fall back to
 *       downloading);
 *   <li>the JNI library on {@code java.library.path}: left alone;
 *   <li>otherwise: extract the jar and set the property.
 * </ol>
 *
 * <p>{@link #prepare()} does this once per JVM and is safe to call from any thread.
 */
public final class TensorFlowNativeLibraries {

    public static final String LIBRARY_PATH_KEY = "TENSORFLOW_LIBRARY_PATH";

    static final String PROPERTIES_RESOURCE = "native/lib/tensorflow.properties";
    static final String ENTRY_PREFIX = "native/lib/";
    static final String JNI_LIBRARY = System.mapLibraryName("jnitensorflow");

    private static final Logger LOG = LoggerFactory.getLogger(TensorFlowNativeLibraries.class);
    private static NativeLibrarySetup prepared; // guarded by TensorFlowNativeLibraries.class

    private final UnaryOperator<String> environment;
    private final Properties systemProperties;
    private final GpuProbe gpuProbe;
    private final ClassLoader classLoader;
    private final Path cacheRoot;

    /** What this JVM can see of CUDA, asked without starting any engine. */
    interface GpuProbe {
        int gpuCount();

        /** DJL's form: "121" for CUDA 12.1. */
        String cudaVersion();
    }

    TensorFlowNativeLibraries(
            UnaryOperator<String> environment,
            Properties systemProperties,
            GpuProbe gpuProbe,
            ClassLoader classLoader,
            Path cacheRoot) {
        this.environment = environment;
        this.systemProperties = systemProperties;
        this.gpuProbe = gpuProbe;
        this.classLoader = classLoader;
        this.cacheRoot = cacheRoot;
    }

    /**
     * Chooses and prepares the native libraries once per JVM (see the class comment); later calls
     * return the first answer. Must run before the TensorFlow engine starts: use {@link
     * TensorFlowRuntime#engine()}.
     *
     * @throws TensorFlowUnavailableException when no way works; the message lists what was tried
     */
    public static synchronized NativeLibrarySetup prepare() {
        if (prepared == null) {
            prepared =
                    new TensorFlowNativeLibraries(
                                    System::getenv,
                                    System.getProperties(),
                                    new DjlCudaProbe(),
                                    ClassLoaderUtils.getContextClassLoader(),
                                    ResflowCache.root())
                            .resolve();
        }
        return prepared;
    }

    /** The folder the CUDA natives jar is extracted to when no GPU is used. */
    static Path extractionDirectory(Path cacheRoot, BundledNatives natives) {
        return cacheRoot.resolve("natives").resolve(natives.folderName());
    }

    NativeLibrarySetup resolve() {
        List<String> tried = new ArrayList<>();

        Optional<NativeLibrarySetup> explicit = explicitLibraryPath(tried);
        if (explicit.isPresent()) {
            return explicit.get();
        }

        String javaLibraryPath = systemProperties.getProperty("java.library.path", "");
        Optional<Path> onJavaLibraryPath = findJniLibrary(javaLibraryPath);
        if (onJavaLibraryPath.isPresent()) {
            return chosen(
                    new NativeLibrarySetup(
                            NativeLibrarySetup.Source.JAVA_LIBRARY_PATH,
                            Optional.of(onJavaLibraryPath.get().getParent()),
                            JNI_LIBRARY + " is on java.library.path, where DJL looks first"));
        }
        tried.add("java.library.path has no " + JNI_LIBRARY);

        BundledNatives natives = locateBundledNatives(tried);

        int gpus = gpuCount();
        String gpuNote =
                gpus > 0
                        ? gpus
                                + " CUDA GPU(s) with CUDA "
                                + cudaVersion()
                                + " found, which TensorFlow uses if it can load its"
                                + " CUDA 12 libraries (it logs a warning naming any it cannot)"
                        : "no CUDA GPU found, TensorFlow runs on CPU";
        Path directory = extractionDirectory(cacheRoot, natives);
        try {
            Extraction extraction =
                    new NativeLibraryExtractor(natives.jarFile(), ENTRY_PREFIX)
                            .extractTo(directory);
            if (findJniLibrary(directory.toString()).isEmpty()) {
                throw new IOException(directory + " has no " + JNI_LIBRARY + " after extraction");
            }
            systemProperties.setProperty(LIBRARY_PATH_KEY, directory.toString());
            String how = extraction.extracted() ? "extracted now" : "already extracted";
            return chosen(
                    new NativeLibrarySetup(
                            NativeLibrarySetup.Source.EXTRACTED,
                            Optional.of(directory),
                            "TensorFlow "
                                    + natives.version()
                                    + " "
                                    + natives.flavor()
                                    + " natives from "
                                    + natives.jarFile()
                                    + ", "
                                    + how
                                    + "; "
                                    + LIBRARY_PATH_KEY
                                    + " set to this folder; "
                                    + gpuNote));
        } catch (IOException | RuntimeException e) {
            tried.add("extracting " + natives.jarFile() + " to " + directory + " failed: " + e);
            throw unavailable(tried, e);
        }
    }

    private Optional<NativeLibrarySetup> explicitLibraryPath(List<String> tried) {
        // DJL reads the environment variable first, then the system property.
        String fromEnvironment = environment.apply(LIBRARY_PATH_KEY);
        if (fromEnvironment != null && fromEnvironment.isBlank()) {
            // DJL takes any environment value, even an empty one, over the system property set
            // below,
            // and would then look for natives to download: fail here, saying why.
            tried.add(LIBRARY_PATH_KEY + " is set in the environment but empty");
            throw unavailable(
                    tried,
                    null,
                    "Unset "
                            + LIBRARY_PATH_KEY
                            + " (an empty value still hides the folder ResFlow extracts the natives"
                            + " to), or point it at the folder holding the TensorFlow 2.16.1"
                            + " libraries.");
        }
        String value =
                fromEnvironment != null
                        ? fromEnvironment
                        : systemProperties.getProperty(LIBRARY_PATH_KEY);
        if (value == null || value.isBlank()) {
            tried.add(LIBRARY_PATH_KEY + " is not set");
            return Optional.empty();
        }
        String origin = fromEnvironment != null ? "environment variable" : "system property";
        Optional<Path> library = findJniLibrary(value);
        if (library.isEmpty()) {
            tried.add(LIBRARY_PATH_KEY + "=" + value + " (" + origin + ") has no " + JNI_LIBRARY);
            throw unavailable(
                    tried,
                    null,
                    "Point "
                            + LIBRARY_PATH_KEY
                            + " at the folder holding the TensorFlow 2.16.1 libraries, or unset it"
                            + " so ResFlow extracts them from the class path.");
        }
        return Optional.of(
                chosen(
                        new NativeLibrarySetup(
                                NativeLibrarySetup.Source.EXPLICIT_LIBRARY_PATH,
                                Optional.of(library.get().getParent()),
                                LIBRARY_PATH_KEY + " set as " + origin + "; left as it is")));
    }

    /** The same search DJL makes: each entry is the library itself or a folder holding it. */
    static Optional<Path> findJniLibrary(String searchPath) {
        for (String entry : searchPath.split(File.pathSeparator)) {
            if (entry.isBlank()) {
                continue;
            }
            Path path = Path.of(entry);
            if (Files.isRegularFile(path) && path.getFileName().toString().endsWith(JNI_LIBRARY)) {
                return Optional.of(path.toAbsolutePath());
            }
            Path inside = path.resolve(JNI_LIBRARY);
            if (Files.isRegularFile(inside)) {
                return Optional.of(inside.toAbsolutePath());
            }
        }
        return Optional.empty();
    }

    private BundledNatives locateBundledNatives(List<String> tried) {
        String platform = systemPlatform();
        Enumeration<URL> urls;
        try {
            urls = classLoader.getResources(PROPERTIES_RESOURCE);
        } catch (IOException e) {
            tried.add("listing " + PROPERTIES_RESOURCE + " on the class path failed: " + e);
            throw unavailable(tried, e);
        }
        List<String> seen = new ArrayList<>();
        while (urls.hasMoreElements()) {
            URL url = urls.nextElement();
            try {
                BundledNatives natives = BundledNatives.read(url);
                if (!natives.classifier().endsWith(platform)) {
                    seen.add(natives.classifier() + " at " + url);
                    continue;
                }
                return natives;
            } catch (IOException | URISyntaxException | RuntimeException e) {
                seen.add(url + " (unreadable: " + e.getMessage() + ")");
            }
        }
        if (seen.isEmpty()) {
            tried.add(
                    "no "
                            + PROPERTIES_RESOURCE
                            + " on the class path: the jar"
                            + " ai.djl.tensorflow:tensorflow-native-cu121:2.16.1:linux-x86_64 is"
                            + " missing");
        } else {
            tried.add("no TensorFlow natives for " + platform + " on the class path, only " + seen);
        }
        throw unavailable(tried, null);
    }

    private String systemPlatform() {
        String os = systemProperties.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        String arch = systemProperties.getProperty("os.arch", "");
        String osPrefix =
                os.startsWith("linux")
                        ? "linux"
                        : os.startsWith("mac") ? "osx" : os.startsWith("win") ? "win" : os;
        return osPrefix + "-" + ("amd64".equals(arch) ? "x86_64" : arch);
    }

    private int gpuCount() {
        try {
            return gpuProbe.gpuCount();
        } catch (RuntimeException | LinkageError e) {
            LOG.info("Could not ask CUDA for GPUs ({}); assuming none", e.toString());
            return 0;
        }
    }

    private String cudaVersion() {
        try {
            return gpuProbe.cudaVersion();
        } catch (RuntimeException | LinkageError e) {
            LOG.info("Could not ask CUDA for its version ({})", e.toString());
            return "unknown";
        }
    }

    private static NativeLibrarySetup chosen(NativeLibrarySetup setup) {
        LOG.info("TensorFlow natives: {}", setup.describe());
        return setup;
    }

    private static TensorFlowUnavailableException unavailable(List<String> tried, Throwable cause) {
        return unavailable(
                tried,
                cause,
                "The jar ai.djl.tensorflow:tensorflow-native-cu121:2.16.1:linux-x86_64 must "
                        + "be on the class path (ResFlow never downloads natives), or "
                        + LIBRARY_PATH_KEY
                        + " must name a folder with the TensorFlow 2.16.1 libraries.");
    }

    private static TensorFlowUnavailableException unavailable(
            List<String> tried, Throwable cause, String advice) {
        String message =
                "No usable TensorFlow native libraries. Tried: "
                        + String.join("; ", tried)
                        + ". "
                        + advice;
        return cause == null
                ? new TensorFlowUnavailableException(message)
                : new TensorFlowUnavailableException(message, cause);
    }

    /**
     * A {@code native/lib/tensorflow.properties} found on the class path, and the jar holding it.
     */
    record BundledNatives(URL location, Path jarFile, String version, String classifier) {

        static BundledNatives read(URL url) throws IOException, URISyntaxException {
            URLConnection connection = url.openConnection();
            if (!(connection instanceof JarURLConnection jarConnection)) {
                throw new IOException("not inside a jar file; only jars can be extracted");
            }
            // Without this the JDK keeps the 485 MB jar open in its cache after we read one small
            // entry.
            jarConnection.setUseCaches(false);
            Properties properties = new Properties();
            try (InputStream in = jarConnection.getInputStream()) {
                properties.load(in);
            }
            String version = properties.getProperty("version");
            String classifier = properties.getProperty("classifier");
            if (version == null || classifier == null) {
                throw new IOException("no 'version' or 'classifier' in it");
            }
            return new BundledNatives(
                    url, Path.of(jarConnection.getJarFileURL().toURI()), version, classifier);
        }

        /** "cu121" from "cu121-linux-x86_64". */
        String flavor() {
            int dash = classifier.indexOf('-');
            return dash < 0 ? classifier : classifier.substring(0, dash);
        }

        /** "tensorflow-2.16.1-cu121-linux-x86_64": the release without the jar's build date. */
        String folderName() {
            int dash = version.indexOf('-');
            String release = dash < 0 ? version : version.substring(0, dash);
            return "tensorflow-" + release + "-" + classifier;
        }
    }

    /** Asks the CUDA runtime through DJL (JNA, no engine, no download). */
    private static final class DjlCudaProbe implements GpuProbe {
        @Override
        public int gpuCount() {
            return CudaUtils.getGpuCount();
        }

        @Override
        public String cudaVersion() {
            return CudaUtils.getCudaVersionString();
        }
    }
}
