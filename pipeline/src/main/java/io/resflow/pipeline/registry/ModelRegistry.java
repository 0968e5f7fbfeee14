package io.resflow.pipeline.registry;

import io.resflow.runtime.metadata.ModelMetadata;
import io.resflow.runtime.metadata.ModelMetadataException;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import org.apache.flink.core.fs.FileStatus;
import org.apache.flink.core.fs.FileSystem;
import org.apache.flink.core.fs.Path;

/**
 * Versioned SavedModels under one root, {@code <root>/<model-name>/<version>/}, each with its
 * {@code assets/resflow-model.json}. Read and written through Flink's {@link FileSystem}, so a
 * local folder, a Kubernetes volume and S3 ({@code s3://bucket/models}, with Flink's S3 plugin)
 * work alike. Versions are whole numbers, the next one past the highest.
 *
 * <pre>{@code
 * ModelRegistry registry = ModelRegistry.at("file:///srv/models");
 * String version = registry.register("fashion-resnet", Path.of("runs/7/saved-model"));
 * Path folder = registry.location("fashion-resnet", version);
 * }</pre>
 */
public final class ModelRegistry {

    private final Path root;

    private ModelRegistry(Path root) {
        this.root = root;
    }

    /** The registry at a URI ({@code s3://bucket/models}) or a local path. */
    public static ModelRegistry at(String root) {
        if (root == null || root.isBlank()) {
            throw new IllegalArgumentException("a model registry needs a root folder or URI");
        }
        return new ModelRegistry(new Path(root));
    }

    /** The registry in a local folder. */
    public static ModelRegistry at(java.nio.file.Path root) {
        return new ModelRegistry(new Path(root.toAbsolutePath().toUri()));
    }

    public Path root() {
        return root;
    }

    /** Where a version's SavedModel folder is (whether or not it exists). */
    public Path location(String model, String version) {
        requireName("model name", model);
        requireName("version", version);
        return new Path(new Path(root, model), version);
    }

    /** The models in the registry, by name. */
    public List<String> models() throws IOException {
        return folders(root);
    }

    /** A model's versions, oldest first (whole numbers in order, others after them by name). */
    public List<String> versions(String model) throws IOException {
        requireName("model name", model);
        List<String> versions = folders(new Path(root, model));
        versions.sort(
                Comparator.comparing((String v) -> number(v).isEmpty())
                        .thenComparing(v -> number(v).orElse(0L))
                        .thenComparing(Comparator.naturalOrder()));
        return versions;
    }

    /** The version {@link #register} would give a model next: one past its highest, from 1. */
    public String nextVersion(String model) throws IOException {
        long highest = 0;
        for (String version : versions(model)) {
            highest = Math.max(highest, number(version).orElse(0L));
        }
        return Long.toString(highest + 1);
    }

    /**
     * Copies a local SavedModel into the registry as the model's next version, after checking its
     * metadata parses; the copy's metadata names {@code model} and the new version, so predictions
     * name what the registry calls it.
     *
     * @return the new version
     * @throws ModelMetadataException the SavedModel has no readable metadata
     */
    public String register(String model, java.nio.file.Path savedModel) throws IOException {
        requireName("model name", model);
        ModelMetadata metadata = ModelMetadata.read(savedModel);
        if (!Files.isRegularFile(savedModel.resolve("saved_model.pb"))) {
            throw new FileNotFoundException(
                    savedModel + " holds no saved_model.pb: not a TensorFlow SavedModel");
        }
        String version = nextVersion(model);
        Path target = location(model, version);
        FileSystem fs = target.getFileSystem();
        if (!fs.mkdirs(target)) {
            throw new IOException("cannot create " + target);
        }
        copyIn(savedModel, target, fs);
        String json = metadata.toBuilder().setName(model).setVersion(version).build().toJson();
        Path metadataFile = new Path(target, ModelMetadata.RELATIVE_PATH);
        try (OutputStream out = fs.create(metadataFile, FileSystem.WriteMode.OVERWRITE)) {
            out.write((json + "\n").getBytes(StandardCharsets.UTF_8));
        }
        return version;
    }

    /**
     * The metadata of the SavedModel at {@code location}.
     *
     * @throws FileNotFoundException the folder does not exist
     * @throws ModelMetadataException it has no metadata file, or one that does not parse
     */
    public static ModelMetadata metadata(Path location) throws IOException {
        FileSystem fs = location.getFileSystem();
        if (!fs.exists(location)) {
            throw new FileNotFoundException("no SavedModel folder at " + location);
        }
        Path file = new Path(location, ModelMetadata.RELATIVE_PATH);
        java.nio.file.Path named = java.nio.file.Path.of(file.getPath());
        if (!fs.exists(file)) {
            throw new ModelMetadataException(named, "metadata file is missing");
        }
        try (InputStream in = fs.open(file)) {
            return ModelMetadata.parse(
                    new String(in.readAllBytes(), StandardCharsets.UTF_8), named);
        }
    }

    /**
     * A local folder holding the SavedModel at {@code location}: the folder itself on a local file
     * system, else a copy under {@code cache} (TensorFlow reads local files only).
     */
    public static java.nio.file.Path localFolder(Path location, java.nio.file.Path cache)
            throws IOException {
        FileSystem fs = location.getFileSystem();
        if (!fs.isDistributedFS() && "file".equals(fs.getUri().getScheme())) {
            return java.nio.file.Path.of(location.toUri().getPath());
        }
        java.nio.file.Path target = Files.createTempDirectory(cache, "model-");
        copyOut(fs, location, target);
        return target;
    }

    private static void copyIn(java.nio.file.Path from, Path to, FileSystem fs) throws IOException {
        try (var entries = Files.list(from)) {
            for (java.nio.file.Path entry : entries.toList()) {
                Path target = new Path(to, entry.getFileName().toString());
                if (Files.isDirectory(entry)) {
                    fs.mkdirs(target);
                    copyIn(entry, target, fs);
                } else {
                    try (OutputStream out = fs.create(target, FileSystem.WriteMode.OVERWRITE)) {
                        Files.copy(entry, out);
                    }
                }
            }
        }
    }

    private static void copyOut(FileSystem fs, Path from, java.nio.file.Path to)
            throws IOException {
        for (FileStatus status : fs.listStatus(from)) {
            java.nio.file.Path target = to.resolve(status.getPath().getName());
            if (status.isDir()) {
                Files.createDirectories(target);
                copyOut(fs, status.getPath(), target);
            } else {
                try (InputStream in = fs.open(status.getPath())) {
                    Files.copy(in, target);
                }
            }
        }
    }

    private static List<String> folders(Path parent) throws IOException {
        FileSystem fs = parent.getFileSystem();
        List<String> names = new ArrayList<>();
        if (!fs.exists(parent)) {
            return names;
        }
        for (FileStatus status : fs.listStatus(parent)) {
            if (status.isDir()) {
                names.add(status.getPath().getName());
            }
        }
        names.sort(Comparator.naturalOrder());
        return names;
    }

    private static Optional<Long> number(String version) {
        try {
            return Optional.of(Long.parseLong(version));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    private static void requireName(String what, String name) {
        if (name == null
                || name.isBlank()
                || name.contains("/")
                || name.contains("\\")
                || name.equals(".")
                || name.equals("..")) {
            throw new IllegalArgumentException(
                    "a " + what + " is one folder name (no slashes, not . or ..), got " + name);
        }
    }

    @Override
    public String toString() {
        return "model registry at " + root;
    }

    /** {@code location} as a URI string, the form control records carry. */
    public static String uri(Path location) {
        URI uri = location.toUri();
        return uri.getScheme() == null ? "file://" + uri.getPath() : uri.toString();
    }
}
