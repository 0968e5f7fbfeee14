package io.resflow.cli;

import io.resflow.runtime.files.Folders;
import io.resflow.trainer.resnet.ResNet;
import io.resflow.trainer.resnet.ResNetVersion;
import io.resflow.trainer.resnet.ShortcutOption;
import io.resflow.trainer.resnet.UnitKind;
import io.resflow.trainer.run.TrainingRun;
import io.resflow.trainer.training.LearningRateSchedule;
import io.resflow.trainer.training.TrainingConfig;
import io.resflow.trainer.training.TrainingResult;
import io.resflow.trainer.training.Warmup;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
        name = "train",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Train a ResNet (v1/v2, basic/bottleneck, shortcuts A/B/C, or a plain twin) with DJL's"
                    + " PyTorch engine on the GPU when present, else the CPU; then evaluate it and"
                    + " export a TensorFlow SavedModel through the parity gate. Everything lands in"
                    + " --output.",
            "Example: ./resflow train --depth 20 --epochs 1 --max-batches 30 --output runs/quick"
        })
final class TrainCommand implements Callable<Integer> {

    @Option(
            names = "--output",
            required = true,
            description = "Run directory: checkpoints, logs, report, plots, SavedModel.")
    Path output;

    @Option(
            names = "--data",
            defaultValue = "fashion-mnist",
            description = "Training data: " + TrainingData.DESCRIPTION + ".")
    String data;

    @Option(
            names = "--depth",
            defaultValue = "20",
            description =
                    "Layers: 6n+2 (20, 32, 44, 56, 110) for basic CIFAR-style nets, 9n+2 (164) for"
                        + " bottleneck ones, or 18, 34, 50, 101, 152 (default: ${DEFAULT-VALUE}).")
    int depth;

    @Option(
            names = "--resnet-version",
            defaultValue = "v1",
            description =
                    "v1 (post-activation, 2015) or v2 (full pre-activation, 2016) (default:"
                            + " ${DEFAULT-VALUE}).")
    String version;

    @Option(names = "--unit", description = "basic or bottleneck (default: by depth).")
    String unit;

    @Option(
            names = "--shortcut",
            description =
                    "A (identity, zero-padded), B (projection where the shape changes) or C (all"
                            + " projections) (default: A for v1 CIFAR-style, else B).")
    String shortcut;

    @Option(
            names = "--plain",
            description = "The plain twin without shortcuts (the degradation experiment).")
    boolean plain;

    @Option(
            names = "--architecture",
            description =
                    "Instead of the options above: a description such as resnet-20-v1-basic-A or"
                            + " plain-56-v1-basic.")
    String architecture;

    @Option(
            names = "--epochs",
            defaultValue = "10",
            description = "Epochs (default: ${DEFAULT-VALUE}).")
    int epochs;

    @Option(
            names = "--batch-size",
            defaultValue = "128",
            description = "Batch size (default: ${DEFAULT-VALUE}).")
    int batchSize;

    @Option(
            names = "--lr",
            defaultValue = "0.1",
            description = "Base learning rate (default: ${DEFAULT-VALUE}).")
    float learningRate;

    @Option(
            names = "--schedule",
            defaultValue = "step",
            description =
                    "step (divide by 10 at 50%% and 75%%) or cosine (default: ${DEFAULT-VALUE}).")
    String schedule;

    @Option(
            names = "--warmup",
            defaultValue = "none",
            description =
                    "none, paper (lr 0.01 until training error < 80%%, the 110-layer trick) or a"
                            + " number of linear warm-up iterations (default: ${DEFAULT-VALUE}).")
    String warmup;

    @Option(
            names = "--max-batches",
            defaultValue = "0",
            description =
                    "Stop each epoch after this many batches; 0 = all (default: ${DEFAULT-VALUE}).")
    int maxBatches;

    @Option(
            names = "--augment",
            defaultValue = "true",
            arity = "1",
            description = "Pad 4, random crop, horizontal flip (default: ${DEFAULT-VALUE}).")
    boolean augment;

    @Option(
            names = "--seed",
            defaultValue = "42",
            description = "Random seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(
            names = "--resume",
            description = "Continue the run in --output from its latest checkpoint.")
    boolean resume;

    @Option(
            names = "--name",
            defaultValue = "fashion-resnet",
            description = "Model name in the SavedModel's metadata (default: ${DEFAULT-VALUE}).")
    String name;

    @Option(
            names = "--model-version",
            defaultValue = "1",
            description = "Model version in the metadata (default: ${DEFAULT-VALUE}).")
    String modelVersion;

    @Option(names = "--no-export", description = "Train and evaluate only.")
    boolean noExport;

    @Option(
            names = "--metrics-port",
            defaultValue = "0",
            description =
                    "Serve Prometheus /metrics on this port while training; 0 = off (default:"
                            + " ${DEFAULT-VALUE}).")
    int metricsPort;

    @Option(
            names = "--pushgateway",
            description =
                    "Push metrics to this Prometheus Pushgateway (host:port) at each epoch and at"
                            + " the end.")
    String pushgateway;

    @Option(
            names = "--image-size",
            defaultValue = "28",
            description =
                    "Height and width images from folders or Avro files are resized to (default:"
                            + " ${DEFAULT-VALUE}).")
    int imageSize;

    @Option(
            names = "--channels",
            defaultValue = "1",
            description =
                    "Channels of images from folders or Avro files: 1 or 3 (default:"
                            + " ${DEFAULT-VALUE}).")
    int channels;

    @Option(
            names = "--classes",
            split = ",",
            description =
                    "Class names in label order (required for avro: data; optional for folders).")
    List<String> classes = List.of();

    @Option(
            names = "--holdout",
            defaultValue = "0.1",
            description =
                    "Share of folder or Avro data held out for testing (default:"
                            + " ${DEFAULT-VALUE}).")
    double holdOut;

    @Override
    public Integer call() throws Exception {
        // The architecture first: a wrong depth should not wait for the data to load.
        String description = architecture != null ? architecture : describe();
        // Every option is checked before the data loads, which can take a while.
        LearningRateSchedule.Decay decay =
                choice("--schedule", schedule, LearningRateSchedule.Decay.class);
        Warmup warmupSchedule = warmup();
        if (!(holdOut > 0 && holdOut < 1)) {
            throw new IllegalArgumentException(
                    "--holdout " + holdOut + ": expected a share between 0 and 1, e.g. 0.1");
        }
        if (resume && Files.exists(output.resolve(TrainingRun.SAVED_MODEL))) {
            throw new IllegalArgumentException(
                    "the run in "
                            + output
                            + " is finished and exported ("
                            + output.resolve(TrainingRun.SAVED_MODEL)
                            + "): nothing to resume; train a new model into another"
                            + " --output");
        }
        if (!resume && Folders.hasEntries(output)) {
            // Checkpoints, reports and the SavedModel would land among what is there (a SavedModel,
            // say).
            throw new IllegalArgumentException(
                    "--output "
                            + output
                            + " is not empty: give a new folder for this run,"
                            + " or --resume to continue the run in it");
        }
        TrainingData.Split split =
                TrainingData.load(data, imageSize, imageSize, channels, classes, holdOut, seed);
        TrainingConfig.Builder config =
                TrainingConfig.builder()
                        .setRunDirectory(output)
                        .optModelName(name)
                        .optEpochs(epochs)
                        .optBatchSize(batchSize)
                        .optLearningRate(learningRate)
                        .optDecay(decay)
                        .optSeed(seed)
                        .optMaxBatchesPerEpoch(maxBatches)
                        .optAugmentation(augment)
                        .optResume(resume)
                        .optMetricsPort(metricsPort);
        if (pushgateway != null) {
            config.optPushgateway(pushgateway);
        }
        if (warmupSchedule != null) {
            config.optWarmup(warmupSchedule);
        }
        System.out.printf(
                "Training %s on %s: %d training and %d held-out images, output in %s%n",
                description, split.name(), split.train().size(), split.test().size(), output);
        TrainingRun.RunResult result =
                TrainingRun.builder()
                        .setArchitecture(description)
                        .setTrainingConfig(config.build())
                        .setData(split.train(), split.test(), split.name())
                        .optModelVersion(modelVersion)
                        .optExport(!noExport)
                        .build()
                        .run();
        TrainingResult training = result.training();
        System.out.printf(
                Locale.ROOT,
                "TRAINED %s epochs=%d iterations=%d train_loss=%.4f train_accuracy=%.4f"
                        + " test_accuracy=%.4f images_per_second=%.0f wall_seconds=%.0f%n",
                description,
                training.epochs(),
                training.iterations(),
                training.finalTrainLoss(),
                training.finalTrainAccuracy(),
                training.testAccuracy(),
                training.imagesPerSecond(),
                training.wallTimeSeconds());
        result.export()
                .ifPresent(
                        export -> {
                            System.out.println("Parity gate: " + export.parity().describe());
                            System.out.println("SavedModel: " + export.directory());
                        });
        return 0;
    }

    /**
     * The canonical description of the network the options name, with the builder's defaults filled
     * in.
     */
    private String describe() {
        ResNet.Builder network =
                ResNet.builder()
                        .setDepth(depth)
                        .setInputShape(channels, imageSize, imageSize)
                        .setNumClasses(2)
                        .optVersion(choice("--resnet-version", version, ResNetVersion.class))
                        .optPlain(plain);
        if (unit != null) {
            network.optUnit(choice("--unit", unit, UnitKind.class));
        }
        if (shortcut != null) {
            network.optShortcut(choice("--shortcut", shortcut, ShortcutOption.class));
        }
        return network.buildSpec().description();
    }

    /** The --warmup option, or null for none. */
    private Warmup warmup() {
        if (warmup.equals("none")) {
            return null;
        }
        if (warmup.equals("paper")) {
            return Warmup.paper110Layer();
        }
        try {
            return Warmup.linear(Integer.parseInt(warmup));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(
                    "--warmup " + warmup + ": expected none, paper or a number of iterations");
        }
    }

    /**
     * {@code value} as one of {@code type}'s constants, in any case; refused naming the choices.
     */
    static <E extends Enum<E>> E choice(String option, String value, Class<E> type) {
        for (E constant : type.getEnumConstants()) {
            if (constant.name().equalsIgnoreCase(value)) {
                return constant;
            }
        }
        throw new IllegalArgumentException(
                option
                        + " "
                        + value
                        + ": expected one of "
                        + Arrays.stream(type.getEnumConstants())
                                .map(
                                        c ->
                                                c.name().length() == 1
                                                        ? c.name()
                                                        : c.name().toLowerCase(Locale.ROOT))
                                .collect(Collectors.joining(", ")));
    }
}
