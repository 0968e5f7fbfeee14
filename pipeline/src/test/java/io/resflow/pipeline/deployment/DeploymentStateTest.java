package io.resflow.pipeline.deployment;

import static org.assertj.core.api.Assertions.assertThat;

import io.resflow.pipeline.records.ModelUpdateRecord;
import io.resflow.pipeline.records.ModelVersion;
import io.resflow.runtime.metadata.InputSpec;
import io.resflow.runtime.metadata.ModelMetadata;
import io.resflow.runtime.metadata.ModelMetadataException;
import io.resflow.runtime.metadata.SignatureSpec;
import io.resflow.schema.DeploymentRole;
import io.resflow.schema.ModelUpdateKind;
import io.resflow.schema.RefusalReason;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class DeploymentStateTest {

    private static final ModelVersion V1 = new ModelVersion("resnet", "1", "/models/resnet/1");
    private static final ModelMetadata SERVING = metadata("resnet", "1", 28, List.of("a", "b"));

    /** Candidates as a map from location to metadata; a location not in it is missing. */
    private final Map<String, Object> folders = new HashMap<>();

    private final DeploymentState.Candidates candidates =
            new DeploymentState.Candidates() {
                @Override
                public Optional<String> locate(String model, String version) {
                    return Optional.of("/models/" + model + "/" + version);
                }

                @Override
                public ModelMetadata metadata(ModelVersion version) throws IOException {
                    Object found = folders.get(version.location());
                    if (found == null) {
                        throw new FileNotFoundException("no SavedModel folder at " + version);
                    }
                    if (found instanceof IOException e) {
                        throw e;
                    }
                    return (ModelMetadata) found;
                }
            };

    @Test
    void aMatchingVersionBecomesThePrimaryWithTheOldOneBeforeIt() {
        folders.put("/models/resnet/2", metadata("resnet", "2", 28, List.of("a", "b")));
        ModelUpdateRecord deploy = ModelUpdates.deployPrimary("resnet", "2", null, "cli");

        DeploymentState.Decision decision =
                DeploymentState.serving(V1).decide(deploy, SERVING, candidates);

        ModelVersion v2 = new ModelVersion("resnet", "2", "/models/resnet/2");
        assertThat(decision)
                .isEqualTo(
                        new DeploymentState.Accepted(
                                new DeploymentState(v2, deploy.id(), V1, true), v2));
    }

    @Test
    void aCommandsOwnLocationWinsOverTheRegistry() {
        folders.put("s3://bucket/x", metadata("resnet", "2", 28, List.of("a", "b")));
        DeploymentState.Decision decision =
                DeploymentState.serving(V1)
                        .decide(
                                ModelUpdates.deployPrimary("resnet", "2", "s3://bucket/x", "cli"),
                                SERVING,
                                candidates);
        assertThat(((DeploymentState.Accepted) decision).load().location())
                .isEqualTo("s3://bucket/x");
    }

    @Test
    void eachBadCandidateIsRefusedWithItsReason() {
        folders.put("/models/resnet/3", metadata("resnet", "3", 32, List.of("a", "b")));
        folders.put("/models/resnet/4", metadata("resnet", "4", 28, List.of("a", "c")));
        folders.put(
                "/models/resnet/5",
                new ModelMetadataException(Path.of("/models/resnet/5"), "not valid JSON"));
        folders.put("/models/resnet/6", metadata("other", "6", 28, List.of("a", "b")));
        DeploymentState state = DeploymentState.serving(V1);

        assertThat(refusal(state, "resnet", "9")).isEqualTo(RefusalReason.MISSING);
        assertThat(refusal(state, "resnet", "3")).isEqualTo(RefusalReason.INPUT_MISMATCH);
        assertThat(refusal(state, "resnet", "4")).isEqualTo(RefusalReason.LABELS_MISMATCH);
        assertThat(refusal(state, "resnet", "5")).isEqualTo(RefusalReason.BAD_METADATA);
        assertThat(refusal(state, "resnet", "6")).isEqualTo(RefusalReason.BAD_METADATA);
        assertThat(refusal(state, "resnet", "1")).isEqualTo(RefusalReason.ALREADY_SERVING);
        assertThat(refusal(state, "other", "2")).isEqualTo(RefusalReason.BAD_COMMAND);
    }

    @Test
    void shadowsCanariesAndPromotionsAreRefusedAsNotYetServed() {
        ModelUpdateRecord shadow =
                withRole(
                        ModelUpdates.deployPrimary("resnet", "2", null, "cli"),
                        DeploymentRole.SHADOW);
        DeploymentState.Decision decision =
                DeploymentState.serving(V1).decide(shadow, SERVING, candidates);
        assertThat(((DeploymentState.Refused) decision).refusal().message()).contains("SHADOW");
    }

    @Test
    void aRefusalOfTheCommandThatMadeThePrimaryRevertsIt_andNoOtherDoes() {
        ModelVersion v2 = new ModelVersion("resnet", "2", "/models/resnet/2");
        DeploymentState afterDeploy = new DeploymentState(v2, "deploy-2", V1, true);

        ModelUpdateRecord otherRefusal =
                ModelUpdates.refused(
                        "resnet",
                        "2",
                        "deploy-2-again",
                        new Refusal(RefusalReason.ALREADY_SERVING, "serves already"),
                        "job/0",
                        Map.of());
        assertThat(afterDeploy.apply(otherRefusal)).isEqualTo(afterDeploy);

        ModelUpdateRecord loadFailed =
                ModelUpdates.refused(
                        "resnet",
                        "2",
                        "deploy-2",
                        new Refusal(RefusalReason.CORRUPT, "bad graph"),
                        "job/1",
                        Map.of());
        assertThat(afterDeploy.apply(loadFailed)).isEqualTo(DeploymentState.serving(V1));
        DeploymentState loaded =
                afterDeploy.apply(ModelUpdates.loaded(v2, "deploy-2", "job/0", Map.of()));
        assertThat(loaded).isEqualTo(new DeploymentState(v2, "deploy-2", V1, false));
        assertThat(loaded.apply(ModelUpdates.loaded(v2, "deploy-2", "job/1", Map.of())))
                .isEqualTo(loaded);
    }

    @Test
    void aDeployWhileAnotherIsPendingIsRefused() {
        folders.put("/models/resnet/3", metadata("resnet", "3", 28, List.of("a", "b")));
        ModelVersion v2 = new ModelVersion("resnet", "2", "/models/resnet/2");
        DeploymentState pending = new DeploymentState(v2, "deploy-2", V1, true);
        assertThat(refusal(pending, "resnet", "3")).isEqualTo(RefusalReason.BAD_COMMAND);
        DeploymentState served = new DeploymentState(v2, "deploy-2", V1, false);
        assertThat(
                        served.decide(
                                ModelUpdates.deployPrimary("resnet", "3", null, "cli"),
                                SERVING,
                                candidates))
                .isInstanceOf(DeploymentState.Accepted.class);
    }

    @Test
    void rollbackReturnsToThePreviousPrimaryOnce() {
        ModelVersion v2 = new ModelVersion("resnet", "2", "/models/resnet/2");
        DeploymentState afterDeploy = new DeploymentState(v2, "deploy-2", V1, true);
        ModelUpdateRecord rollback = ModelUpdates.rollback("resnet", "cli");

        DeploymentState.Decision decision = afterDeploy.decide(rollback, SERVING, candidates);

        assertThat(decision)
                .isEqualTo(
                        new DeploymentState.Accepted(
                                new DeploymentState(V1, rollback.id(), null, true), V1));
        DeploymentState.Decision again =
                ((DeploymentState.Accepted) decision)
                        .next()
                        .decide(ModelUpdates.rollback("resnet", "cli"), SERVING, candidates);
        assertThat(((DeploymentState.Refused) again).refusal().reason())
                .isEqualTo(RefusalReason.BAD_COMMAND);
    }

    private RefusalReason refusal(DeploymentState state, String model, String version) {
        DeploymentState.Decision decision =
                state.decide(
                        ModelUpdates.deployPrimary(model, version, null, "cli"),
                        SERVING,
                        candidates);
        assertThat(decision).isInstanceOf(DeploymentState.Refused.class);
        return ((DeploymentState.Refused) decision).refusal().reason();
    }

    private static ModelUpdateRecord withRole(ModelUpdateRecord r, DeploymentRole role) {
        return new ModelUpdateRecord(
                r.id(),
                r.time(),
                ModelUpdateKind.DEPLOY,
                r.modelName(),
                r.modelVersion(),
                role,
                null,
                r.location(),
                null,
                null,
                null,
                r.issuer(),
                r.evidence());
    }

    static ModelMetadata metadata(String name, String version, int size, List<String> labels) {
        return ModelMetadata.builder()
                .setName(name)
                .setVersion(version)
                .setLabels(labels)
                .setInput(
                        InputSpec.builder()
                                .setHeight(size)
                                .setWidth(size)
                                .setChannels(1)
                                .setPixelScale(1f / 255)
                                .setMean(0.5f)
                                .setStd(0.25f)
                                .build())
                .setSignature(SignatureSpec.servingDefault("input", "probabilities"))
                .setArchitecture("test")
                .setParameterCount(10)
                .setDataset("test")
                .setCreatedAt(Instant.EPOCH)
                .build();
    }
}
