package io.resflow.trainer.run;

import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.translate.TranslateException;
import io.resflow.datasets.LabelledImages;
import io.resflow.runtime.metadata.ModelMetadata;
import io.resflow.trainer.evaluation.EvaluationReportWriter;
import io.resflow.trainer.export.ExportResult;
import io.resflow.trainer.export.SavedModelExporter;
import io.resflow.trainer.resnet.ResNet;
import io.resflow.trainer.training.ImageClassifierTrainer;
import io.resflow.trainer.training.TrainingConfig;
import io.resflow.trainer.training.TrainingDevices;
import io.resflow.trainer.training.TrainingResult;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * One run of the trainer from data to a servable model: build the ResNet for the data's shape and
 * classes, train it ({@link ImageClassifierTrainer}), write the evaluation report and plots, and
 * export the trained weights as a TensorFlow SavedModel through the parity gate ({@link
 * SavedModelExporter}). Everything lands in the run directory:
 *
 * <pre>
 * runs/quick/
 *   run.json                  architecture and names, to export again later
 *   checkpoints/              one per epoch (resume)
 *   training-result.json, training-loss.png, training-error.png
 *   evaluation.json, confusion-matrix.png
 *   saved-model/              the SavedModel the pipeline serves (assets/resflow-model.json)
 * </pre>
 *
 * <pre>{@code
 * RunResult result = TrainingRun.builder()
 *         .setArchitecture("resnet-20-v1-basic-A")
 *         .setTrainingConfig(TrainingConfig.builder().setRunDirectory(Path.of("runs/quick")).optEpochs(1).build())
 *         .setData(train, test, "fashion-mnist")
 *         .build()
 *         .run();
 * }</pre>
 */
public final class TrainingRun {

    /** Folder of the SavedModel inside the run directory. */
    public static final String SAVED_MODEL = "saved-model";

    private static final int PARITY_IMAGES = 256;

    /** What a run produced. */
    public record RunResult(
            RunDescription description, TrainingResult training, Optional<ExportResult> export) {}

    private final String architecture;
    private final TrainingConfig config;
    private final LabelledImages train;
    private final LabelledImages test;
    private final String dataset;
    private final String modelVersion;
    private final boolean export;

    private TrainingRun(Builder b) {
        this.architecture = b.architecture;
        this.config = b.config;
        this.train = b.train;
        this.test = b.test;
        this.dataset = b.dataset;
        this.modelVersion = b.modelVersion;
        this.export = b.export;
    }

    public static Builder builder() {
        return new Builder();
    }

    public RunResult run() throws IOException, TranslateException {
        ResNet network =
                ResNet.builder(architecture)
                        .setInputShape(
                                train.shape().channels(),
                                train.shape().height(),
                                train.shape().width())
                        .setNumClasses(train.classNames().size())
                        .build();
        RunDescription description =
                new RunDescription(
                        config.modelName(),
                        modelVersion,
                        network.description(),
                        dataset,
                        train.classNames(),
                        new long[] {
                            train.shape().channels(), train.shape().height(), train.shape().width()
                        },
                        network.trainableParameterCount(),
                        Instant.now());
        description.write(config.runDirectory());
        Engine engine = Engine.getEngine(ImageClassifierTrainer.ENGINE);
        try (Model model =
                Model.newInstance(
                        config.modelName(),
                        TrainingDevices.select(engine, config.devices())[0],
                        ImageClassifierTrainer.ENGINE)) {
            model.setBlock(network.block());
            TrainingResult training = new ImageClassifierTrainer(config).train(model, train, test);
            EvaluationReportWriter.write(
                    training.testReport().toConfusionMatrix(),
                    config.runDirectory(),
                    network.description() + " on " + test.name());
            if (!export) {
                return new RunResult(description, training, Optional.empty());
            }
            ExportResult exported =
                    exporter(description, training)
                            .export(
                                    model,
                                    network.spec(),
                                    parityImages(test),
                                    config.runDirectory().resolve(SAVED_MODEL));
            return new RunResult(description, training, Optional.of(exported));
        }
    }

    static SavedModelExporter exporter(RunDescription description, TrainingResult training) {
        return SavedModelExporter.builder()
                .setMetadata(
                        ModelMetadata.builder()
                                .setName(description.modelName())
                                .setVersion(description.modelVersion())
                                .setLabels(description.classNames())
                                .setDataset(description.dataset())
                                .optTestAccuracy(training.testAccuracy()))
                .setMean(training.normalization().mean())
                .setStd(training.normalization().std())
                .build();
    }

    /** The first held-out images as the SavedModel takes them: NCHW, 0..1. */
    static float[] parityImages(LabelledImages test) {
        return test.toNchw(0, Math.min(PARITY_IMAGES, test.size()), SavedModelExporter.PIXEL_SCALE);
    }

    /** Settings of a {@link TrainingRun}; architecture, training config and data are required. */
    public static final class Builder {
        private String architecture;
        private TrainingConfig config;
        private LabelledImages train;
        private LabelledImages test;
        private String dataset;
        private String modelVersion = "1";
        private boolean export = true;

        private Builder() {}

        /**
         * A ResNet description such as {@code resnet-20-v1-basic-A} or {@code plain-56-v1-basic}.
         */
        public Builder setArchitecture(String architecture) {
            this.architecture = architecture;
            return this;
        }

        public Builder setTrainingConfig(TrainingConfig config) {
            this.config = config;
            return this;
        }

        /** Training and held-out images (same shape and classes), and a name for the metadata. */
        public Builder setData(LabelledImages train, LabelledImages test, String dataset) {
            this.train = train;
            this.test = test;
            this.dataset = dataset;
            return this;
        }

        public Builder optModelVersion(String modelVersion) {
            this.modelVersion = modelVersion;
            return this;
        }

        /** Whether to export a SavedModel at the end (default true). */
        public Builder optExport(boolean export) {
            this.export = export;
            return this;
        }

        public TrainingRun build() {
            List<String> problems = new ArrayList<>();
            if (architecture == null || architecture.isBlank()) {
                problems.add("setArchitecture(...) is required, e.g. resnet-20-v1-basic-A");
            } else {
                try {
                    ResNet.builder(architecture)
                            .setInputShape(1, 32, 32)
                            .setNumClasses(2)
                            .buildSpec();
                } catch (IllegalArgumentException e) {
                    problems.add("architecture " + architecture + ": " + e.getMessage());
                }
            }
            if (config == null) {
                problems.add("setTrainingConfig(...) is required");
            }
            if (train == null || test == null) {
                problems.add("setData(train, test, name) is required");
            } else if (test.size() == 0 || train.size() == 0) {
                problems.add("training and held-out images must not be empty");
            }
            if (modelVersion == null || modelVersion.isBlank()) {
                problems.add("model version must not be blank");
            }
            if (!problems.isEmpty()) {
                throw new IllegalArgumentException(
                        "Invalid training run: " + String.join("; ", problems));
            }
            return new TrainingRun(this);
        }
    }

    /** For tests and the CLI: where a run directory keeps its SavedModel. */
    public static Path savedModel(Path runDirectory) {
        return runDirectory.resolve(SAVED_MODEL);
    }
}
