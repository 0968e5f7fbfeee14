package io.resflow.pipeline.records;

import io.resflow.schema.DeploymentRole;
import io.resflow.schema.ModelUpdateKind;
import io.resflow.schema.RefusalReason;
import java.util.Map;

/**
 * A command about the job's model, or one of the job's answers, as it moves through the job and the
 * control topic (Avro {@code ModelUpdate}; the fields are documented there).
 */
public record ModelUpdateRecord(
        String id,
        long time,
        ModelUpdateKind kind,
        String modelName,
        String modelVersion,
        DeploymentRole role,
        Integer canaryPercent,
        String location,
        String commandId,
        RefusalReason refusal,
        String reason,
        String issuer,
        Map<String, String> evidence) {

    public ModelUpdateRecord {
        evidence = evidence == null ? Map.of() : Map.copyOf(evidence);
    }

    /** Whether someone asks the job to do something (as opposed to the job answering). */
    public boolean isCommand() {
        return kind == ModelUpdateKind.DEPLOY
                || kind == ModelUpdateKind.PROMOTE
                || kind == ModelUpdateKind.ROLLBACK;
    }
}
