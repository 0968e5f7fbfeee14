package io.resflow.k8s.manifests;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.HasMetadata;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * What kustomize builds from the base with one component added: the resources as trees with the
 * component's patches applied, parsed into their typed models again. Each file can be right on its
 * own while the combination is not (a component that moves Flink's state to S3 and leaves the pods
 * mounting the volume that held it), so some checks run on this too.
 *
 * <p>It renders what the components here use: strategic merge patches, {@code $patch: delete} of
 * whole objects, and {@link JsonPatch JSON 6902 patches}. A strategic merge patch merges maps key
 * by key and replaces lists whole, which is what kustomize does in custom resources (it knows no
 * merge keys for their lists); in built-in kinds kustomize merges lists by keys this rendering does
 * not know, so such a patch is refused rather than rendered wrong.
 *
 * @param component the component's folder, relative to the k8s/ folder
 * @param resources every object of the result, none of them a patch
 * @param problems patches that do not apply, and objects the patches made invalid
 */
public record Variant(Path component, List<Manifest> resources, List<Problem> problems) {

    /**
     * The base's resources (those of no other component) with {@code component}'s patches applied.
     */
    public static Variant withComponent(ManifestTree tree, Path component) {
        Kustomization kustomization = tree.kustomizations().get(component);
        Objects.requireNonNull(kustomization, () -> "no kustomization in " + component);
        Set<Path> otherComponents =
                tree.kustomizations().entrySet().stream()
                        .filter(
                                e ->
                                        "Component".equals(e.getValue().kind())
                                                && !e.getKey().equals(component))
                        .map(Map.Entry::getKey)
                        .collect(Collectors.toSet());
        List<Manifest> originals =
                tree.manifests().stream()
                        .filter(
                                m ->
                                        !m.patch()
                                                && otherComponents.stream()
                                                        .noneMatch(m.file()::startsWith))
                        .toList();
        List<ObjectNode> rendered = new ArrayList<>();
        originals.forEach(m -> rendered.add(((ObjectNode) m.tree()).deepCopy()));
        boolean[] deleted = new boolean[originals.size()];
        List<Problem> problems = new ArrayList<>();

        for (Kustomization.Patch patch : kustomization.patchesOrEmpty()) {
            if (patch.path() == null) {
                problems.add(
                        new Problem(
                                component.resolve("kustomization.yaml").toString(),
                                "an inline patch cannot be rendered for the checks of the variant;"
                                        + " put it in a file"));
                continue;
            }
            Path file = component.resolve(patch.path()).normalize();
            Optional<JsonPatch> json =
                    tree.jsonPatches().stream().filter(j -> j.file().equals(file)).findFirst();
            if (json.isPresent()) {
                boolean applied = false;
                for (int i = 0; i < rendered.size(); i++) {
                    if (!deleted[i] && json.get().targets(rendered.get(i))) {
                        applied = true;
                        String target = originals.get(i).kind() + " " + originals.get(i).name();
                        json.get()
                                .applyTo(rendered.get(i))
                                .ifPresent(
                                        failure ->
                                                problems.add(
                                                        new Problem(
                                                                file.toString(),
                                                                "does not apply to "
                                                                        + target
                                                                        + ": "
                                                                        + failure)));
                    }
                }
                if (!applied) {
                    problems.add(
                            new Problem(
                                    file.toString(),
                                    "its target " + json.get().target() + " matches no object"));
                }
                continue;
            }
            for (Manifest strategic : tree.manifests()) {
                if (!strategic.patch() || !strategic.file().equals(file)) {
                    continue;
                }
                for (int i = 0; i < rendered.size(); i++) {
                    // A missing target is already a problem of the whole tree (patches ..., which
                    // no resource defines).
                    if (deleted[i]
                            || !originals.get(i).kind().equals(strategic.kind())
                            || !Objects.equals(originals.get(i).name(), strategic.name())) {
                        continue;
                    }
                    if (strategic.deletes()) {
                        deleted[i] = true;
                    } else {
                        merge(
                                rendered.get(i),
                                strategic.tree(),
                                customResource(strategic.tree()),
                                strategic.where(),
                                "",
                                problems);
                    }
                }
            }
        }

        List<Manifest> resources = new ArrayList<>();
        for (int i = 0; i < rendered.size(); i++) {
            if (deleted[i]) {
                continue;
            }
            try {
                resources.add(ManifestTree.reparse(originals.get(i), rendered.get(i)));
            } catch (JsonProcessingException e) {
                problems.add(
                        new Problem(
                                originals.get(i).where() + " with " + component,
                                ManifestTree.describe(e, originals.get(i).kind())));
            }
        }
        return new Variant(component, List.copyOf(resources), List.copyOf(problems));
    }

    /** Objects of a kind, e.g. {@code resources(PersistentVolumeClaim.class)}. */
    public <T extends HasMetadata> List<T> resources(Class<T> type) {
        return resources.stream().filter(m -> m.is(type)).map(m -> m.as(type)).toList();
    }

    /** Objects of a kind, with their files. */
    public List<Manifest> all(Class<? extends HasMetadata> type) {
        return resources.stream().filter(m -> m.is(type)).toList();
    }

    /**
     * A kind of an API group of its own (flink.apache.org, kafka.strimzi.io, ...), not one of
     * Kubernetes.
     */
    static boolean customResource(JsonNode object) {
        String group = ResourceKinds.apiGroup(object);
        return group.contains(".") && !group.endsWith(".k8s.io");
    }

    private static void merge(
            ObjectNode target,
            JsonNode patch,
            boolean customResource,
            String where,
            String path,
            List<Problem> problems) {
        for (Iterator<Map.Entry<String, JsonNode>> fields = patch.fields(); fields.hasNext(); ) {
            Map.Entry<String, JsonNode> field = fields.next();
            String name = field.getKey();
            JsonNode value = field.getValue();
            JsonNode current = target.get(name);
            String at = path.isEmpty() ? name : path + "." + name;
            if (name.equals(Manifest.PATCH_DIRECTIVE)) {
                continue;
            }
            if (value.isNull()) {
                target.remove(name);
            } else if (value.isObject() && current instanceof ObjectNode map) {
                merge(map, value, customResource, where, at, problems);
            } else if (value.isArray() && !customResource && current != null) {
                problems.add(
                        new Problem(
                                where,
                                "sets the list "
                                        + at
                                        + " of a built-in kind, which kustomize merges by keys the"
                                        + " variant's checks do not know; use a JSON 6902 patch in"
                                        + " a component"));
            } else {
                target.set(name, value.deepCopy());
            }
        }
    }
}
