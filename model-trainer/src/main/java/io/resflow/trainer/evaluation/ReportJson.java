package io.resflow.trainer.evaluation;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.TypeAdapter;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import com.google.gson.stream.JsonWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * The one Gson configuration for the trainer's JSON files (reports, training results, checkpoints):
 * pretty-printed, NaN allowed (an accuracy over no examples is NaN), paths as strings (Gson cannot
 * reflect into {@code java.nio} classes on Java 17).
 */
public final class ReportJson {

    private static final Gson GSON =
            new GsonBuilder()
                    .setPrettyPrinting()
                    .serializeSpecialFloatingPointValues()
                    .disableHtmlEscaping()
                    .registerTypeHierarchyAdapter(Path.class, new PathAdapter())
                    .create();

    private ReportJson() {}

    public static Gson gson() {
        return GSON;
    }

    /** Writes the value as JSON, atomically (a crash leaves the old file or the new one, whole). */
    public static void write(Object value, Path file) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        Files.createDirectories(parent);
        Path temp = parent.resolve(file.getFileName() + ".tmp");
        try {
            Files.writeString(temp, GSON.toJson(value) + "\n", StandardCharsets.UTF_8);
            Files.move(
                    temp,
                    file,
                    StandardCopyOption.REPLACE_EXISTING,
                    StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    public static <T> T read(Path file, Class<T> type) throws IOException {
        try {
            T value = GSON.fromJson(Files.readString(file, StandardCharsets.UTF_8), type);
            if (value == null) {
                throw new IOException(file + ": empty JSON file");
            }
            return value;
        } catch (com.google.gson.JsonParseException e) {
            throw new IOException(
                    file
                            + ": not a valid "
                            + type.getSimpleName()
                            + " JSON file ("
                            + e.getMessage()
                            + ")",
                    e);
        }
    }

    private static final class PathAdapter extends TypeAdapter<Path> {
        @Override
        public void write(JsonWriter out, Path value) throws IOException {
            if (value == null) {
                out.nullValue();
            } else {
                out.value(value.toString());
            }
        }

        @Override
        public Path read(JsonReader in) throws IOException {
            if (in.peek() == JsonToken.NULL) {
                in.nextNull();
                return null;
            }
            return Path.of(in.nextString());
        }
    }
}
