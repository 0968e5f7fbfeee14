package io.resflow.k8s.manifests;

import java.util.List;
import java.util.Map;

/**
 * The fields of a {@code kustomization.yaml} (kinds Kustomization and Component) that ResFlow uses,
 * mapped strictly like every manifest: a misspelt field (say {@code resource:}) fails instead of
 * being ignored. Add a field here before using it in a kustomization.
 */
public record Kustomization(
        String apiVersion,
        String kind,
        String namespace,
        List<Label> labels,
        List<String> resources,
        List<String> components,
        List<String> configurations,
        List<Image> images,
        List<Patch> patches,
        List<ConfigMapGenerator> configMapGenerator) {

    public List<String> resourcesOrEmpty() {
        return resources == null ? List.of() : resources;
    }

    public List<String> componentsOrEmpty() {
        return components == null ? List.of() : components;
    }

    public List<String> configurationsOrEmpty() {
        return configurations == null ? List.of() : configurations;
    }

    public List<Image> imagesOrEmpty() {
        return images == null ? List.of() : images;
    }

    public List<Patch> patchesOrEmpty() {
        return patches == null ? List.of() : patches;
    }

    public List<ConfigMapGenerator> configMapGeneratorOrEmpty() {
        return configMapGenerator == null ? List.of() : configMapGenerator;
    }

    public record Label(
            Map<String, String> pairs, Boolean includeSelectors, Boolean includeTemplates) {}

    public record Image(String name, String newName, String newTag, String digest) {}

    public record Patch(String path, String patch, Target target, Map<String, Boolean> options) {}

    public record Target(
            String group,
            String version,
            String kind,
            String name,
            String namespace,
            String labelSelector,
            String annotationSelector) {}

    public record ConfigMapGenerator(
            String name,
            String behavior,
            List<String> files,
            List<String> literals,
            List<String> envs,
            GeneratorOptions options) {}

    public record GeneratorOptions(
            Map<String, String> labels,
            Map<String, String> annotations,
            Boolean disableNameSuffixHash,
            Boolean immutable) {}

    /**
     * A transformer configuration ({@code configurations:}): where the images transformer finds
     * images in kinds it does not know, such as FlinkDeployment's {@code spec/image}.
     */
    public record TransformerConfig(List<FieldSpec> images) {}

    public record FieldSpec(
            String path, String kind, String group, String version, Boolean create) {}
}
