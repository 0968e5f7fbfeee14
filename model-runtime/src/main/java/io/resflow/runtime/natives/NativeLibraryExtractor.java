package io.resflow.runtime.natives;

import ai.djl.util.Utils;
import io.resflow.runtime.files.SharedFolders;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.Enumeration;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Copies the files below one folder of a jar (for example {@code native/lib/}) into a folder on
 * disk, once.
 *
 * <p>The copy is written to a temporary sibling folder and renamed into place only when every file
 * is there, with a marker file listing each file and its size. A folder without a valid marker (a
 * crash mid-extraction, a file deleted since) is never trusted: it is removed and extracted again.
 * Threads of one JVM and separate processes sharing the folder take turns through a lock file next
 * to it, so two JVMs starting together extract once.
 *
 * <pre>{@code
 * Extraction result = new NativeLibraryExtractor(jar, "native/lib/").extractTo(cacheDir);
 * // result.directory() now holds the files; result.extracted() is false on later calls
 * }</pre>
 */
public final class NativeLibraryExtractor {

    /** Written last, inside the folder: "size TAB name" per extracted file. */
    public static final String MARKER_FILE = ".resflow-extraction-complete";

    private static final Logger LOG = LoggerFactory.getLogger(NativeLibraryExtractor.class);
    private static final int BUFFER_SIZE = 1 << 20;
    // A FileLock belongs to the whole JVM: a second thread asking for it gets an exception instead
    // of
    // waiting, so threads of this JVM queue here first.
    private static final Object JVM_LOCK = new Object();

    private final Path jarFile;
    private final String entryPrefix;

    /**
     * @param jarFile the jar (any zip file) to copy from
     * @param entryPrefix the folder inside the jar, ending with '/', e.g. {@code native/lib/}
     */
    public NativeLibraryExtractor(Path jarFile, String entryPrefix) {
        this.jarFile = Objects.requireNonNull(jarFile, "jarFile");
        Objects.requireNonNull(entryPrefix, "entryPrefix");
        if (!entryPrefix.endsWith("/") || entryPrefix.startsWith("/")) {
            throw new IllegalArgumentException(
                    "entryPrefix must be a folder inside the jar such as 'native/lib/', got '"
                            + entryPrefix
                            + "'");
        }
        this.entryPrefix = entryPrefix;
    }

    public Path jarFile() {
        return jarFile;
    }

    /**
     * Makes {@code targetDir} hold exactly the files below the entry prefix, extracting only when
     * it does not already (see the class comment).
     *
     * @throws IOException when the jar cannot be read, has no files below the prefix, or the folder
     *     cannot be written
     */
    @SuppressWarnings("try") // the lock is held by being open, never read
    public Extraction extractTo(Path targetDir) throws IOException {
        Path target = targetDir.toAbsolutePath().normalize();
        Instant start = Instant.now();
        Map<String, Long> expected = listFiles();
        if (isComplete(target, expected)) {
            LOG.debug(
                    "{} is already complete (marker {} matches {})", target, MARKER_FILE, jarFile);
            return new Extraction(target, false, 0, Duration.between(start, Instant.now()));
        }
        Path parent = target.getParent();
        Files.createDirectories(parent);
        synchronized (JVM_LOCK) {
            Path lockFile = parent.resolve(target.getFileName() + ".lock");
            try (FileChannel channel =
                            FileChannel.open(
                                    lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                    FileLock lock = lockOrWait(channel, lockFile)) {
                if (isComplete(target, expected)) {
                    LOG.info(
                            "{} was completed by another thread or process while this one waited;"
                                    + " using it",
                            target);
                    return new Extraction(target, false, 0, Duration.between(start, Instant.now()));
                }
                removeLeftovers(target);
                long bytes = extractLocked(target, expected);
                Duration took = Duration.between(start, Instant.now());
                LOG.info(
                        "Extracted {} files ({} MB) from {} to {} in {} s",
                        expected.size(),
                        bytes >> 20,
                        jarFile,
                        target,
                        String.format("%.1f", took.toMillis() / 1000.0));
                return new Extraction(target, true, bytes, took);
            }
        }
    }

    /**
     * True when {@code targetDir} holds every file below the entry prefix with its size, and the
     * marker.
     */
    public boolean isComplete(Path targetDir) throws IOException {
        return isComplete(targetDir.toAbsolutePath().normalize(), listFiles());
    }

    private static FileLock lockOrWait(FileChannel channel, Path lockFile) throws IOException {
        FileLock lock = channel.tryLock();
        if (lock != null) {
            return lock;
        }
        LOG.info("Another process is extracting next to {}; waiting for it to finish", lockFile);
        return channel.lock();
    }

    /**
     * Relative file name to uncompressed size (-1 when the jar does not say), for the entries to
     * copy.
     */
    private Map<String, Long> listFiles() throws IOException {
        Map<String, Long> files = new TreeMap<>();
        try (ZipFile zip = openJar()) {
            Enumeration<? extends ZipEntry> entries = zip.entries();
            while (entries.hasMoreElements()) {
                ZipEntry entry = entries.nextElement();
                if (isWanted(entry)) {
                    files.put(entry.getName().substring(entryPrefix.length()), entry.getSize());
                }
            }
        }
        if (files.isEmpty()) {
            throw new IOException(
                    jarFile + " has no files below '" + entryPrefix + "'; is it the right jar?");
        }
        return files;
    }

    private ZipFile openJar() throws IOException {
        if (!Files.isRegularFile(jarFile)) {
            throw new NoSuchFileException(
                    jarFile.toString(),
                    null,
                    "the jar to extract native libraries from is missing");
        }
        return new ZipFile(jarFile.toFile());
    }

    private boolean isWanted(ZipEntry entry) {
        return !entry.isDirectory()
                && entry.getName().startsWith(entryPrefix)
                && entry.getName().length() > entryPrefix.length();
    }

    private static boolean isComplete(Path target, Map<String, Long> expected) throws IOException {
        Path marker = target.resolve(MARKER_FILE);
        if (!Files.isRegularFile(marker)) {
            return false;
        }
        Map<String, Long> recorded = readMarker(marker);
        if (!recorded.keySet().equals(expected.keySet())) {
            return false;
        }
        for (Map.Entry<String, Long> file : recorded.entrySet()) {
            Path path = target.resolve(file.getKey());
            long expectedSize = expected.get(file.getKey());
            if (!Files.isRegularFile(path)
                    || Files.size(path) != file.getValue()
                    || (expectedSize >= 0 && expectedSize != file.getValue())) {
                return false;
            }
        }
        return true;
    }

    private static Map<String, Long> readMarker(Path marker) throws IOException {
        Map<String, Long> recorded = new TreeMap<>();
        try (BufferedReader reader = Files.newBufferedReader(marker, StandardCharsets.UTF_8)) {
            String line;
            while ((line = reader.readLine()) != null) {
                if (line.isBlank() || line.startsWith("#")) {
                    continue;
                }
                int tab = line.indexOf('\t');
                if (tab < 0) {
                    return Map.of(); // not written by us: treat as no marker
                }
                try {
                    recorded.put(line.substring(tab + 1), Long.parseLong(line.substring(0, tab)));
                } catch (NumberFormatException e) {
                    return Map.of();
                }
            }
        }
        return recorded;
    }

    private static void removeLeftovers(Path target) throws IOException {
        String tempPrefix = tempPrefix(target);
        try (DirectoryStream<Path> siblings =
                Files.newDirectoryStream(target.getParent(), tempPrefix + "*")) {
            for (Path stale : siblings) {
                LOG.info("Removing {}, left by an extraction that did not finish", stale);
                Utils.deleteQuietly(stale);
            }
        }
        if (Files.exists(target)) {
            LOG.warn(
                    "{} exists but has no valid {} marker (an extraction was interrupted, or files"
                            + " changed since); extracting it again",
                    target,
                    MARKER_FILE);
            Utils.deleteQuietly(target);
            if (Files.exists(target)) {
                throw new IOException(
                        "Could not remove the incomplete folder " + target + "; delete it by hand");
            }
        }
    }

    private static String tempPrefix(Path target) {
        return "." + target.getFileName() + ".tmp-";
    }

    private long extractLocked(Path target, Map<String, Long> expected) throws IOException {
        Path temp = Files.createTempDirectory(target.getParent(), tempPrefix(target));
        try {
            // A cache folder shared through RESFLOW_CACHE_DIR must not stay private to its owner.
            SharedFolders.openToOtherUsers(temp);
            Progress progress =
                    new Progress(
                            expected.values().stream().mapToLong(size -> Math.max(size, 0)).sum());
            LOG.info(
                    "Extracting {} files ({} MB) from {} to {} ...",
                    expected.size(),
                    progress.total >> 20,
                    jarFile,
                    target);
            Map<String, Long> written = new TreeMap<>();
            try (ZipFile zip = openJar()) {
                Enumeration<? extends ZipEntry> entries = zip.entries();
                while (entries.hasMoreElements()) {
                    ZipEntry entry = entries.nextElement();
                    if (isWanted(entry)) {
                        String name = entry.getName().substring(entryPrefix.length());
                        written.put(name, copy(zip, entry, resolveInside(temp, name), progress));
                    }
                }
            }
            writeMarker(temp, written);
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
            return progress.done;
        } finally {
            if (Files.exists(temp)) {
                Utils.deleteQuietly(temp);
            }
        }
    }

    /** Refuses entry names such as {@code ../x} that would write outside the folder. */
    private Path resolveInside(Path folder, String name) throws IOException {
        Path path = folder.resolve(name).normalize();
        if (!path.startsWith(folder)) {
            throw new IOException(
                    jarFile
                            + ": entry '"
                            + entryPrefix
                            + name
                            + "' points outside the target folder");
        }
        return path;
    }

    // A copy loop of our own (not Files.copy) so the progress of a 1 GB extraction can be logged.
    private static long copy(ZipFile zip, ZipEntry entry, Path destination, Progress progress)
            throws IOException {
        Files.createDirectories(destination.getParent());
        long count = 0;
        byte[] buffer = new byte[BUFFER_SIZE];
        try (InputStream in = zip.getInputStream(entry);
                OutputStream out = Files.newOutputStream(destination)) {
            int read;
            while ((read = in.read(buffer)) >= 0) {
                out.write(buffer, 0, read);
                count += read;
                progress.advance(read);
            }
        }
        return count;
    }

    private void writeMarker(Path folder, Map<String, Long> written) throws IOException {
        StringBuilder text =
                new StringBuilder()
                        .append(
                                "# Extraction finished; without this file the folder is extracted"
                                        + " again.\n")
                        .append("# source: ")
                        .append(jarFile)
                        .append('\n')
                        .append("# finished: ")
                        .append(Instant.now())
                        .append('\n');
        written.forEach((name, size) -> text.append(size).append('\t').append(name).append('\n'));
        Files.writeString(folder.resolve(MARKER_FILE), text, StandardCharsets.UTF_8);
    }

    /** Logs each further tenth of the bytes written. */
    private static final class Progress {
        private final long total;
        private long done;
        private int loggedTenths;

        Progress(long total) {
            this.total = total;
        }

        void advance(long bytes) {
            done += bytes;
            if (total <= 0) {
                return;
            }
            int tenths = (int) Math.min(10, done * 10 / total);
            if (tenths > loggedTenths) {
                loggedTenths = tenths;
                LOG.info("  extracting: {}% ({} of {} MB)", tenths * 10, done >> 20, total >> 20);
            }
        }
    }
}
