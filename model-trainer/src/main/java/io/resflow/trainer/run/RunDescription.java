package io.resflow.trainer.run;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

/**
 * What a run directory holds a model of ({@code run.json}): enough to rebuild the same network and
 * export it again, without the code that trained it.
 */
public record RunDescription(
        String modelName,
        String modelVersion,
        String architecture,
        String dataset,
        List<String> classNames,
        long[] inputShape,
        long trainableParameters,
        Instant createdAt) {

    public static final String FILE = "run.json";

    private static final Gson GSON =
            new GsonBuilder()
                    .setPrettyPrinting()
                    .registerTypeAdapter(
                            Instant.class,
                            new com.google.gson.TypeAdapter<Instant>() {
                                @Override
                                public void write(
                                        com.google.gson.stream.JsonWriter out, Instant value)
                                        throws IOException {
                                    out.value(value.toString());
                                }

                                @Override
                                public Instant read(com.google.gson.stream.JsonReader in)
                                        throws IOException {
                                    return Instant.parse(in.nextString());
                                }
                            })
                    .create();

    public void write(Path runDirectory) throws IOException {
        Files.createDirectories(runDirectory);
        Files.writeString(runDirectory.resolve(FILE), GSON.toJson(this));
    }

    public static RunDescription read(Path runDirectory) throws IOException {
        Path file = runDirectory.resolve(FILE);
        try {
            RunDescription description =
                    GSON.fromJson(Files.readString(file), RunDescription.class);
            if (description == null
                    || description.architecture() == null
                    || description.classNames() == null) {
                throw new IOException(file + ": missing architecture or class names");
            }
            return description;
        } catch (NoSuchFileException e) {
            throw new IOException(
                    runDirectory + " is not a training run directory (no " + FILE + ")", e);
        } catch (com.google.gson.JsonParseException e) {
            throw new IOException(file + ": not valid JSON: " + e.getMessage(), e);
        }
    }
}
