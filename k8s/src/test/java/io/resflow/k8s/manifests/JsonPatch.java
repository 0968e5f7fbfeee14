package io.resflow.k8s.manifests;

import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * A JSON 6902 patch file of a kustomization (a list of operations) with the {@code target} its
 * kustomization gives it. Kustomize needs these where a strategic merge patch cannot say what is
 * meant, e.g. removing one entry of a list in a custom resource, whose lists it replaces whole.
 *
 * @param file relative to the k8s/ folder
 * @param target the object the kustomization applies it to
 */
public record JsonPatch(Path file, Kustomization.Target target, List<Operation> operations) {

    /** One operation, mapped strictly like everything else: a misspelt field fails. */
    public record Operation(String op, String path, JsonNode value, String from) {

        @Override
        public String toString() {
            return op + " " + path;
        }
    }

    /** Whether {@code object} (a whole manifest as a tree) is this patch's target. */
    public boolean targets(JsonNode object) {
        String group = ResourceKinds.apiGroup(object);
        String apiVersion = object.path("apiVersion").asText("");
        String version = apiVersion.substring(apiVersion.indexOf('/') + 1);
        return target != null
                && (target.kind() == null || target.kind().equals(object.path("kind").asText(null)))
                && (target.name() == null
                        || target.name().equals(object.path("metadata").path("name").asText(null)))
                && (target.group() == null || target.group().equals(group))
                && (target.version() == null || target.version().equals(version));
    }

    /**
     * Applies the operations to {@code object} in place, as kustomize does; stops at the first one
     * that fails, like kustomize, whose build then fails.
     *
     * @return why an operation failed (with its number and path), empty when all applied
     */
    public Optional<String> applyTo(ObjectNode object) {
        for (int i = 0; i < operations.size(); i++) {
            Operation operation = operations.get(i);
            Optional<String> failure = apply(object, operation);
            if (failure.isPresent()) {
                return Optional.of(
                        "operation " + (i + 1) + " (" + operation + "): " + failure.get());
            }
        }
        return Optional.empty();
    }

    private static Optional<String> apply(ObjectNode object, Operation operation) {
        if (operation.op() == null || operation.path() == null) {
            return Optional.of("every operation needs op and path");
        }
        JsonPointer pointer;
        try {
            pointer = JsonPointer.compile(operation.path());
        } catch (IllegalArgumentException e) {
            return Optional.of("path is no JSON pointer: " + e.getMessage());
        }
        if (pointer.matches()) {
            return Optional.of("the whole object cannot be patched this way");
        }
        JsonNode parent = object.at(pointer.head());
        String key = pointer.last().getMatchingProperty();
        JsonNode current = object.at(pointer);
        switch (operation.op()) {
            case "test" -> {
                if (current.isMissingNode()) {
                    return Optional.of("there is nothing at " + operation.path());
                }
                return current.equals(operation.value())
                        ? Optional.empty()
                        : Optional.of("expects " + operation.value() + ", is " + current);
            }
            case "remove" -> {
                if (current.isMissingNode()) {
                    return Optional.of("there is nothing at " + operation.path() + " to remove");
                }
                if (parent instanceof ArrayNode array) {
                    array.remove(Integer.parseInt(key));
                } else {
                    ((ObjectNode) parent).remove(key);
                }
                return Optional.empty();
            }
            case "replace" -> {
                if (current.isMissingNode()) {
                    return Optional.of("there is nothing at " + operation.path() + " to replace");
                }
                if (parent instanceof ArrayNode array) {
                    array.set(Integer.parseInt(key), operation.value());
                } else {
                    ((ObjectNode) parent).set(key, operation.value());
                }
                return Optional.empty();
            }
            case "add" -> {
                if (parent instanceof ObjectNode map) {
                    map.set(key, operation.value());
                } else if (parent instanceof ArrayNode array && key.equals("-")) {
                    array.add(operation.value());
                } else if (parent instanceof ArrayNode array
                        && key.matches("\\d+")
                        && Integer.parseInt(key) <= array.size()) {
                    array.insert(Integer.parseInt(key), operation.value());
                } else {
                    return Optional.of(
                            "there is no object or list at "
                                    + pointer.head()
                                    + " to add "
                                    + key
                                    + " to");
                }
                return Optional.empty();
            }
            default -> {
                return Optional.of(
                        "op must be one of add, remove, replace, test (move and copy are not"
                                + " checked here)");
            }
        }
    }
}
