package io.resflow.trainer.export;

import ai.djl.Model;
import ai.djl.nn.Block;
import io.resflow.runtime.files.Folders;
import io.resflow.runtime.files.SharedFolders;
import io.resflow.runtime.metadata.InputSpec;
import io.resflow.runtime.metadata.ModelMetadata;
import io.resflow.runtime.metadata.SignatureSpec;
import io.resflow.trainer.resnet.ResNetSpec;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Exports a trained ResNet (DJL, PyTorch engine) as a TensorFlow SavedModel for the streaming
 * pipeline, and refuses to publish it unless DJL's TensorFlow engine reproduces the trained model.
 *
 * <p>The SavedModel has tag {@code serve} and signature {@code serving_default} mapping {@code
 * input}, float32 NCHW pixels already scaled to [0, 1] (shape [-1, C, H, W]), to {@code
 * probabilities} [-1, classes]; per-channel normalisation and softmax happen in the graph (see
 * {@link ResNetGraph}). {@code assets/resflow-model.json} carries the {@link ModelMetadata}.
 *
 * <p>{@link #export} writes into a hidden sibling folder, runs the {@link ParityGate} on the
 * caller's images and only then moves the folder to the target, so a model that fails the gate
 * never appears where the pipeline looks.
 *
 * <pre>{@code
 * SavedModelExporter exporter = SavedModelExporter.builder()
 *         .setMetadata(ModelMetadata.builder()
 *                 .setName("fashion-resnet20").setVersion("1")
 *                 .setLabels(FashionMnist.CLASS_NAMES)
 *                 .setDataset("fashion-mnist")
 *                 .optTestAccuracy(0.921))
 *         .setMean(0.2860f).setStd(0.3530f)
 *         .build();
 * ExportResult result = exporter.export(model, net.spec(), parityImages, Path.of("models/fashion-resnet20/1"));
 * System.out.println(result.parity().describe());
 * }</pre>
 */
public final class SavedModelExporter {

    /**
     * What callers multiply 0..255 pixels by before feeding an exported model: its graph normalises
     * from 0..1.
     */
    public static final float PIXEL_SCALE = 1f / 255;

    private static final Logger LOG = LoggerFactory.getLogger(SavedModelExporter.class);

    /** Signature input and output keys; the signature itself is {@code serving_default}. */
    public static final SignatureSpec SIGNATURE =
            SignatureSpec.servingDefault(ResNetGraph.INPUT, ResNetGraph.OUTPUT);

    private final Builder settings;
    private final ParityGate gate;

    private SavedModelExporter(Builder settings) {
        this.settings = settings;
        this.gate = new ParityGate(settings.tolerance, settings.parityBatchSize);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The gate {@link #export} applies. */
    public ParityGate parityGate() {
        return gate;
    }

    /** Exports {@code model}'s block; see {@link #export(Block, ResNetSpec, float[], Path)}. */
    public ExportResult export(Model model, ResNetSpec spec, float[] parityImages, Path directory)
            throws IOException {
        Objects.requireNonNull(model, "model");
        return export(model.getBlock(), spec, parityImages, directory);
    }

    /**
     * Writes the SavedModel, checks it against {@code block} on {@code parityImages}, and moves it
     * to {@code directory}.
     *
     * @param block the trained block, built from {@code spec} ({@code ResNet.newBlock(spec)} or
     *     {@code ResNet.block()})
     * @param spec the block's architecture
     * @param parityImages NCHW pixels in [0, 1] of the spec's input shape; 256 held-out images are
     *     a good gate
     * @param directory the SavedModel folder to create; must not exist yet
     * @throws ParityException if the SavedModel does not reproduce the block ({@link ParityGate}:
     *     every probability within the tolerance, log-probabilities within ten times it, the same
     *     top class); nothing is left on disk
     * @throws FileAlreadyExistsException if {@code directory} exists
     * @throws IllegalArgumentException if labels, mean or std do not fit the spec, or the block
     *     does not match it
     */
    public ExportResult export(Block block, ResNetSpec spec, float[] parityImages, Path directory)
            throws IOException {
        Objects.requireNonNull(block, "block");
        Objects.requireNonNull(spec, "spec");
        Objects.requireNonNull(parityImages, "parityImages");
        Path target = directory.toAbsolutePath().normalize();
        if (Files.exists(target)) {
            throw new FileAlreadyExistsException(
                    target.toString(),
                    null,
                    "the SavedModel folder exists; export each model version to a new folder");
        }
        ModelMetadata metadata = metadata(spec);
        TensorFlowWeights weights = settings.tamper.apply(TensorFlowWeights.of(block, spec));
        Path parent = target.getParent();
        Files.createDirectories(parent);
        Path staging =
                Files.createTempDirectory(parent, "." + target.getFileName() + ".exporting-");
        boolean published = false;
        try {
            // A temp folder is private to its owner, and the rename keeps that: on Kubernetes the
            // trainer and Flink are different users sharing a group, so Flink could not read the
            // model.
            SharedFolders.openToOtherUsers(staging);
            long start = System.nanoTime();
            SavedModelWriter.write(weights, metadata, staging);
            long written = System.nanoTime();
            ParityResult parity = gate.check(block, staging, parityImages);
            LOG.info(
                    "Exported {} in {} ms; parity on {} images in {} ms: {}",
                    spec.description(),
                    (written - start) / 1_000_000,
                    parity.images(),
                    (System.nanoTime() - written) / 1_000_000,
                    parity.describe());
            Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
            published = true;
            return new ExportResult(target, metadata, parity);
        } finally {
            if (!published) {
                try {
                    Folders.deleteRecursively(staging);
                } catch (IOException e) {
                    LOG.warn(
                            "Could not delete the rejected export in {}: {}",
                            staging,
                            e.toString());
                }
            }
        }
    }

    /**
     * Completes the caller's metadata with what the spec and the graph determine, and names every
     * setting that does not fit the spec or the metadata format.
     */
    private ModelMetadata metadata(ResNetSpec spec) {
        int channels = spec.inputChannels();
        List<String> problems = new ArrayList<>();
        if (settings.mean.length != channels) {
            problems.add(
                    settings.mean.length + " mean values for " + channels + " input channel(s)");
        }
        if (settings.std.length != channels) {
            problems.add(settings.std.length + " std values for " + channels + " input channel(s)");
        }
        boolean normalizationFits = problems.isEmpty();
        float[] zeros = new float[channels];
        float[] ones = new float[channels];
        Arrays.fill(ones, 1);
        InputSpec input =
                InputSpec.builder()
                        .setChannels(channels)
                        .setHeight(spec.inputHeight())
                        .setWidth(spec.inputWidth())
                        // The graph normalises from 0..1 (ResNetGraph), so callers scale 0..255
                        // pixels by 1/255.
                        .setPixelScale(PIXEL_SCALE)
                        // A stand-in when mean or std do not fit, so that the metadata's own
                        // problems are named too; nothing is written then.
                        .setMean(normalizationFits ? settings.mean : zeros)
                        .setStd(normalizationFits ? settings.std : ones)
                        .build();
        ModelMetadata metadata = null;
        try {
            metadata =
                    settings.metadata
                            .setInput(input)
                            .setSignature(SIGNATURE)
                            .setArchitecture(spec.description())
                            .setParameterCount(spec.trainableParameterCount())
                            .setCreatedAt(Instant.now())
                            .build();
        } catch (IllegalArgumentException e) {
            problems.add(0, "metadata: " + e.getMessage());
        }
        if (metadata != null && metadata.classCount() != spec.numClasses()) {
            problems.add(
                    0,
                    metadata.classCount()
                            + " labels for a "
                            + spec.numClasses()
                            + "-class network");
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(
                    "export settings do not fit " + spec + ": " + String.join("; ", problems));
        }
        return metadata;
    }

    /**
     * Builds a {@link SavedModelExporter}: {@code setX} are required, {@code optX} optional. The
     * architecture and parameter count (trainable, the papers' convention) come from the spec; the
     * metadata's own fields are checked, with the spec, when exporting, before anything is written.
     */
    public static final class Builder {

        private ModelMetadata.Builder metadata;
        private float[] mean;
        private float[] std;
        private double tolerance = ParityGate.DEFAULT_TOLERANCE;
        private int parityBatchSize = ParityGate.DEFAULT_BATCH_SIZE;
        private UnaryOperator<TensorFlowWeights> tamper = UnaryOperator.identity();

        private Builder() {}

        /**
         * What the model is: name, version, labels (one per class of the network, in output order),
         * dataset and optionally test accuracy. The exporter completes this builder at each export
         * with what the spec and the graph determine (input, signature, architecture, parameter
         * count) and the export time as creation time, replacing any set there.
         */
        public Builder setMetadata(ModelMetadata.Builder metadata) {
            this.metadata = metadata;
            return this;
        }

        /** Per-channel mean of the [0, 1] training pixels, subtracted inside the graph. */
        public Builder setMean(float... mean) {
            this.mean = mean == null ? null : mean.clone();
            return this;
        }

        /**
         * Per-channel standard deviation of the [0, 1] training pixels, divided by inside the
         * graph.
         */
        public Builder setStd(float... std) {
            this.std = std == null ? null : std.clone();
            return this;
        }

        /**
         * Largest accepted probability difference in the parity gate, default 1e-4;
         * log-probabilities may differ by ten times it.
         */
        public Builder optParityTolerance(double tolerance) {
            this.tolerance = tolerance;
            return this;
        }

        /** Images per forward pass in the parity gate; default 32. */
        public Builder optParityBatchSize(int batchSize) {
            this.parityBatchSize = batchSize;
            return this;
        }

        /** Test hook: alter the converted weights before writing, to prove the gate catches it. */
        Builder tamperWith(UnaryOperator<TensorFlowWeights> tamper) {
            this.tamper = Objects.requireNonNull(tamper);
            return this;
        }

        /**
         * @throws IllegalArgumentException naming every missing or invalid setting
         */
        public SavedModelExporter build() {
            List<String> problems = new ArrayList<>();
            if (metadata == null) {
                problems.add(
                        "setMetadata is missing (a ModelMetadata.builder() with name, version,"
                                + " labels and dataset)");
            }
            if (mean == null) {
                problems.add("setMean is missing (per-channel mean of [0, 1] pixels, e.g. 0.2860)");
            }
            if (std == null) {
                problems.add("setStd is missing (per-channel std of [0, 1] pixels, e.g. 0.3530)");
            }
            if (!(tolerance >= 0 && tolerance < 1)) {
                problems.add("parity tolerance " + tolerance + " must be in [0, 1), e.g. 1e-4");
            }
            if (parityBatchSize < 1) {
                problems.add("parity batch size " + parityBatchSize + " must be at least 1");
            }
            if (!problems.isEmpty()) {
                throw new IllegalArgumentException(
                        "SavedModelExporter: " + String.join("; ", problems));
            }
            return new SavedModelExporter(this);
        }
    }
}
