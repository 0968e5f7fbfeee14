package io.resflow.k8s.manifests;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import io.fabric8.kubernetes.api.model.HasMetadata;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Every file of a k8s/ folder, parsed into typed models, following the kustomizations: a {@code
 * kustomization.yaml} into {@link Kustomization}, the files its {@code resources} and {@code
 * patches} name into fabric8, Strimzi, Flink operator and Prometheus Operator classes ({@link
 * ResourceKinds}) or, for a patch that is a list of operations, into a {@link JsonPatch}, its
 * {@code configurations} into transformer configs, and the files of its {@code configMapGenerator}
 * (the Grafana dashboard) as JSON. A file no kustomization names is a problem too: {@code kubectl
 * apply -k} would silently leave it out.
 *
 * <p>Loading never throws for what it finds in the files; it collects {@link #problems()}.
 */
public final class ManifestTree {

    private static final Set<String> KUSTOMIZATION_FILES =
            Set.of("kustomization.yaml", "kustomization.yml", "Kustomization");

    private final Path root;
    // Shared: building Jackson's deserializers for the Kubernetes models is the slow part of a
    // load.
    private static final ObjectMapper yaml = StrictMapping.yaml();
    private static final ObjectMapper json = StrictMapping.json();
    private final Map<Path, Kustomization> kustomizations = new LinkedHashMap<>();
    private final Map<Path, Kustomization.TransformerConfig> transformerConfigs =
            new LinkedHashMap<>();
    private final Map<Path, JsonNode> generatedFiles = new LinkedHashMap<>();
    private final List<Manifest> manifests = new ArrayList<>();
    private final List<JsonPatch> jsonPatches = new ArrayList<>();
    private final List<Problem> problems = new ArrayList<>();

    private ManifestTree(Path root) {
        this.root = root.toAbsolutePath().normalize();
    }

    /** Loads every kustomization under {@code root} and everything they name. */
    public static ManifestTree load(Path root) {
        ManifestTree tree = new ManifestTree(root);
        tree.loadAll();
        return tree;
    }

    public Path root() {
        return root;
    }

    /**
     * Kustomizations by their folder, relative to the root ({@code base}, {@code overlays/gpu},
     * ...).
     */
    public Map<Path, Kustomization> kustomizations() {
        return kustomizations;
    }

    public Map<Path, Kustomization.TransformerConfig> transformerConfigs() {
        return transformerConfigs;
    }

    /**
     * Files of configMapGenerators that are JSON (Grafana dashboards), by path relative to the
     * root.
     */
    public Map<Path, JsonNode> generatedFiles() {
        return generatedFiles;
    }

    /** Every object of every resource and patch file. */
    public List<Manifest> manifests() {
        return manifests;
    }

    /** The JSON 6902 patches (lists of operations), which have no typed object of their own. */
    public List<JsonPatch> jsonPatches() {
        return jsonPatches;
    }

    /** Resources only (no patches) of a kind, e.g. {@code resources(KafkaTopic.class)}. */
    public <T extends HasMetadata> List<T> resources(Class<T> type) {
        return manifests.stream()
                .filter(m -> !m.patch() && m.is(type))
                .map(m -> m.as(type))
                .toList();
    }

    /** Resources and patches of a kind, with their files. */
    public List<Manifest> all(Class<? extends HasMetadata> type) {
        return manifests.stream().filter(m -> m.is(type)).toList();
    }

    public List<Problem> problems() {
        return problems;
    }

    public Path relative(Path path) {
        return root.relativize(path.toAbsolutePath().normalize());
    }

    private void loadAll() {
        List<Path> files;
        try (Stream<Path> walk = Files.walk(root)) {
            files =
                    walk.filter(Files::isRegularFile)
                            .filter(
                                    p ->
                                            !relative(p).startsWith("target")
                                                    && !relative(p).startsWith("src"))
                            .filter(
                                    p ->
                                            p.toString().endsWith(".yaml")
                                                    || p.toString().endsWith(".yml")
                                                    || p.toString().endsWith(".json")
                                                    || KUSTOMIZATION_FILES.contains(
                                                            p.getFileName().toString()))
                            .sorted()
                            .toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + root, e);
        }

        Set<Path> resourceFiles = new LinkedHashSet<>();
        Map<Path, Optional<Kustomization.Target>> patchFiles = new LinkedHashMap<>();
        Set<Path> configurationFiles = new LinkedHashSet<>();
        Set<Path> generatorFiles = new LinkedHashSet<>();
        for (Path file : files) {
            if (KUSTOMIZATION_FILES.contains(file.getFileName().toString())) {
                readKustomization(file)
                        .ifPresent(
                                k -> {
                                    Path dir = file.getParent();
                                    kustomizations.put(relative(dir), k);
                                    collectReferences(
                                            file,
                                            dir,
                                            k,
                                            resourceFiles,
                                            patchFiles,
                                            configurationFiles,
                                            generatorFiles);
                                });
            }
        }
        for (Path file : files) {
            if (KUSTOMIZATION_FILES.contains(file.getFileName().toString())) {
                continue;
            }
            if (resourceFiles.contains(file) || patchFiles.containsKey(file)) {
                boolean patch = patchFiles.containsKey(file) && !resourceFiles.contains(file);
                readObjects(file, patch, patch ? patchFiles.get(file) : Optional.empty());
            } else if (configurationFiles.contains(file)) {
                read(file, Kustomization.TransformerConfig.class)
                        .ifPresent(c -> transformerConfigs.put(relative(file), c));
            } else if (generatorFiles.contains(file)) {
                if (file.toString().endsWith(".json")) {
                    try {
                        generatedFiles.put(relative(file), json.readTree(file.toFile()));
                    } catch (IOException e) {
                        problems.add(
                                new Problem(
                                        relative(file).toString(),
                                        "not valid JSON: " + e.getMessage()));
                    }
                }
            } else {
                problems.add(
                        new Problem(
                                relative(file).toString(),
                                "no kustomization names this file (resources, patches,"
                                    + " configurations or configMapGenerator), so kubectl apply -k"
                                    + " leaves it out"));
            }
        }
    }

    private Optional<Kustomization> readKustomization(Path file) {
        Optional<Kustomization> k = read(file, Kustomization.class);
        k.ifPresent(
                kustomization -> {
                    String kind = kustomization.kind();
                    if (!"Kustomization".equals(kind) && !"Component".equals(kind)) {
                        problems.add(
                                new Problem(
                                        relative(file).toString(),
                                        "kind must be Kustomization or Component, is " + kind));
                    }
                });
        return k;
    }

    private void collectReferences(
            Path file,
            Path dir,
            Kustomization k,
            Set<Path> resourceFiles,
            Map<Path, Optional<Kustomization.Target>> patchFiles,
            Set<Path> configurationFiles,
            Set<Path> generatorFiles) {
        String where = relative(file).toString();
        for (String resource : k.resourcesOrEmpty()) {
            referenced(where, "resources", dir, resource, true)
                    .ifPresent(
                            path -> {
                                if (Files.isRegularFile(path)) {
                                    resourceFiles.add(path);
                                }
                            });
        }
        for (String component : k.componentsOrEmpty()) {
            referenced(where, "components", dir, component, true)
                    .ifPresent(
                            path -> {
                                if (!Files.isDirectory(path)) {
                                    problems.add(
                                            new Problem(
                                                    where,
                                                    "components: "
                                                            + component
                                                            + " is not a folder with a"
                                                            + " kustomization"));
                                }
                            });
        }
        for (Kustomization.Patch patch : k.patchesOrEmpty()) {
            if (patch.path() != null) {
                referenced(where, "patches", dir, patch.path(), false)
                        .ifPresent(
                                path -> patchFiles.put(path, Optional.ofNullable(patch.target())));
            } else if (patch.patch() == null) {
                problems.add(new Problem(where, "a patch needs a path or an inline patch"));
            }
        }
        for (String configuration : k.configurationsOrEmpty()) {
            referenced(where, "configurations", dir, configuration, false)
                    .ifPresent(configurationFiles::add);
        }
        for (Kustomization.ConfigMapGenerator generator : k.configMapGeneratorOrEmpty()) {
            for (String entry : generator.files() == null ? List.<String>of() : generator.files()) {
                String path = entry.contains("=") ? entry.substring(entry.indexOf('=') + 1) : entry;
                referenced(where, "configMapGenerator files", dir, path, false)
                        .ifPresent(generatorFiles::add);
            }
        }
    }

    /** The file or kustomization folder an entry names; a problem when it is missing or remote. */
    private Optional<Path> referenced(
            String where, String field, Path dir, String entry, boolean folderAllowed) {
        if (entry.contains("://") || entry.startsWith("github.com/")) {
            problems.add(
                    new Problem(
                            where,
                            field + ": " + entry + " is remote; k8s/ must be complete by itself"));
            return Optional.empty();
        }
        Path path = dir.resolve(entry).normalize();
        if (Files.isDirectory(path) && folderAllowed) {
            boolean hasKustomization =
                    KUSTOMIZATION_FILES.stream()
                            .anyMatch(name -> Files.isRegularFile(path.resolve(name)));
            if (!hasKustomization) {
                problems.add(
                        new Problem(
                                where, field + ": folder " + entry + " has no kustomization.yaml"));
                return Optional.empty();
            }
            return Optional.of(path);
        }
        if (!Files.isRegularFile(path)) {
            problems.add(new Problem(where, field + ": " + entry + " does not exist"));
            return Optional.empty();
        }
        return Optional.of(path);
    }

    private <T> Optional<T> read(Path file, Class<T> type) {
        try {
            return Optional.of(yaml.readValue(file.toFile(), type));
        } catch (JsonMappingException e) {
            problems.add(new Problem(relative(file).toString(), describe(e, type.getSimpleName())));
        } catch (IOException e) {
            problems.add(new Problem(relative(file).toString(), "cannot read: " + e.getMessage()));
        }
        return Optional.empty();
    }

    private void readObjects(Path file, boolean patch, Optional<Kustomization.Target> target) {
        String where = relative(file).toString();
        List<JsonNode> documents = new ArrayList<>();
        try (YAMLParser parser = new YAMLFactory().createParser(file.toFile());
                MappingIterator<JsonNode> it = yaml.readValues(parser, JsonNode.class)) {
            while (it.hasNextValue()) {
                documents.add(it.nextValue());
            }
        } catch (IOException e) {
            problems.add(new Problem(where, "not valid YAML: " + e.getMessage()));
            return;
        }
        if (patch
                && documents.size() == 1
                && documents.get(0) != null
                && documents.get(0).isArray()) {
            readJsonPatch(file, documents.get(0), target);
            return;
        }
        for (int i = 0; i < documents.size(); i++) {
            JsonNode document = documents.get(i);
            if (document == null
                    || document.isNull()
                    || document.isMissingNode()
                    || (document.isObject() && document.isEmpty())) {
                continue;
            }
            String docWhere = where + (documents.size() > 1 ? " (document " + (i + 1) + ")" : "");
            String apiVersion = document.path("apiVersion").asText(null);
            String kind = document.path("kind").asText(null);
            if (apiVersion == null || kind == null) {
                problems.add(new Problem(docWhere, "every object needs apiVersion and kind"));
                continue;
            }
            Optional<Class<?>> model = ResourceKinds.model(apiVersion, kind);
            if (model.isEmpty()) {
                problems.add(
                        new Problem(
                                docWhere,
                                "no typed model for apiVersion "
                                        + apiVersion
                                        + ", kind "
                                        + kind
                                        + "; known: "
                                        + ResourceKinds.known()));
                continue;
            }
            JsonNode typed = document;
            if (document.has(Manifest.PATCH_DIRECTIVE)) {
                // kustomize's directive, no field of the object: only deleting a whole object is
                // used here.
                if (!patch
                        || !Manifest.DELETE.equals(
                                document.path(Manifest.PATCH_DIRECTIVE).asText(null))) {
                    problems.add(
                            new Problem(
                                    docWhere,
                                    Manifest.PATCH_DIRECTIVE
                                            + ": only '"
                                            + Manifest.DELETE
                                            + "' in a patch is supported, to remove a whole object;"
                                            + " is "
                                            + document.path(Manifest.PATCH_DIRECTIVE)
                                            + (patch ? "" : " in a resource")));
                    continue;
                }
                typed = document.deepCopy();
                ((ObjectNode) typed).remove(Manifest.PATCH_DIRECTIVE);
            }
            try {
                Object object = yaml.treeToValue(typed, model.get());
                manifests.add(
                        new Manifest(relative(file), i, (HasMetadata) object, document, patch));
            } catch (JsonProcessingException e) {
                String name = document.path("metadata").path("name").asText("?");
                problems.add(new Problem(docWhere, kind + " " + name + ": " + describe(e, kind)));
            }
        }
    }

    private void readJsonPatch(
            Path file, JsonNode operations, Optional<Kustomization.Target> target) {
        String where = relative(file).toString();
        if (target.isEmpty()) {
            problems.add(
                    new Problem(
                            where,
                            "a JSON 6902 patch (a list of operations) needs a target in its"
                                    + " kustomization's patches: entry"));
            return;
        }
        try {
            List<JsonPatch.Operation> parsed =
                    List.of(yaml.treeToValue(operations, JsonPatch.Operation[].class));
            jsonPatches.add(new JsonPatch(relative(file), target.get(), parsed));
        } catch (JsonProcessingException e) {
            problems.add(new Problem(where, describe(e, "a JSON 6902 operation")));
        }
    }

    /**
     * A resource as a typed {@link Manifest} again after it was changed as a tree (a rendered
     * variant), or why it no longer parses.
     */
    public static Manifest reparse(Manifest original, JsonNode rendered)
            throws JsonProcessingException {
        Class<?> model = original.model().getClass();
        return new Manifest(
                original.file(),
                original.document(),
                (HasMetadata) yaml.treeToValue(rendered, model),
                rendered,
                false);
    }

    /** One line that says which field is wrong and what is allowed. */
    static String describe(JsonProcessingException e, String type) {
        String path = e instanceof JsonMappingException m ? path(m) : "";
        if (e instanceof UnrecognizedPropertyException u) {
            Collection<Object> known = u.getKnownPropertyIds();
            return "unknown field '"
                    + u.getPropertyName()
                    + "' at "
                    + path
                    + " ("
                    + type
                    + " knows "
                    + (known == null
                            ? "no fields there"
                            : known.stream()
                                    .map(String::valueOf)
                                    .sorted()
                                    .collect(Collectors.joining(", ")))
                    + ")";
        }
        if (e instanceof InvalidFormatException f) {
            return "invalid value '"
                    + f.getValue()
                    + "' at "
                    + path
                    + ": "
                    + firstLine(f.getOriginalMessage());
        }
        return (path.isEmpty() ? "" : "at " + path + ": ") + firstLine(e.getOriginalMessage());
    }

    private static String path(JsonMappingException e) {
        StringBuilder path = new StringBuilder();
        for (JsonMappingException.Reference reference : e.getPath()) {
            if (reference.getFieldName() != null) {
                path.append(path.length() == 0 ? "" : ".").append(reference.getFieldName());
            } else if (reference.getIndex() >= 0) {
                path.append('[').append(reference.getIndex()).append(']');
            }
        }
        return path.toString();
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "";
        }
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }
}
