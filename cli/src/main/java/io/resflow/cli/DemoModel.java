package io.resflow.cli;

import io.resflow.datasets.FashionMnist;
import io.resflow.runtime.files.Folders;
import io.resflow.runtime.metadata.ModelMetadata;
import io.resflow.trainer.run.RunDescription;
import io.resflow.trainer.run.TrainingRun;
import io.resflow.trainer.training.LearningRateSchedule;
import io.resflow.trainer.training.TrainingConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.flink.util.FileUtils;

/**
 * The demo's model: the SavedModel at the given path, or, when it is missing, a ResNet-20 trained
 * quickly on Fashion-MNIST (one pass of {@value #QUICK_BATCHES} batches with a cosine schedule:
 * about 2 to 3 minutes on 2 CPU cores, about 88% test accuracy) and exported there.
 */
final class DemoModel {

    static final String ARCHITECTURE = "resnet-20-v1-basic-A";
    static final int QUICK_BATCHES = 400;
    static final String QUICK_MODEL_NAME = "fashion-resnet20-quick";

    /** Where, next to {@code --model}, the quick model trains. */
    static final String QUICK_RUN_FOLDER = "quick-training";

    private DemoModel() {}

    /**
     * Refuses a path that holds something other than a SavedModel, before minutes of training whose
     * export could not be moved there; an absent path or an empty folder is fine.
     */
    private static void checkUsable(Path savedModel) throws IOException {
        if (DemoCommand.exists(savedModel)
                || !Files.exists(savedModel)
                || isEmptyFolder(savedModel)) {
            return;
        }
        throw new IllegalArgumentException(
                "--model "
                        + savedModel
                        + " exists but is not a SavedModel (no "
                        + "saved_model.pb with "
                        + ModelMetadata.file(savedModel).getFileName()
                        + "): give a SavedModel folder (a training run's is <run>/saved-model), or"
                        + " a path that does not exist yet to train one there");
    }

    static ModelMetadata ensure(Path savedModel, FashionMnist mnist) throws Exception {
        if (DemoCommand.exists(savedModel)) {
            return ModelMetadata.read(savedModel);
        }
        checkUsable(savedModel);
        Path run = savedModel.toAbsolutePath().getParent().resolve(QUICK_RUN_FOLDER);
        clearEarlierQuickRun(run, savedModel);
        System.out.printf(
                "      No model at %s yet: training a quick %s (%d batches of 128, one pass) ...%n",
                savedModel, ARCHITECTURE, QUICK_BATCHES);
        TrainingRun.RunResult result =
                TrainingRun.builder()
                        .setArchitecture(ARCHITECTURE)
                        .setTrainingConfig(
                                TrainingConfig.builder()
                                        .setRunDirectory(run)
                                        .optModelName(QUICK_MODEL_NAME)
                                        .optEpochs(1)
                                        .optMaxBatchesPerEpoch(QUICK_BATCHES)
                                        .optDecay(LearningRateSchedule.Decay.COSINE)
                                        // Too short a run to gain from augmentation.
                                        .optAugmentation(false)
                                        .build())
                        .setData(
                                mnist.load(FashionMnist.Split.TRAIN),
                                mnist.load(FashionMnist.Split.TEST),
                                "fashion-mnist")
                        .build()
                        .run();
        Path exported = result.export().orElseThrow().directory();
        Files.createDirectories(savedModel.toAbsolutePath().getParent());
        Files.deleteIfExists(savedModel.toAbsolutePath()); // an empty folder, see checkUsable
        Files.move(exported, savedModel.toAbsolutePath());
        System.out.printf(
                "      Trained in %.0f s, test accuracy %.4f; %s%n",
                result.training().wallTimeSeconds(),
                result.training().testAccuracy(),
                result.export().get().parity().describe());
        return ModelMetadata.read(savedModel);
    }

    /**
     * Clears what an earlier quick training left in {@code run} (one that stopped before its export
     * moved away): an empty folder, or a run of the quick model by its {@code run.json}. Anything
     * else there is the user's, and is refused rather than deleted.
     */
    static void clearEarlierQuickRun(Path run, Path savedModel) throws IOException {
        if (!Files.exists(run)) {
            return;
        }
        if (!isEmptyFolder(run) && !isQuickRun(run)) {
            throw new IllegalArgumentException(
                    run
                            + " exists and is not an earlier demo training run: the demo trains"
                            + " its quick model in that folder, next to --model "
                            + savedModel
                            + ". Move the folder away, or"
                            + " give a --model in another folder");
        }
        FileUtils.deleteDirectory(run.toFile());
    }

    private static boolean isQuickRun(Path run) {
        try {
            return QUICK_MODEL_NAME.equals(RunDescription.read(run).modelName());
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    private static boolean isEmptyFolder(Path path) throws IOException {
        return Files.isDirectory(path) && !Folders.hasEntries(path);
    }
}
