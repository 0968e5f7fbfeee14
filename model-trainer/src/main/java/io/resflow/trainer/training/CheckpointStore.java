package io.resflow.trainer.training;

import ai.djl.MalformedModelException;
import ai.djl.Model;
import io.resflow.trainer.evaluation.ReportJson;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Per-epoch checkpoints in {@code <run>/checkpoints}: DJL's {@code <model>-NNNN.params} and our
 * {@code checkpoint-NNNN.json}. The JSON is written (atomically) after the parameters, so a
 * checkpoint counts only when both are complete; a crash while saving leaves the previous one.
 */
public final class CheckpointStore {

    public static final String FOLDER = "checkpoints";
    private static final Pattern JSON_NAME = Pattern.compile("checkpoint-(\\d{4,})\\.json");

    private final Path directory;

    public CheckpointStore(Path runDirectory) {
        this.directory = runDirectory.resolve(FOLDER);
    }

    public Path directory() {
        return directory;
    }

    /** Saves the model's parameters and the checkpoint record for {@code checkpoint.epoch()}. */
    public Path save(Model model, Checkpoint checkpoint) throws IOException {
        Files.createDirectories(directory);
        model.setProperty("Epoch", String.valueOf(checkpoint.epoch()));
        model.save(directory, checkpoint.modelName());
        Path params = directory.resolve(checkpoint.parametersFile());
        if (!Files.isRegularFile(params)) {
            throw new IOException("DJL did not write the expected parameter file " + params);
        }
        Path json =
                directory.resolve(
                        String.format(
                                java.util.Locale.ROOT, "checkpoint-%04d.json", checkpoint.epoch()));
        ReportJson.write(checkpoint, json);
        return json;
    }

    /** The parameter file name DJL uses for a model name and epoch. */
    public static String parametersFile(String modelName, int epoch) {
        return String.format(java.util.Locale.ROOT, "%s-%04d.params", modelName, epoch);
    }

    /** The checkpoint with the highest epoch whose parameter file exists, if any. */
    public Optional<Checkpoint> latest() throws IOException {
        if (!Files.isDirectory(directory)) {
            return Optional.empty();
        }
        Optional<Path> newest;
        try (Stream<Path> files = Files.list(directory)) {
            newest =
                    files.filter(p -> JSON_NAME.matcher(p.getFileName().toString()).matches())
                            .max(Comparator.comparingInt(CheckpointStore::epochOf));
        }
        if (newest.isEmpty()) {
            return Optional.empty();
        }
        Checkpoint checkpoint = ReportJson.read(newest.get(), Checkpoint.class);
        if (checkpoint.formatVersion() != Checkpoint.FORMAT_VERSION) {
            throw new IOException(
                    newest.get()
                            + ": checkpoint format "
                            + checkpoint.formatVersion()
                            + " is not the supported "
                            + Checkpoint.FORMAT_VERSION);
        }
        if (!Files.isRegularFile(directory.resolve(checkpoint.parametersFile()))) {
            throw new IOException(
                    newest.get()
                            + ": its parameter file "
                            + checkpoint.parametersFile()
                            + " is missing from "
                            + directory);
        }
        return Optional.of(checkpoint);
    }

    /** Loads the checkpoint's parameters into the model's block. */
    public void load(Model model, Checkpoint checkpoint) throws IOException {
        try {
            model.load(
                    directory,
                    checkpoint.modelName(),
                    Map.of("epoch", String.valueOf(checkpoint.epoch())));
        } catch (MalformedModelException | RuntimeException e) {
            throw new IOException(
                    directory.resolve(checkpoint.parametersFile())
                            + ": cannot load into this model ("
                            + e.getMessage()
                            + "); was the checkpoint written by a different architecture?",
                    e);
        }
    }

    private static int epochOf(Path json) {
        Matcher m = JSON_NAME.matcher(json.getFileName().toString());
        return m.matches() ? Integer.parseInt(m.group(1)) : -1;
    }
}
