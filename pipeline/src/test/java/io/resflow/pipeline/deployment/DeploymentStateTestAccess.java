package io.resflow.pipeline.deployment;

import io.resflow.runtime.metadata.ModelMetadata;
import java.util.List;

/** Test metadata for other packages' tests. */
public final class DeploymentStateTestAccess {

    private DeploymentStateTestAccess() {}

    public static ModelMetadata metadata(String name, String version) {
        return DeploymentStateTest.metadata(name, version, 28, List.of("a", "b"));
    }
}
