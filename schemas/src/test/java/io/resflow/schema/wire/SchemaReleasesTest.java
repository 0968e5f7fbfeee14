package io.resflow.schema.wire;

import static org.assertj.core.api.Assertions.assertThat;

import io.resflow.schema.DeadLetter;
import io.resflow.schema.ImageRecord;
import io.resflow.schema.LabelStats;
import io.resflow.schema.ModelUpdate;
import io.resflow.schema.Prediction;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.apache.avro.LogicalType;
import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.SchemaCompatibilityType;
import org.apache.avro.SchemaNormalization;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class SchemaReleasesTest {

    static List<Schema> compiledSchemas() {
        return List.of(
                ImageRecord.getClassSchema(),
                Prediction.getClassSchema(),
                DeadLetter.getClassSchema(),
                LabelStats.getClassSchema(),
                ModelUpdate.getClassSchema());
    }

    @Test
    void everyCompiledRecordIsReleasedAndNothingElseIs() {
        assertThat(SchemaReleases.all().keySet())
                .containsExactlyInAnyOrderElementsOf(
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
                assertThat(
                                SchemaCompatibility.checkReaderWriterCompatibility(
                                                newSchema, oldSchema)
                                        .getType())
                        .as(
                                "backward: %s reads data written with %s",
                                releases.get(newer), releases.get(older))
                        .isEqualTo(SchemaCompatibilityType.COMPATIBLE);
                assertThat(
                                SchemaCompatibility.checkReaderWriterCompatibility(
                                                oldSchema, newSchema)
                                        .getType())
                        .as(
                                "forward: %s reads data written with %s",
                                releases.get(older), releases.get(newer))
                        .isEqualTo(SchemaCompatibilityType.COMPATIBLE);
                // Avro calls timestamp-millis and -micros (or decimals of another scale)
                // compatible, and they share
                // a fingerprint: the values would be read 1000x off, silently.
                assertSameLogicalTypes(
                        newSchema,
                        oldSchema,
                        newSchema.getName(),
                        releases.get(newer) + " vs " + releases.get(older));
                assertThat(releases.get(newer).fingerprint())
                        .as("%s and %s", releases.get(newer), releases.get(older))
                        .isNotEqualTo(releases.get(older).fingerprint());
            }
        }
    }

    /**
     * Every field both schemas have carries the same logical type (with the same decimal precision
     * and scale).
     */
    private static void assertSameLogicalTypes(Schema a, Schema b, String path, String releases) {
        Schema x = nonNull(a);
        Schema y = nonNull(b);
        assertThat(describe(x.getLogicalType()))
                .as("logical type of %s in %s", path, releases)
                .isEqualTo(describe(y.getLogicalType()));
        if (x.getType() == Schema.Type.RECORD && y.getType() == Schema.Type.RECORD) {
            for (Schema.Field field : x.getFields()) {
                Schema.Field other = y.getField(field.name());
                if (other != null) {
                    assertSameLogicalTypes(
                            field.schema(), other.schema(), path + "." + field.name(), releases);
                }
            }
        } else if (x.getType() == Schema.Type.ARRAY && y.getType() == Schema.Type.ARRAY) {
            assertSameLogicalTypes(x.getElementType(), y.getElementType(), path + "[]", releases);
        } else if (x.getType() == Schema.Type.MAP && y.getType() == Schema.Type.MAP) {
            assertSameLogicalTypes(x.getValueType(), y.getValueType(), path + "{}", releases);
        }
    }

    /** The non-null branch of an optional field's union. */
    private static Schema nonNull(Schema schema) {
        if (schema.getType() != Schema.Type.UNION) {
            return schema;
        }
        List<Schema> branches =
                schema.getTypes().stream().filter(t -> t.getType() != Schema.Type.NULL).toList();
        return branches.size() == 1 ? branches.get(0) : schema;
    }

    private static String describe(LogicalType type) {
        if (type == null) {
            return "none";
        }
        return type instanceof LogicalTypes.Decimal d
                ? type.getName() + "(" + d.getPrecision() + "," + d.getScale() + ")"
                : type.getName();
    }

    @Test
    void releasedSchemasAreFrozen() throws IOException {
        List<String> frozen =
                lines(SchemaReleasesTest.class.getResourceAsStream("frozen-releases.txt"));
        List<String> released = new ArrayList<>();
        for (String file : SchemaReleases.indexEntries()) {
            String text;
            try (InputStream in = SchemaReleases.open(file)) {
                text = new String(in.readAllBytes(), StandardCharsets.UTF_8).replace("\r\n", "\n");
            }
            long fingerprint =
                    SchemaNormalization.parsingFingerprint64(new Schema.Parser().parse(text));
            released.add(file + " " + WireFormatException.hex(fingerprint) + " " + sha256(text));
        }
        assertThat(released)
                .as(
                        "releases/INDEX against frozen-releases.txt: a shipped release was edited"
                            + " or removed, or a new one is not frozen yet (append its line; see"
                            + " the file's header)")
                .isEqualTo(frozen);
    }

    private static List<String> lines(InputStream in) throws IOException {
        try (InputStream stream = in) {
            return new String(stream.readAllBytes(), StandardCharsets.UTF_8)
                    .lines()
                    .map(String::strip)
                    .filter(l -> !l.isEmpty() && !l.startsWith("#"))
                    .toList();
        }
    }

    private static String sha256(String text) {
        try {
            return HexFormat.of()
                    .formatHex(
                            MessageDigest.getInstance("SHA-256")
                                    .digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void imageRecordHasAnOlderReleaseToEvolveFrom() {
        Map<String, List<SchemaRelease>> all = SchemaReleases.all();
        assertThat(all.get(ImageRecord.getClassSchema().getFullName()))
                .extracting(SchemaRelease::version)
                .containsExactly(1, 2);
    }

    @Test
    void fingerprintsOfDifferentReleasesDiffer() {
        List<SchemaRelease> images = SchemaReleases.of(ImageRecord.getClassSchema().getFullName());
        assertThat(images.get(0).fingerprint()).isNotEqualTo(images.get(1).fingerprint());
    }
}
