package io.resflow.k8s.manifests;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.HasMetadata;
import java.nio.file.Path;

/**
 * One Kubernetes object of a YAML file: a whole resource, or the partial one of a kustomize patch.
 *
 * @param file relative to the k8s/ folder, e.g. {@code base/flink/classify-deployment.yaml}
 * @param document the YAML document's index in its file, from 0
 * @param model the typed object ({@code FlinkDeployment}, {@code KafkaTopic}, {@code Job}, ...)
 * @param tree the same document as a JSON tree, for checks on raw values (e.g. a version the model
 *     does not know)
 * @param patch true when a kustomization uses the file as a patch rather than a resource
 */
public record Manifest(Path file, int document, HasMetadata model, JsonNode tree, boolean patch) {

    /** kustomize's directive in a strategic merge patch; the typed model is parsed without it. */
    public static final String PATCH_DIRECTIVE = "$patch";

    public static final String DELETE = "delete";

    /** A patch that removes its whole target object ({@code $patch: delete}). */
    public boolean deletes() {
        return patch && DELETE.equals(tree.path(PATCH_DIRECTIVE).asText(null));
    }

    public String kind() {
        return model.getKind();
    }

    public String name() {
        return model.getMetadata() == null ? null : model.getMetadata().getName();
    }

    public <T> T as(Class<T> type) {
        return type.cast(model);
    }

    public boolean is(Class<?> type) {
        return type.isInstance(model);
    }

    /** e.g. {@code base/flink/classify-deployment.yaml (FlinkDeployment resflow-classify)}. */
    public String where() {
        return file + " (" + kind() + " " + name() + ")";
    }
}
