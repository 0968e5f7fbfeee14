package io.resflow.pipeline.deployment;

import io.resflow.pipeline.records.ModelUpdateRecord;
import io.resflow.pipeline.records.ModelVersion;
import io.resflow.schema.DeploymentRole;
import io.resflow.schema.ModelUpdateKind;
import java.util.Map;
import java.util.UUID;

/** The control topic's commands and answers, made one way for the command line and the job. */
public final class ModelUpdates {

    /** The issuer of commands from {@code ./resflow model}. */
    public static final String CLI = "cli";

    private ModelUpdates() {}

    /**
     * DEPLOY {@code model:version} as the primary.
     *
     * @param location its SavedModel folder, or null for the job's {@code --model-registry}
     */
    public static ModelUpdateRecord deployPrimary(
            String model, String version, String location, String issuer) {
        return new ModelUpdateRecord(
                UUID.randomUUID().toString(),
                System.currentTimeMillis(),
                ModelUpdateKind.DEPLOY,
                model,
                version,
                DeploymentRole.PRIMARY,
                null,
                location,
                null,
                null,
                null,
                issuer,
                Map.of());
    }

    /** ROLLBACK: the primary returns to the version before it. */
    public static ModelUpdateRecord rollback(String model, String issuer) {
        return new ModelUpdateRecord(
                UUID.randomUUID().toString(),
                System.currentTimeMillis(),
                ModelUpdateKind.ROLLBACK,
                model,
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                issuer,
                Map.of());
    }

    /** LOADED: {@code version} serves as the primary from now on. */
    public static ModelUpdateRecord loaded(
            ModelVersion version, String commandId, String issuer, Map<String, String> evidence) {
        return new ModelUpdateRecord(
                UUID.randomUUID().toString(),
                System.currentTimeMillis(),
                ModelUpdateKind.LOADED,
                version.name(),
                version.version(),
                DeploymentRole.PRIMARY,
                null,
                version.location(),
                commandId,
                null,
                null,
                issuer,
                evidence);
    }

    /** REFUSED: what {@code command} asked for is not served, for {@code refusal}. */
    public static ModelUpdateRecord refused(
            String model,
            String version,
            String commandId,
            Refusal refusal,
            String issuer,
            Map<String, String> evidence) {
        return new ModelUpdateRecord(
                UUID.randomUUID().toString(),
                System.currentTimeMillis(),
                ModelUpdateKind.REFUSED,
                model,
                version,
                null,
                null,
                null,
                commandId,
                refusal.reason(),
                refusal.message(),
                issuer,
                evidence);
    }

    /** How often the job looks at loads in progress when no frame or command arrives. */
    public static final int TICKS_PER_SECOND = 5;

    /**
     * A tick of the control stream's clock: not on the topic, it only lets a version that has
     * loaded take over, and its answer go out, while no frame arrives.
     */
    public static ModelUpdateRecord tick() {
        return new ModelUpdateRecord(
                "tick",
                0L,
                ModelUpdateKind.OTHER,
                "",
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                "clock",
                Map.of());
    }

    /** The issuer name of a job's scoring subtask. */
    public static String job(int subtask) {
        return "job/" + subtask;
    }
}
