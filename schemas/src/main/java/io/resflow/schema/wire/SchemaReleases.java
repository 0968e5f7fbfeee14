package io.resflow.schema.wire;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.avro.Schema;

/**
 * Every released version of every record on the wire, read from the frozen copies under {@code
 * io/resflow/schema/releases/} (listed in its {@code INDEX}). Readers register all of them so
 * records from older writers still decode; see {@link SingleObjectCodec}.
 */
public final class SchemaReleases {

    private static final String DIRECTORY = "/io/resflow/schema/releases/";
    private static final Pattern FILE_NAME =
            Pattern.compile("([A-Za-z][A-Za-z0-9_]*)-v([0-9]+)\\.avsc");

    private static final Map<String, List<SchemaRelease>> RELEASES = load();

    private SchemaReleases() {}

    /**
     * The releases of a record, by its full name (e.g. {@code io.resflow.schema.ImageRecord}),
     * oldest first.
     */
    public static List<SchemaRelease> of(String fullName) {
        List<SchemaRelease> releases = RELEASES.get(fullName);
        if (releases == null) {
            throw new IllegalArgumentException(
                    "No released schema for "
                            + fullName
                            + "; released records are "
                            + RELEASES.keySet());
        }
        return releases;
    }

    /** Every record's releases, keyed by full name, each list oldest first. */
    public static Map<String, List<SchemaRelease>> all() {
        return RELEASES;
    }

    private static Map<String, List<SchemaRelease>> load() {
        Map<String, List<SchemaRelease>> byRecord = new LinkedHashMap<>();
        for (String fileName : indexEntries()) {
            Matcher matcher = FILE_NAME.matcher(fileName);
            if (!matcher.matches()) {
                throw new IllegalStateException(
                        DIRECTORY
                                + "INDEX lists '"
                                + fileName
                                + "'; release files are named <Record>-v<N>.avsc");
            }
            Schema schema = parse(fileName);
            if (!schema.getName().equals(matcher.group(1))) {
                throw new IllegalStateException(
                        DIRECTORY
                                + fileName
                                + " defines "
                                + schema.getFullName()
                                + ", not "
                                + matcher.group(1));
            }
            int version = Integer.parseInt(matcher.group(2));
            byRecord.computeIfAbsent(schema.getFullName(), name -> new ArrayList<>())
                    .add(new SchemaRelease(schema.getFullName(), version, schema));
        }
        Map<String, List<SchemaRelease>> frozen = new LinkedHashMap<>();
        byRecord.forEach(
                (name, releases) -> {
                    releases.sort(Comparator.comparingInt(SchemaRelease::version));
                    for (int i = 0; i < releases.size(); i++) {
                        if (releases.get(i).version() != i + 1) {
                            throw new IllegalStateException(
                                    name
                                            + " releases must be numbered 1, 2, 3, ... without"
                                            + " gaps; found "
                                            + releases);
                        }
                    }
                    frozen.put(name, List.copyOf(releases));
                });
        return Map.copyOf(frozen);
    }

    /** The release files releases/INDEX lists, oldest first. */
    static List<String> indexEntries() {
        try (InputStream in = open("INDEX");
                BufferedReader reader =
                        new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            return reader.lines()
                    .map(String::strip)
                    .filter(line -> !line.isEmpty() && !line.startsWith("#"))
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Schema parse(String fileName) {
        // A parser per file: each release is self-contained, and two versions of one record
        // may not share a parser's name table.
        try (InputStream in = open(fileName)) {
            return new Schema.Parser().parse(in);
        } catch (IOException e) {
            throw new UncheckedIOException(DIRECTORY + fileName + ": " + e.getMessage(), e);
        }
    }

    /** A file of the releases folder. */
    static InputStream open(String fileName) {
        InputStream in = SchemaReleases.class.getResourceAsStream(DIRECTORY + fileName);
        if (in == null) {
            throw new IllegalStateException("Missing resource " + DIRECTORY + fileName);
        }
        return in;
    }
}
