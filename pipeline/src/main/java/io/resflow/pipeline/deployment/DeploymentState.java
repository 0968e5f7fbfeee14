package io.resflow.pipeline.deployment;

import io.resflow.pipeline.records.ModelUpdateRecord;
import io.resflow.pipeline.records.ModelVersion;
import io.resflow.runtime.metadata.ModelMetadata;
import io.resflow.schema.DeploymentRole;
import io.resflow.schema.ModelUpdateKind;
import io.resflow.schema.RefusalReason;
import java.io.IOException;
import java.util.Objects;
import java.util.Optional;

/**
 * Which version of the job's model is the primary, and which served before it: the job's broadcast
 * state, the same on every scoring subtask, changed only by the records of the control topic (a
 * fold over it, which {@code ./resflow model status} computes too). Pure: the Flink function around
 * it ({@link ServeModelVersions}) reads and writes it, loads versions and answers.
 *
 * <p>A DEPLOY the job can judge from the candidate's metadata is refused at once; one it accepts
 * becomes the primary here, pending, while each subtask loads it beside the serving version. The
 * job's own answers come back on the topic: a LOADED ends the pending state, a REFUSED (a subtask
 * could not load or warm it up) returns the primary to the version before. One change at a time: a
 * DEPLOY while another is pending is refused, so the version to return to is always one that
 * served. Shadows and canaries (issue 16) will add fields here; the record on the topic carries
 * their roles already.
 *
 * @param since the id of the command that made {@code primary} the primary; null for the command
 *     line's model. A REFUSED answer to that command (and to no other) reverts it.
 * @param previous the primary before the current one, the target of a ROLLBACK; null if none
 * @param pending whether the job has not yet answered the command that made the primary
 */
public record DeploymentState(
        ModelVersion primary, String since, ModelVersion previous, boolean pending) {

    public DeploymentState {
        Objects.requireNonNull(primary, "primary");
    }

    /** The job as started: its command line's model, nothing before it. */
    public static DeploymentState serving(ModelVersion primary) {
        return new DeploymentState(primary, null, null, false);
    }

    /** What the job knows of candidates: where a version is and what its metadata says. */
    public interface Candidates {
        /** The folder of a registered version, when the job has a registry. */
        Optional<String> locate(String model, String version);

        /**
         * The metadata at the version's location.
         *
         * @throws java.io.FileNotFoundException no folder there
         * @throws io.resflow.runtime.metadata.ModelMetadataException no or unparsable metadata
         */
        ModelMetadata metadata(ModelVersion version) throws IOException;
    }

    /** The outcome of a command. */
    public sealed interface Decision {}

    /** The command changes the state; {@code load} is the version every subtask now loads. */
    public record Accepted(DeploymentState next, ModelVersion load) implements Decision {}

    public record Refused(Refusal refusal) implements Decision {}

    /**
     * What a command does to this state.
     *
     * @param serving the metadata of the model the job was built for: every version it swaps in
     *     must take the same input and have the same labels
     */
    public Decision decide(
            ModelUpdateRecord command, ModelMetadata serving, Candidates candidates) {
        if (!primary.name().equals(command.modelName())) {
            return refused(
                    RefusalReason.BAD_COMMAND,
                    "this job serves model " + primary.name() + ", not " + command.modelName());
        }
        return switch (command.kind()) {
            case DEPLOY -> deploy(command, serving, candidates);
            case ROLLBACK ->
                    previous == null
                            ? refused(
                                    RefusalReason.BAD_COMMAND,
                                    "nothing to roll back to: "
                                            + primary
                                            + " is the first version this job served")
                            : new Accepted(
                                    new DeploymentState(previous, command.id(), null, true),
                                    previous);
            case PROMOTE ->
                    refused(
                            RefusalReason.BAD_COMMAND,
                            "nothing to promote: this job serves a primary only (no shadow or"
                                    + " canary)");
            default -> refused(RefusalReason.BAD_COMMAND, command.kind() + " is not a command");
        };
    }

    private Decision deploy(
            ModelUpdateRecord command, ModelMetadata serving, Candidates candidates) {
        if (command.role() != DeploymentRole.PRIMARY) {
            return refused(
                    RefusalReason.BAD_COMMAND,
                    "this job deploys versions as PRIMARY only, not " + command.role());
        }
        String version = command.modelVersion();
        if (version == null || version.isBlank()) {
            return refused(RefusalReason.BAD_COMMAND, "DEPLOY names no version");
        }
        if (pending) {
            return refused(
                    RefusalReason.BAD_COMMAND,
                    primary
                            + " is still loading (command "
                            + since
                            + "): wait for its LOADED or REFUSED answer, or roll it back");
        }
        if (version.equals(primary.version())) {
            return refused(RefusalReason.ALREADY_SERVING, primary + " is the primary already");
        }
        Optional<String> location =
                command.location() != null
                        ? Optional.of(command.location())
                        : candidates.locate(command.modelName(), version);
        if (location.isEmpty()) {
            return refused(
                    RefusalReason.BAD_COMMAND,
                    "DEPLOY of "
                            + command.modelName()
                            + ":"
                            + version
                            + " names no location and the job has no --model-registry");
        }
        ModelVersion candidate = new ModelVersion(command.modelName(), version, location.get());
        ModelMetadata metadata;
        try {
            metadata = candidates.metadata(candidate);
        } catch (IOException | RuntimeException e) {
            return new Refused(Refusal.of(e));
        }
        Optional<Refusal> mismatch = CandidateCheck.check(serving, candidate, metadata);
        if (mismatch.isPresent()) {
            return new Refused(mismatch.get());
        }
        return new Accepted(new DeploymentState(candidate, command.id(), primary, true), candidate);
    }

    /**
     * The state after a record of the topic that is not a command: the job's answer to the command
     * that made the primary. LOADED ends its pending state; REFUSED (a subtask could not load or
     * warm it up) returns the primary to the version before.
     */
    public DeploymentState apply(ModelUpdateRecord answer) {
        if (since == null || !since.equals(answer.commandId())) {
            return this;
        }
        if (answer.kind() == ModelUpdateKind.LOADED && pending) {
            return new DeploymentState(primary, since, previous, false);
        }
        if (answer.kind() == ModelUpdateKind.REFUSED && previous != null) {
            return new DeploymentState(previous, null, null, false);
        }
        return this;
    }

    private static Refused refused(RefusalReason reason, String message) {
        return new Refused(new Refusal(reason, message));
    }
}
