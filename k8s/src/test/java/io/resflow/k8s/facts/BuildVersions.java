package io.resflow.k8s.facts;

/**
 * The versions of this build, from the root pom.xml's properties (passed to the tests by
 * k8s/pom.xml's surefire configuration): the one list the manifests and Dockerfiles must agree
 * with.
 */
public record BuildVersions(
        String project,
        String flink,
        String kafka,
        String djl,
        String tensorflowNative,
        String pytorchNative) {

    public static BuildVersions fromBuild() {
        return new BuildVersions(
                required("resflow.version"),
                required("resflow.flink.version"),
                required("resflow.kafka.version"),
                required("resflow.djl.version"),
                required("resflow.tensorflow.native.version"),
                required("resflow.pytorch.native.version"));
    }

    /** The Flink operator's name for this Flink release: {@code v2_2} for 2.2.1. */
    public String flinkOperatorVersion() {
        String[] parts = flink.split("\\.");
        return "v" + parts[0] + "_" + parts[1];
    }

    static String required(String property) {
        String value = System.getProperty(property);
        if (value == null || value.isBlank()) {
            throw new IllegalStateException(
                    "system property "
                            + property
                            + " is not set; run the tests through Maven (k8s/pom.xml passes the"
                            + " root pom's versions), e.g. ./mvnw -pl k8s verify");
        }
        return value;
    }
}
