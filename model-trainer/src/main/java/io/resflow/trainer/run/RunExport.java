package io.resflow.trainer.run;

import ai.djl.MalformedModelException;
import ai.djl.Model;
import io.resflow.datasets.LabelledImages;
import io.resflow.trainer.export.ExportResult;
import io.resflow.trainer.resnet.ResNet;
import io.resflow.trainer.training.ImageClassifierTrainer;
import io.resflow.trainer.training.TrainingResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Exports a finished training run again, e.g. under a new version or after the parity gate was
 * changed: rebuilds the network from {@code run.json}, loads the run's final parameters, and writes
 * a SavedModel through the same exporter and parity gate as {@link TrainingRun}.
 */
public final class RunExport {

    private RunExport() {}

    /**
     * @param parityData held-out images of the run's shape, for the parity gate
     * @param version the model version to stamp, or null to keep the run's
     */
    public static ExportResult export(
            Path runDirectory, LabelledImages parityData, String version, Path target)
            throws IOException {
        RunDescription description = RunDescription.read(runDirectory);
        Path resultJson = runDirectory.resolve(TrainingResult.JSON_FILE);
        if (!Files.isRegularFile(resultJson)) {
            throw new IOException(
                    runDirectory
                            + " has no "
                            + TrainingResult.JSON_FILE
                            + ": the run did not finish");
        }
        TrainingResult training = TrainingResult.read(resultJson);
        long[] shape = description.inputShape();
        if (parityData.shape().channels() != shape[0]
                || parityData.shape().height() != shape[1]
                || parityData.shape().width() != shape[2]) {
            throw new IllegalArgumentException(
                    "parity images are "
                            + parityData.shape().channels()
                            + "x"
                            + parityData.shape().height()
                            + "x"
                            + parityData.shape().width()
                            + ", the run's model takes "
                            + shape[0]
                            + "x"
                            + shape[1]
                            + "x"
                            + shape[2]);
        }
        ResNet network =
                ResNet.builder(description.architecture())
                        .setInputShape((int) shape[0], (int) shape[1], (int) shape[2])
                        .setNumClasses(description.classNames().size())
                        .build();
        RunDescription stamped =
                version == null
                        ? description
                        : new RunDescription(
                                description.modelName(),
                                version,
                                description.architecture(),
                                description.dataset(),
                                description.classNames(),
                                shape,
                                description.trainableParameters(),
                                description.createdAt());
        try (Model model =
                Model.newInstance(
                        description.modelName(),
                        ai.djl.Device.cpu(),
                        ImageClassifierTrainer.ENGINE)) {
            model.setBlock(network.block());
            model.load(runDirectory, description.modelName());
            return TrainingRun.exporter(stamped, training)
                    .export(model, network.spec(), TrainingRun.parityImages(parityData), target);
        } catch (MalformedModelException e) {
            throw new IOException(
                    "the parameters in "
                            + runDirectory
                            + " do not fit "
                            + description.architecture()
                            + ": "
                            + e.getMessage(),
                    e);
        }
    }
}
