package io.resflow.schema.wire;

import static org.assertj.core.api.Assertions.assertThat;

import io.resflow.schema.DeadLetter;
import io.resflow.schema.ImageRecord;
import io.resflow.schema.LabelStats;
import io.resflow.schema.Prediction;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.SchemaCompatibilityType;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

class SchemaReleasesTest {

    static List<Schema> compiledSchemas() {
        return List.of(ImageRecord.getClassSchema(), Prediction.getClassSchema(),
                DeadLetter.getClassSchema(), LabelStats.getClassSchema());
    }

    @Test
    void everyCompiledRecordIsReleasedAndNothingElseIs() {
        assertThat(SchemaReleases.all().keySet()).containsExactlyInAnyOrderElementsOf(
                compiledSchemas().stream().map(Schema::getFullName).toList());
    }

    @ParameterizedTest
    @MethodSource("compiledSchemas")
    void newestReleaseIsTheCompiledSchema(Schema compiled) {
        List<SchemaRelease> releases = SchemaReleases.of(compiled.getFullName());
        // Schema.equals compares names, types, defaults and properties: changing a default or a
        // field without freezing a new release fails here, not in production.
        assertThat(releases.get(releases.size() - 1).schema()).isEqualTo(compiled);
    }

    @ParameterizedTest
    @MethodSource("compiledSchemas")
    void eachReleaseIsBackwardAndForwardCompatibleWithEveryEarlierOne(Schema compiled) {
        List<SchemaRelease> releases = SchemaReleases.of(compiled.getFullName());
        for (int newer = 0; newer < releases.size(); newer++) {
            for (int older = 0; older < newer; older++) {
                Schema newSchema = releases.get(newer).schema();
                Schema oldSchema = releases.get(older).schema();
                assertThat(SchemaCompatibility.checkReaderWriterCompatibility(newSchema, oldSchema).getType())
                        .as("backward: %s reads data written with %s", releases.get(newer), releases.get(older))
                        .isEqualTo(SchemaCompatibilityType.COMPATIBLE);
                assertThat(SchemaCompatibility.checkReaderWriterCompatibility(oldSchema, newSchema).getType())
                        .as("forward: %s reads data written with %s", releases.get(older), releases.get(newer))
                        .isEqualTo(SchemaCompatibilityType.COMPATIBLE);
            }
        }
    }

    @Test
    void imageRecordHasAnOlderReleaseToEvolveFrom() {
        Map<String, List<SchemaRelease>> all = SchemaReleases.all();
        assertThat(all.get(ImageRecord.getClassSchema().getFullName())).extracting(SchemaRelease::version)
                .containsExactly(1, 2);
    }

    @Test
    void fingerprintsOfDifferentReleasesDiffer() {
        List<SchemaRelease> images = SchemaReleases.of(ImageRecord.getClassSchema().getFullName());
        assertThat(images.get(0).fingerprint()).isNotEqualTo(images.get(1).fingerprint());
    }
}
