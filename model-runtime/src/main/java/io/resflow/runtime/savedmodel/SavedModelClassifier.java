package io.resflow.runtime.savedmodel;

import ai.djl.Device;
import ai.djl.MalformedModelException;
import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.inference.Predictor;
import ai.djl.tensorflow.engine.javacpp.JavacppUtils;
import ai.djl.translate.TranslateException;
import io.resflow.runtime.metadata.InputSpec;
import io.resflow.runtime.metadata.ModelMetadata;
import io.resflow.runtime.tensorflow.TensorFlowRuntime;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tensorflow.proto.ConfigProto;

/**
 * A ResFlow image classifier loaded from a TensorFlow SavedModel folder (with its {@link
 * ModelMetadata}) through DJL's TensorFlow engine, never touching the network.
 *
 * <pre>{@code
 * try (SavedModelClassifier classifier = SavedModelClassifier.open(savedModelDir, Device.cpu())) {
 *     float[] batch = ...; // n images, NCHW, pixel values already multiplied by metadata().input().pixelScale()
 *     float[][] probabilities = classifier.predict(batch); // [n][classes]
 * }
 * }</pre>
 *
 * <p><b>Threads:</b> one instance is meant to be shared by every thread of a JVM that uses the same
 * device. {@link #predict} may be called from any number of threads at once: each call uses its own
 * DJL {@link Predictor} (cheap to create) over the one loaded TensorFlow session, which runs
 * concurrent calls safely. {@link #close()} waits for calls in progress, and later calls fail with
 * {@link IllegalStateException}.
 */
public final class SavedModelClassifier implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(SavedModelClassifier.class);
    private static final int LISTED_FILES = 10;

    private final Path directory;
    private final ModelMetadata metadata;
    private final Device device;
    private final Model model;
    private final ProbabilitiesTranslator translator;
    // Read lock: a prediction in progress. Write lock: closing, so native memory is never freed
    // under a prediction.
    private final ReadWriteLock lifecycle = new ReentrantReadWriteLock();
    private boolean closed; // guarded by lifecycle

    private SavedModelClassifier(
            Path directory, ModelMetadata metadata, Device device, Model model) {
        this.directory = directory;
        this.metadata = metadata;
        this.device = device;
        this.model = model;
        this.translator = new ProbabilitiesTranslator(metadata);
    }

    /**
     * Checks the folder and its metadata, prepares TensorFlow ({@link TensorFlowRuntime#engine()}),
     * checks that the signature fits the metadata, and loads the model onto {@code device}.
     *
     * @param savedModelDir a SavedModel folder: {@code saved_model.pb}, {@code variables/}, and
     *     {@value ModelMetadata#RELATIVE_PATH}
     * @param device {@code Device.cpu()} or an existing {@code Device.gpu(i)}; see {@link
     *     io.resflow.runtime.device.Devices}
     * @throws InvalidSavedModelException the folder is missing, has no saved_model.pb, or its
     *     signature does not fit the metadata, or TensorFlow cannot load it
     * @throws io.resflow.runtime.metadata.ModelMetadataException the metadata file is missing or
     *     wrong
     * @throws io.resflow.runtime.tensorflow.TensorFlowUnavailableException TensorFlow cannot run
     *     here
     * @throws IllegalArgumentException the device does not exist on this machine
     */
    public static SavedModelClassifier open(Path savedModelDir, Device device) throws IOException {
        return open(savedModelDir, device, SessionThreads.tensorFlowDefaults());
    }

    /**
     * Like {@link #open(Path, Device)}, with TensorFlow's CPU threads set up as {@code threads}
     * says.
     */
    public static SavedModelClassifier open(
            Path savedModelDir, Device device, SessionThreads threads) throws IOException {
        Objects.requireNonNull(savedModelDir, "savedModelDir");
        Objects.requireNonNull(device, "device");
        Objects.requireNonNull(threads, "threads");
        Path directory = savedModelDir.toAbsolutePath().normalize();
        checkFolder(directory);
        ModelMetadata metadata = ModelMetadata.read(directory);

        Engine engine = TensorFlowRuntime.engine();
        // Asked once: DJL logs a warning on every call when a CUDA runtime is installed without a
        // driver.
        int gpuCount = engine.getGpuCount();
        checkDevice(engine, gpuCount, device);
        SignatureCheck.check(directory, metadata);

        long start = System.nanoTime();
        // Not try-with-resources: on success the classifier owns the model and closes it in
        // close().
        Model model = Model.newInstance(metadata.name(), device, engine.getEngineName());
        try {
            model.load(
                    directory,
                    SignatureCheck.SAVED_MODEL_FILE,
                    loadOptions(gpuCount, device, metadata, threads));
        } catch (MalformedModelException | IOException | RuntimeException e) {
            model.close();
            throw new InvalidSavedModelException(
                    directory, "TensorFlow could not load the SavedModel: " + e, e);
        }
        LOG.info(
                "Loaded model {} from {} on {} ({}) in {} ms",
                metadata,
                directory,
                device,
                threads,
                (System.nanoTime() - start) / 1_000_000);
        return new SavedModelClassifier(directory, metadata, device, model);
    }

    /**
     * Predicts a batch whose image count follows from its length.
     *
     * @param nchw n images laid out [n, channels, height, width], values already multiplied by
     *     {@link InputSpec#pixelScale()}
     * @return n rows of class probabilities, columns in {@link ModelMetadata#labels()} order
     * @throws IllegalArgumentException the length is not a positive multiple of one image's size
     * @throws IllegalStateException the classifier is closed
     * @throws PredictionException TensorFlow failed
     */
    public float[][] predict(float[] nchw) {
        Objects.requireNonNull(nchw, "nchw");
        InputSpec input = metadata.input();
        int perImage = input.shape().values();
        if (nchw.length == 0 || nchw.length % perImage != 0) {
            throw new IllegalArgumentException(
                    "Input has "
                            + nchw.length
                            + " values, which is not a whole number of "
                            + input.describeShape()
                            + " images ("
                            + perImage
                            + " values each) for model "
                            + metadata.name());
        }
        return predict(nchw, nchw.length / perImage);
    }

    /**
     * Predicts {@code imageCount} images; like {@link #predict(float[])} but also checks the count.
     *
     * @throws IllegalArgumentException {@code imageCount} is below 1 or {@code nchw} is not
     *     imageCount x channels x height x width long
     */
    public float[][] predict(float[] nchw, int imageCount) {
        Objects.requireNonNull(nchw, "nchw");
        InputSpec input = metadata.input();
        if (imageCount < 1) {
            throw new IllegalArgumentException("imageCount must be 1 or more, got " + imageCount);
        }
        long expected = (long) imageCount * input.shape().values();
        if (nchw.length != expected) {
            throw new IllegalArgumentException(
                    "Input has "
                            + nchw.length
                            + " values; "
                            + imageCount
                            + " image(s) of "
                            + input.describeShape()
                            + " need "
                            + imageCount
                            + " x "
                            + input.shape().channels()
                            + " x "
                            + input.shape().height()
                            + " x "
                            + input.shape().width()
                            + " = "
                            + expected
                            + " for model "
                            + metadata.name());
        }
        lifecycle.readLock().lock();
        try {
            if (closed) {
                throw new IllegalStateException(
                        "Model " + metadata.name() + " from " + directory + " is closed");
            }
            try (Predictor<ProbabilitiesTranslator.Batch, float[][]> predictor =
                    model.newPredictor(translator)) {
                return predictor.predict(new ProbabilitiesTranslator.Batch(nchw, imageCount));
            } catch (TranslateException | RuntimeException e) {
                throw new PredictionException(
                        "Predicting "
                                + imageCount
                                + " image(s) with model "
                                + metadata.name()
                                + " on "
                                + device
                                + " failed: "
                                + e.getMessage(),
                        e);
            }
        } finally {
            lifecycle.readLock().unlock();
        }
    }

    public ModelMetadata metadata() {
        return metadata;
    }

    public Device device() {
        return device;
    }

    /** The SavedModel folder, absolute. */
    public Path directory() {
        return directory;
    }

    /** Waits for predictions in progress, then frees the model's native memory. Idempotent. */
    @Override
    public void close() {
        lifecycle.writeLock().lock();
        try {
            if (!closed) {
                closed = true;
                model.close();
                LOG.info("Closed model {} ({})", metadata.name(), device);
            }
        } finally {
            lifecycle.writeLock().unlock();
        }
    }

    @Override
    public String toString() {
        return "SavedModelClassifier[" + metadata + " from " + directory + " on " + device + "]";
    }

    private static void checkFolder(Path directory) throws InvalidSavedModelException {
        if (!Files.exists(directory)) {
            throw new InvalidSavedModelException(directory, "the SavedModel folder does not exist");
        }
        if (!Files.isDirectory(directory)) {
            throw new InvalidSavedModelException(
                    directory,
                    "is a file, not a SavedModel folder (a folder holding "
                            + SignatureCheck.SAVED_MODEL_FILE
                            + ")");
        }
        if (!Files.isRegularFile(directory.resolve(SignatureCheck.SAVED_MODEL_FILE))) {
            throw new InvalidSavedModelException(
                    directory,
                    "has no "
                            + SignatureCheck.SAVED_MODEL_FILE
                            + ", so it is not a TensorFlow SavedModel folder; it holds "
                            + listFiles(directory));
        }
    }

    private static String listFiles(Path directory) {
        try (Stream<Path> files = Files.list(directory)) {
            List<String> names = files.map(path -> path.getFileName().toString()).sorted().toList();
            if (names.isEmpty()) {
                return "nothing";
            }
            return names.size() <= LISTED_FILES
                    ? names.toString()
                    : names.subList(0, LISTED_FILES)
                            + " and "
                            + (names.size() - LISTED_FILES)
                            + " more";
        } catch (IOException e) {
            return "files that cannot be listed (" + e + ")";
        }
    }

    private static void checkDevice(Engine engine, int gpus, Device device) {
        if (device.isGpu()) {
            if (device.getDeviceId() >= gpus) {
                throw new IllegalArgumentException(
                        "Device "
                                + device
                                + " does not exist: "
                                + engine.getEngineName()
                                + " sees "
                                + gpus
                                + " GPU(s). Use Device.cpu(), or Devices.forSlot(...) to pick one"
                                + " that exists.");
            }
        } else if (!Device.Type.CPU.equals(device.getDeviceType())) {
            throw new IllegalArgumentException(
                    "Device "
                            + device
                            + " is neither a CPU nor a GPU; "
                            + engine.getEngineName()
                            + " runs on cpu() or gpu(i)");
        }
    }

    private static Map<String, Object> loadOptions(
            int gpuCount, Device device, ModelMetadata metadata, SessionThreads threads) {
        Map<String, Object> options = new HashMap<>();
        options.put("Tags", SignatureCheck.SERVE_TAG);
        options.put("SignatureDefKey", metadata.signature().name());
        ConfigProto config = threads.applyTo(JavacppUtils.getSessionConfig());
        if (!device.isGpu() && gpuCount > 0) {
            // DJL's default session config exposes every GPU, and TensorFlow would place the graph
            // on GPU:0
            // even though the caller asked for the CPU; hiding the GPUs from this session keeps it
            // on the CPU.
            config = config.toBuilder().putDeviceCount("GPU", 0).build();
            LOG.info(
                    "GPUs are present but {} was asked for: hiding GPUs from this model's"
                            + " TensorFlow session",
                    device);
        } else if (device.isGpu() && device.getDeviceId() > 0) {
            LOG.warn(
                    "{} was asked for, but DJL's TensorFlow engine lets TensorFlow place the graph"
                        + " itself (normally on GPU:0); only input tensors go to {}. To spread work"
                        + " over GPUs, run one process per GPU with CUDA_VISIBLE_DEVICES.",
                    device,
                    device);
        }
        options.put("ConfigProto", config);
        return options;
    }
}
