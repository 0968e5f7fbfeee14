package io.resflow.runtime.natives;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NativeLibraryExtractorTest {

    @TempDir Path temp;

    private Path jar;
    private byte[] bigLibrary;
    private Path target;

    @BeforeEach
    void writeJar() throws IOException {
        bigLibrary = new byte[3 << 20];
        new Random(42).nextBytes(bigLibrary);
        Map<String, byte[]> entries = new LinkedHashMap<>();
        entries.put("META-INF/MANIFEST.MF", bytes("Manifest-Version: 1.0\n"));
        entries.put("native/lib/libfoo.so.2", bigLibrary);
        entries.put("native/lib/libjnifoo.so", bytes("jni"));
        entries.put("native/lib/foo.properties", bytes("version=1.0\n"));
        entries.put("native/other/ignored.txt", bytes("not below the prefix"));
        entries.put("org/example/Some.class", bytes("cafebabe"));
        jar = TestJars.write(temp.resolve("m2/foo-natives.jar"), entries);
        target = temp.resolve("cache/natives/foo-1.0");
    }

    @Test
    void extractsOnlyTheFilesBelowThePrefixWithAMarker() throws IOException {
        Extraction extraction = new NativeLibraryExtractor(jar, "native/lib/").extractTo(target);

        assertThat(extraction.extracted()).isTrue();
        assertThat(extraction.directory()).isEqualTo(target.toAbsolutePath());
        assertThat(extraction.bytes()).isEqualTo(bigLibrary.length + 3 + 12);
        assertThat(target.resolve("libfoo.so.2")).hasBinaryContent(bigLibrary);
        assertThat(target.resolve("libjnifoo.so")).hasContent("jni");
        assertThat(target.resolve("foo.properties")).hasContent("version=1.0");
        assertThat(target.resolve(NativeLibraryExtractor.MARKER_FILE)).isRegularFile();
        assertThat(list(target))
                .containsExactlyInAnyOrder(
                        "libfoo.so.2",
                        "libjnifoo.so",
                        "foo.properties",
                        NativeLibraryExtractor.MARKER_FILE);
        assertThat(list(target.getParent())).containsExactlyInAnyOrder("foo-1.0", "foo-1.0.lock");
        // readable by other users sharing a cache folder, unlike a fresh temporary folder
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(target)))
                .isEqualTo("rwxr-xr-x");
    }

    @Test
    void secondCallIsANoOp() throws IOException {
        NativeLibraryExtractor extractor = new NativeLibraryExtractor(jar, "native/lib/");
        extractor.extractTo(target);
        FileTime written = Files.getLastModifiedTime(target.resolve("libfoo.so.2"));
        Files.setLastModifiedTime(
                target.resolve("libfoo.so.2"), FileTime.fromMillis(written.toMillis() - 60_000));

        Extraction again = extractor.extractTo(target);

        assertThat(again.extracted()).isFalse();
        assertThat(again.bytes()).isZero();
        assertThat(Files.getLastModifiedTime(target.resolve("libfoo.so.2")).toMillis())
                .isEqualTo(written.toMillis() - 60_000);
        assertThat(extractor.isComplete(target)).isTrue();
    }

    @Test
    void aFolderWithoutMarkerIsExtractedAgain() throws IOException {
        // What a crash in the middle of an older, non-atomic extraction would leave.
        Files.createDirectories(target);
        Files.write(target.resolve("libfoo.so.2"), new byte[1000]);
        NativeLibraryExtractor extractor = new NativeLibraryExtractor(jar, "native/lib/");
        assertThat(extractor.isComplete(target)).isFalse();

        Extraction extraction = extractor.extractTo(target);

        assertThat(extraction.extracted()).isTrue();
        assertThat(target.resolve("libfoo.so.2")).hasBinaryContent(bigLibrary);
        assertThat(extractor.isComplete(target)).isTrue();
    }

    @Test
    void aFileThatChangedSizeSinceIsExtractedAgain() throws IOException {
        NativeLibraryExtractor extractor = new NativeLibraryExtractor(jar, "native/lib/");
        extractor.extractTo(target);
        Files.write(target.resolve("libfoo.so.2"), new byte[10]);
        assertThat(extractor.isComplete(target)).isFalse();

        assertThat(extractor.extractTo(target).extracted()).isTrue();
        assertThat(target.resolve("libfoo.so.2")).hasBinaryContent(bigLibrary);
    }

    @Test
    void aTemporaryFolderLeftByACrashIsRemoved() throws IOException {
        Path stale = Files.createDirectories(target.resolveSibling(".foo-1.0.tmp-12345"));
        Files.writeString(stale.resolve("libfoo.so.2"), "half");

        new NativeLibraryExtractor(jar, "native/lib/").extractTo(target);

        assertThat(stale).doesNotExist();
    }

    @Test
    void threadsExtractingAtOnceExtractOnce() throws Exception {
        int threads = 4;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<Extraction>> results = new ArrayList<>();
            for (int i = 0; i < threads; i++) {
                results.add(
                        pool.submit(
                                () -> {
                                    start.await();
                                    return new NativeLibraryExtractor(jar, "native/lib/")
                                            .extractTo(target);
                                }));
            }
            start.countDown();
            int extracted = 0;
            for (Future<Extraction> result : results) {
                extracted += result.get().extracted() ? 1 : 0;
            }
            assertThat(extracted).isEqualTo(1);
            assertThat(target.resolve("libfoo.so.2")).hasBinaryContent(bigLibrary);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aMissingJarOrEmptyPrefixIsAClearError() {
        assertThatThrownBy(
                        () ->
                                new NativeLibraryExtractor(
                                                temp.resolve("missing.jar"), "native/lib/")
                                        .extractTo(target))
                .isInstanceOf(NoSuchFileException.class)
                .hasMessageContaining("missing.jar");
        assertThatThrownBy(
                        () -> new NativeLibraryExtractor(jar, "native/nothing/").extractTo(target))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("has no files below 'native/nothing/'");
        assertThatThrownBy(() -> new NativeLibraryExtractor(jar, "native/lib"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("native/lib/");
        assertThat(target).doesNotExist();
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static List<String> list(Path folder) throws IOException {
        try (var files = Files.list(folder)) {
            return files.map(path -> path.getFileName().toString()).toList();
        }
    }
}
