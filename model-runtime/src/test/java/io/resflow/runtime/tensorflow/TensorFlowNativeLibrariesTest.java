package io.resflow.runtime.tensorflow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.resflow.runtime.natives.NativeLibraryExtractor;
import io.resflow.runtime.natives.TestJars;
import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The choice of native libraries, with a small stand-in for the CUDA natives jar and a fake GPU
 * probe.
 */
class TensorFlowNativeLibrariesTest {

    @TempDir Path temp;

    private final Map<String, String> environment = new HashMap<>();
    private final Properties properties = new Properties();
    private Path cacheRoot;
    private URLClassLoader withNativesJar;
    private Path nativesJar;

    @BeforeEach
    void setUp() throws IOException {
        properties.setProperty("os.name", "Linux");
        properties.setProperty("os.arch", "amd64");
        properties.setProperty("java.library.path", temp.resolve("empty-library-path").toString());
        cacheRoot = temp.resolve("cache");
        Map<String, byte[]> entries = new LinkedHashMap<>();
        entries.put("native/lib/libtensorflow_framework.so.2", bytes("framework"));
        entries.put(
                "native/lib/tensorflow.properties",
                bytes(
                        "version=2.16.1-20240627\nclassifier=cu121-linux-x86_64\n"
                                + "libraries=libjnitensorflow.so,libtensorflow_framework.so.2\n"));
        entries.put("native/lib/libjnitensorflow.so", bytes("jni"));
        nativesJar =
                TestJars.write(
                        temp.resolve("tensorflow-native-cu121-2.16.1-linux-x86_64.jar"), entries);
        withNativesJar = new URLClassLoader(new URL[] {nativesJar.toUri().toURL()}, null);
    }

    @AfterEach
    void closeLoader() throws IOException {
        withNativesJar.close();
    }

    @Test
    void withoutGpuTheJarIsExtractedAndThePropertySet() {
        NativeLibrarySetup setup = libraries(0, "none", withNativesJar).resolve();

        Path expected = cacheRoot.resolve("natives/tensorflow-2.16.1-cu121-linux-x86_64");
        assertThat(setup.source()).isEqualTo(NativeLibrarySetup.Source.EXTRACTED);
        assertThat(setup.libraryDirectory()).contains(expected);
        assertThat(setup.reason()).contains("no CUDA GPU found").contains(nativesJar.toString());
        assertThat(properties.getProperty(TensorFlowNativeLibraries.LIBRARY_PATH_KEY))
                .isEqualTo(expected.toString());
        assertThat(expected.resolve("libjnitensorflow.so")).hasContent("jni");
        assertThat(expected.resolve(NativeLibraryExtractor.MARKER_FILE)).isRegularFile();

        // A later JVM finds the folder complete and only sets the property.
        properties.remove(TensorFlowNativeLibraries.LIBRARY_PATH_KEY);
        NativeLibrarySetup nextJvm = libraries(0, "none", withNativesJar).resolve();
        assertThat(nextJvm.reason()).contains("already extracted");
        assertThat(properties.getProperty(TensorFlowNativeLibraries.LIBRARY_PATH_KEY))
                .isEqualTo(expected.toString());
    }

    /**
     * With GPUs the same folder: the jar is TensorFlow's GPU build, which uses them when CUDA's
     * libraries load, and DJL's own check of the CUDA version (whose failure is a download) never
     * runs.
     */
    @Test
    void withGpusOfAnyCudaVersionTheSameNativesAreExtracted() {
        for (String cuda : new String[] {"124", "120", "118"}) {
            properties.remove(TensorFlowNativeLibraries.LIBRARY_PATH_KEY);
            NativeLibrarySetup setup = libraries(2, cuda, withNativesJar).resolve();

            Path expected = cacheRoot.resolve("natives/tensorflow-2.16.1-cu121-linux-x86_64");
            assertThat(setup.source()).isEqualTo(NativeLibrarySetup.Source.EXTRACTED);
            assertThat(setup.reason()).contains("2 CUDA GPU(s) with CUDA " + cuda + " found");
            assertThat(properties.getProperty(TensorFlowNativeLibraries.LIBRARY_PATH_KEY))
                    .isEqualTo(expected.toString());
        }
    }

    @Test
    void anExplicitLibraryPathIsLeftAlone() throws IOException {
        Path folder = Files.createDirectories(temp.resolve("my-tf"));
        Files.writeString(folder.resolve("libjnitensorflow.so"), "jni");
        environment.put(TensorFlowNativeLibraries.LIBRARY_PATH_KEY, folder.toString());

        NativeLibrarySetup setup = libraries(0, "none", withNativesJar).resolve();

        assertThat(setup.source()).isEqualTo(NativeLibrarySetup.Source.EXPLICIT_LIBRARY_PATH);
        assertThat(setup.libraryDirectory()).contains(folder.toAbsolutePath());
        assertThat(setup.reason()).contains("environment variable");
        assertThat(properties.getProperty(TensorFlowNativeLibraries.LIBRARY_PATH_KEY)).isNull();
        assertThat(cacheRoot).doesNotExist();
    }

    @Test
    void anExplicitSystemPropertyIsLeftAlone() throws IOException {
        Path folder = Files.createDirectories(temp.resolve("my-tf"));
        Files.writeString(folder.resolve("libjnitensorflow.so"), "jni");
        properties.setProperty(TensorFlowNativeLibraries.LIBRARY_PATH_KEY, folder.toString());

        NativeLibrarySetup setup = libraries(0, "none", withNativesJar).resolve();

        assertThat(setup.source()).isEqualTo(NativeLibrarySetup.Source.EXPLICIT_LIBRARY_PATH);
        assertThat(setup.reason()).contains("system property");
        assertThat(properties.getProperty(TensorFlowNativeLibraries.LIBRARY_PATH_KEY))
                .isEqualTo(folder.toString());
    }

    @Test
    void anExplicitPathWithoutTheLibraryIsAnErrorNotADownload() {
        environment.put(
                TensorFlowNativeLibraries.LIBRARY_PATH_KEY, temp.resolve("nowhere").toString());

        assertThatThrownBy(() -> libraries(0, "none", withNativesJar).resolve())
                .isInstanceOf(TensorFlowUnavailableException.class)
                .hasMessageContaining("TENSORFLOW_LIBRARY_PATH=" + temp.resolve("nowhere"))
                .hasMessageContaining("has no libjnitensorflow.so");
    }

    @Test
    void anEmptyEnvironmentVariableIsAnErrorBecauseDjlWouldPreferItToTheExtractedFolder() {
        environment.put(TensorFlowNativeLibraries.LIBRARY_PATH_KEY, "");

        assertThatThrownBy(() -> libraries(0, "none", withNativesJar).resolve())
                .isInstanceOf(TensorFlowUnavailableException.class)
                .hasMessageContaining("set in the environment but empty")
                .hasMessageContaining("Unset TENSORFLOW_LIBRARY_PATH");
        assertThat(properties.getProperty(TensorFlowNativeLibraries.LIBRARY_PATH_KEY)).isNull();
    }

    @Test
    void theLibraryOnJavaLibraryPathIsLeftAlone() throws IOException {
        Path folder = Files.createDirectories(temp.resolve("jlp"));
        Files.writeString(folder.resolve("libjnitensorflow.so"), "jni");
        properties.setProperty("java.library.path", "/nonexistent:" + folder);

        NativeLibrarySetup setup = libraries(0, "none", withNativesJar).resolve();

        assertThat(setup.source()).isEqualTo(NativeLibrarySetup.Source.JAVA_LIBRARY_PATH);
        assertThat(setup.libraryDirectory()).contains(folder.toAbsolutePath());
    }

    @Test
    void noNativesJarIsAClearErrorListingWhatWasTried() throws IOException {
        try (URLClassLoader empty = new URLClassLoader(new URL[0], null)) {
            assertThatThrownBy(() -> libraries(0, "none", empty).resolve())
                    .isInstanceOf(TensorFlowUnavailableException.class)
                    .hasMessageContaining("TENSORFLOW_LIBRARY_PATH is not set")
                    .hasMessageContaining("java.library.path has no libjnitensorflow.so")
                    .hasMessageContaining("tensorflow-native-cu121:2.16.1:linux-x86_64 is missing")
                    .hasMessageContaining("never downloads");
        }
    }

    @Test
    void nativesForAnotherPlatformAreNotUsed() {
        properties.setProperty("os.arch", "aarch64");

        assertThatThrownBy(() -> libraries(0, "none", withNativesJar).resolve())
                .isInstanceOf(TensorFlowUnavailableException.class)
                .hasMessageContaining("no TensorFlow natives for linux-aarch64")
                .hasMessageContaining("cu121-linux-x86_64");
    }

    private TensorFlowNativeLibraries libraries(int gpus, String cudaVersion, ClassLoader loader) {
        TensorFlowNativeLibraries.GpuProbe probe =
                new TensorFlowNativeLibraries.GpuProbe() {
                    @Override
                    public int gpuCount() {
                        return gpus;
                    }

                    @Override
                    public String cudaVersion() {
                        return cudaVersion;
                    }
                };
        return new TensorFlowNativeLibraries(
                environment::get, properties, probe, loader, cacheRoot);
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
