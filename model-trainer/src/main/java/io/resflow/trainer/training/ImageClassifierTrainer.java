package io.resflow.trainer.training;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.Trainer;
import ai.djl.training.dataset.Batch;
import ai.djl.training.initializer.XavierInitializer;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import ai.djl.translate.TranslateException;
import io.prometheus.client.exporter.HTTPServer;
import io.resflow.datasets.LabelledImages;
import io.resflow.trainer.data.ChannelStatistics;
import io.resflow.trainer.data.ImageClassificationDataset;
import io.resflow.trainer.data.PadCropFlip;
import io.resflow.trainer.evaluation.ClassificationReport;
import io.resflow.trainer.evaluation.ClassifierEvaluation;
import io.resflow.trainer.evaluation.ConfusionMatrix;
import io.resflow.trainer.evaluation.ReportJson;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Trains an image classifier with DJL's PyTorch engine the way He et al. (2015) §4.2 trained their
 * CIFAR-10 ResNets: SGD with momentum and weight decay, a step (or cosine) learning-rate schedule
 * with optional warm-up, pad-crop-flip augmentation, He initialisation of convolution and dense
 * weights (§3.4, citing He et al. 2015b). Inputs are per-channel normalised with statistics of the
 * training set, returned in the result for serving.
 *
 * <p>Per run directory: a checkpoint after every epoch ({@link CheckpointStore}), the final
 * parameters {@code <model>-<epochs>.params} (DJL format, with the class names and normalisation as
 * model properties), and the reports of {@link TrainingReportWriter}. While training: a progress
 * bar on the console, Prometheus metrics ({@link TrainingMetrics}) on {@code /metrics} if a port is
 * set, pushed to a Pushgateway at each epoch end and at the end if one is set.
 *
 * <p><b>Resuming</b> ({@code optResume(true)}) continues from the latest complete checkpoint, or
 * starts afresh when there is none. Restored: all parameters including batch-norm running
 * statistics, the epoch and iteration (the learning-rate schedule continues through DJL's {@code
 * optBeginNumUpdate}), the warm-up state, the normalisation, the history; the data order and the
 * augmentations depend only on (seed, epoch), so they are the same as in an uninterrupted run. Not
 * restored: SGD's momentum buffers (DJL's {@code Sgd} keeps them private), so the first iterations
 * after a resume take steps without momentum (with momentum 0.9 the buffer is rebuilt within about
 * 10 iterations); and progress within an interrupted epoch, which is redone. Without {@code
 * optResume}, a run directory that already holds checkpoints is refused rather than overwritten.
 *
 * <pre>{@code
 * LabelledImages train = FashionMnist.atDefaultLocation().load(FashionMnist.Split.TRAIN);
 * LabelledImages test = FashionMnist.atDefaultLocation().load(FashionMnist.Split.TEST);
 * TrainingConfig config = TrainingConfig.builder().setRunDirectory(Path.of("runs/r20")).optEpochs(30).build();
 * TrainingResult result = new ImageClassifierTrainer(config).train(block, train, test);
 * }</pre>
 */
public final class ImageClassifierTrainer {

    /** Training always uses PyTorch; the TensorFlow engine on the class path is for serving. */
    public static final String ENGINE = "PyTorch";

    private static final Logger LOG = LoggerFactory.getLogger(ImageClassifierTrainer.class);

    private final TrainingConfig config;

    public ImageClassifierTrainer(TrainingConfig config) {
        this.config = java.util.Objects.requireNonNull(config, "config");
    }

    /**
     * Trains the block in a model of its own, closed on return; the trained parameters are in
     * {@link TrainingResult#finalParameters()} (load them into the same architecture with {@code
     * model.load(runDirectory, modelName)}).
     */
    public TrainingResult train(Block block, LabelledImages trainImages, LabelledImages testImages)
            throws IOException, TranslateException {
        Engine engine = Engine.getEngine(ENGINE);
        Device[] devices = TrainingDevices.select(engine, config.devices());
        try (Model model = Model.newInstance(config.modelName(), devices[0], ENGINE)) {
            model.setBlock(block);
            return train(model, trainImages, testImages);
        }
    }

    /**
     * Trains the model's block in place; the caller keeps the model (and may export it) and closes
     * it. Create the model with {@code Model.newInstance(name, device, "PyTorch")}.
     */
    public TrainingResult train(Model model, LabelledImages trainImages, LabelledImages testImages)
            throws IOException, TranslateException {
        checkCompatible(trainImages, testImages);
        long callStart = System.nanoTime();
        Path runDirectory = config.runDirectory();
        Files.createDirectories(runDirectory);
        CheckpointStore checkpoints = new CheckpointStore(runDirectory);
        Optional<Checkpoint> checkpoint = checkpoints.latest();
        if (checkpoint.isPresent() && !config.resume()) {
            throw new IllegalStateException(
                    "run directory "
                            + runDirectory
                            + " already holds checkpoints up to epoch "
                            + checkpoint.get().epoch()
                            + "; set optResume(true) to continue that run, or use an empty run"
                            + " directory");
        }
        Engine engine = model.getNDManager().getEngine();
        Device[] devices = TrainingDevices.select(engine, config.devices());
        engine.setRandomSeed(Math.toIntExact(Math.floorMod(config.seed(), Integer.MAX_VALUE)));

        List<String> classNames = trainImages.classNames();
        Shape inputShape =
                new Shape(trainImages.channels(), trainImages.height(), trainImages.width());
        ChannelStatistics normalization =
                checkpoint
                        .map(
                                c ->
                                        new ChannelStatistics(
                                                c.normalizationMean(), c.normalizationStd()))
                        .orElseGet(() -> ChannelStatistics.compute(trainImages));

        ImageClassificationDataset.Builder trainBuilder =
                ImageClassificationDataset.builder()
                        .setImages(trainImages)
                        .setNormalization(normalization)
                        .setShuffledSampling(config.batchSize(), config.seed(), true);
        if (config.augmentation()) {
            trainBuilder.optAugmentation(PadCropFlip.paper(), config.seed());
        }
        ImageClassificationDataset trainSet = trainBuilder.build();
        ImageClassificationDataset testSet =
                ImageClassificationDataset.builder()
                        .setImages(testImages)
                        .setNormalization(normalization)
                        .setSampling(config.batchSize(), false)
                        .build();

        int fullBatches = trainImages.size() / config.batchSize();
        if (fullBatches == 0) {
            throw new IllegalArgumentException(
                    trainImages.name()
                            + " has "
                            + trainImages.size()
                            + " images, fewer than one batch of "
                            + config.batchSize()
                            + "; lower the batch size");
        }
        int batchesPerEpoch =
                config.maxBatchesPerEpoch() > 0
                        ? Math.min(fullBatches, config.maxBatchesPerEpoch())
                        : fullBatches;
        long totalIterations = (long) config.epochs() * batchesPerEpoch;
        LearningRateSchedule schedule =
                LearningRateSchedule.of(config.decay(), config.learningRate(), totalIterations);
        if (config.warmup() instanceof Warmup.Linear linear) {
            schedule = schedule.withLinearWarmup(linear.iterations());
        }
        LearningRateTracker learningRate =
                new LearningRateTracker(schedule, config.warmup(), devices.length);

        RunState state = new RunState();
        if (checkpoint.isPresent()) {
            Checkpoint c = checkpoint.get();
            checkResumable(c, classNames, inputShape, batchesPerEpoch);
            checkpoints.load(model, c);
            state.restore(c);
            learningRate.restoreWarmupDone(c.warmupDone());
        }
        int startEpoch = state.completedEpochs();

        Optimizer sgd =
                sgd(
                        learningRate,
                        config.momentum(),
                        config.weightDecay(),
                        devices.length,
                        learningRate.updatesBefore(state.iteration));
        DefaultTrainingConfig djlConfig =
                new DefaultTrainingConfig(Loss.softmaxCrossEntropyLoss())
                        .optOptimizer(sgd)
                        .optDevices(devices)
                        // He et al. 2015b ("Delving deep into rectifiers") initialisation, N(0,
                        // 2/fan_in), as §3.4 says.
                        .optInitializer(
                                new XavierInitializer(
                                        XavierInitializer.RandomType.GAUSSIAN,
                                        XavierInitializer.FactorType.IN,
                                        2),
                                Parameter.Type.WEIGHT);

        String deviceText = TrainingDevices.describe(engine, devices, !config.devices().isEmpty());
        announce(
                String.format(
                        Locale.ROOT,
                        "Training %s on %s: %d images %s, %d classes; %d batches of %d per epoch x"
                            + " %d epochs = %d iterations; SGD lr %s (%s, warm-up %s), momentum %s,"
                            + " weight decay %s; run directory %s%s",
                        config.modelName(),
                        deviceText,
                        trainImages.size(),
                        inputShape,
                        classNames.size(),
                        batchesPerEpoch,
                        config.batchSize(),
                        config.epochs(),
                        totalIterations,
                        config.learningRate(),
                        config.decay(),
                        config.warmup(),
                        config.momentum(),
                        config.weightDecay(),
                        runDirectory,
                        startEpoch > 0
                                ? "; resuming after epoch "
                                        + startEpoch
                                        + " (iteration "
                                        + state.iteration
                                        + ")"
                                : ""));

        TrainingMetrics metrics = new TrainingMetrics();
        PushgatewayPublisher pushgateway =
                config.pushgateway()
                        .map(
                                address ->
                                        new PushgatewayPublisher(
                                                address, config.pushJob(), runName(runDirectory)))
                        .orElse(null);
        ConfusionMatrix testMatrix = null;
        try (HTTPServer server =
                        config.metricsPort() > 0 ? metrics.serve(config.metricsPort()) : null;
                Trainer trainer = model.newTrainer(djlConfig)) {
            if (server != null) {
                announce("Training metrics on http://localhost:" + server.getPort() + "/metrics");
            }
            trainer.initialize(new Shape(1).addAll(inputShape));
            for (int epoch = startEpoch; epoch < config.epochs(); epoch++) {
                EpochTraining epochResult =
                        trainEpoch(
                                trainer,
                                trainSet.forEpoch(epoch),
                                epoch,
                                batchesPerEpoch,
                                learningRate,
                                state,
                                metrics);
                testMatrix = ClassifierEvaluation.evaluate(trainer, testSet, classNames);
                EpochSummary summary = epochResult.summary(testMatrix.accuracy());
                state.epochHistory.add(summary);
                checkpoints.save(
                        model,
                        new Checkpoint(
                                Checkpoint.FORMAT_VERSION,
                                config.modelName(),
                                epoch + 1,
                                state.iteration,
                                learningRate.isWarmupDone(),
                                normalization.mean(),
                                normalization.std(),
                                classNames,
                                inputShape.getShape(),
                                CheckpointStore.parametersFile(config.modelName(), epoch + 1),
                                batchesPerEpoch,
                                List.copyOf(state.epochHistory),
                                List.copyOf(state.errorHistory),
                                config.describe(),
                                Instant.now().toString()));
                metrics.recordEpoch(
                        epoch + 1,
                        summary.trainLoss(),
                        summary.trainAccuracy(),
                        summary.testAccuracy(),
                        summary.imagesPerSecond());
                if (pushgateway != null) {
                    pushgateway.push(metrics.registry());
                }
                announce(
                        String.format(
                                Locale.ROOT,
                                "Epoch %d/%d: train loss %.4f, train accuracy %.4f, test accuracy"
                                        + " %.4f, lr %.4g, %.0f images/s, %.1f s",
                                epoch + 1,
                                config.epochs(),
                                summary.trainLoss(),
                                summary.trainAccuracy(),
                                summary.testAccuracy(),
                                summary.learningRate(),
                                summary.imagesPerSecond(),
                                summary.trainSeconds()));
            }
            if (testMatrix == null) { // resumed a finished run: evaluate the loaded parameters
                testMatrix = ClassifierEvaluation.evaluate(trainer, testSet, classNames);
            }
        }

        Path finalParameters = saveFinalModel(model, classNames, normalization, inputShape);
        metrics.recordSuccess();
        if (pushgateway != null) {
            pushgateway.push(metrics.registry());
        }
        EpochSummary last = state.epochHistory.get(state.epochHistory.size() - 1);
        TrainingResult result =
                new TrainingResult(
                        config.modelName(),
                        classNames,
                        normalization,
                        inputShape.getShape(),
                        Arrays.stream(devices).map(Device::toString).toList(),
                        last.epoch(),
                        state.iteration,
                        last.trainLoss(),
                        last.trainAccuracy(),
                        testMatrix.accuracy(),
                        List.copyOf(state.epochHistory),
                        List.copyOf(state.errorHistory),
                        seconds(System.nanoTime() - callStart),
                        state.imagesPerSecond(),
                        startEpoch,
                        runDirectory,
                        finalParameters,
                        ClassificationReport.from(testMatrix),
                        config.describe());
        TrainingReportWriter.write(result, runDirectory);
        announce(
                String.format(
                        Locale.ROOT,
                        "Trained %s: test accuracy %.4f after %d iterations, %.0f images/s;"
                                + " parameters %s",
                        config.modelName(),
                        result.testAccuracy(),
                        state.iteration,
                        result.imagesPerSecond(),
                        finalParameters));
        return result;
    }

    /**
     * One epoch of SGD steps: at most {@code batches} batches of the epoch's order and
     * augmentations. Records the windowed training-error history, ends an error-triggered warm-up,
     * feeds the metrics and the progress bar.
     */
    private EpochTraining trainEpoch(
            Trainer trainer,
            ImageClassificationDataset epochSet,
            int epoch,
            int batches,
            LearningRateTracker learningRate,
            RunState state,
            TrainingMetrics metrics)
            throws IOException, TranslateException {
        ConsoleProgress progress =
                new ConsoleProgress(config.progressBar(), epoch + 1, config.epochs(), batches);
        RunningMeans epochMeans = new RunningMeans();
        RunningMeans window = state.window;
        double rate = learningRate.valueAt(state.iteration);
        int done = 0;
        long start = System.nanoTime();
        for (Batch batch : epochSet.getData(trainer.getManager())) {
            StepResult step;
            try (batch) {
                rate = learningRate.valueAt(state.iteration);
                step = trainStep(trainer, batch);
            }
            if (!Double.isFinite(step.meanLoss())) {
                throw new IllegalStateException(
                        "training diverged at iteration "
                                + (state.iteration + 1)
                                + " (epoch "
                                + (epoch + 1)
                                + "): the loss is "
                                + step.meanLoss()
                                + " at learning rate "
                                + rate
                                + "; lower the learning rate or warm up (Warmup.paper110Layer())");
            }
            state.iteration++;
            done++;
            epochMeans.add(step);
            window.add(step);
            if (state.iteration % config.historyInterval() == 0) {
                double error = 1 - window.accuracy();
                state.errorHistory.add(
                        new TrainingErrorPoint(state.iteration, window.loss(), error, rate));
                if (learningRate.observeTrainingError(error)) {
                    announce(
                            (config.progressBar() ? "\n" : "") // end the progress bar's line
                                    + String.format(
                                            Locale.ROOT,
                                            "Warm-up over at iteration %d (training error %.3f);"
                                                    + " learning rate now %s",
                                            state.iteration,
                                            error,
                                            learningRate.valueAt(state.iteration)));
                }
                window.reset();
            }
            double throughput = epochMeans.images() / seconds(System.nanoTime() - start);
            metrics.recordIteration(
                    step.images(), epochMeans.loss(), epochMeans.accuracy(), rate, throughput);
            progress.update(done, epochMeans.loss(), epochMeans.accuracy(), throughput, rate);
            if (done >= batches) {
                break;
            }
        }
        double elapsed = seconds(System.nanoTime() - start);
        state.trainedImages += epochMeans.images();
        state.trainedSeconds += elapsed;
        return new EpochTraining(epoch + 1, state.iteration, epochMeans, rate, elapsed);
    }

    /** The final parameters in the run directory, with what serving needs as model properties. */
    private Path saveFinalModel(
            Model model, List<String> classNames, ChannelStatistics normalization, Shape inputShape)
            throws IOException {
        model.setProperty("Epoch", String.valueOf(config.epochs()));
        model.setProperty("resflow.classNames", ReportJson.gson().toJson(classNames));
        model.setProperty("resflow.normalization.mean", Arrays.toString(normalization.mean()));
        model.setProperty("resflow.normalization.std", Arrays.toString(normalization.std()));
        model.setProperty("resflow.inputShape", inputShape.toString());
        model.save(config.runDirectory(), config.modelName());
        return config.runDirectory()
                .resolve(CheckpointStore.parametersFile(config.modelName(), config.epochs()));
    }

    /** What one call has done so far, including what a checkpoint restored. */
    private static final class RunState {
        long iteration;
        final List<EpochSummary> epochHistory = new ArrayList<>();
        final List<TrainingErrorPoint> errorHistory = new ArrayList<>();

        /** The history window in progress; spans epoch boundaries. */
        final RunningMeans window = new RunningMeans();

        long trainedImages;
        double trainedSeconds;

        void restore(Checkpoint c) {
            iteration = c.iteration();
            epochHistory.addAll(c.epochHistory());
            errorHistory.addAll(c.trainingErrorHistory());
        }

        int completedEpochs() {
            return epochHistory.size();
        }

        double imagesPerSecond() {
            return trainedSeconds > 0 ? trainedImages / trainedSeconds : 0;
        }
    }

    /** One epoch's training, before its evaluation. */
    private record EpochTraining(
            int epoch, long iterations, RunningMeans means, double learningRate, double seconds) {
        EpochSummary summary(double testAccuracy) {
            return new EpochSummary(
                    epoch,
                    iterations,
                    means.loss(),
                    means.accuracy(),
                    testAccuracy,
                    learningRate,
                    seconds,
                    means.images() / seconds);
        }
    }

    /**
     * SGD for a batch split over {@code devices}. Each device's loss is the mean over its share,
     * and DJL's parameter server adds the devices' gradients before the update, so on N devices the
     * gradient would be N times the batch mean: the learning rate N times the paper's, with weight
     * decay unchanged. Rescaling by 1/N restores the batch mean (DJL applies it to the gradient
     * only).
     *
     * @param beginUpdates DJL's update count to start from, so the schedule continues after a
     *     resume
     */
    static Optimizer sgd(
            Tracker learningRate,
            float momentum,
            float weightDecay,
            int devices,
            int beginUpdates) {
        return Optimizer.sgd()
                .setLearningRateTracker(learningRate)
                .optMomentum(momentum)
                .optWeightDecays(weightDecay)
                .setRescaleGrad(1f / devices)
                .optBeginNumUpdate(beginUpdates)
                .build();
    }

    /**
     * The weight of one device's mean loss when a batch of {@code batchSize} is split over {@code
     * devices}: its share of the batch, times the device count that {@link #sgd}'s 1/N rescale
     * divides out again. The summed gradients are then the whole batch's mean gradient even when
     * the shares differ in size (a batch of 128 over 3 GPUs) or are fewer than the devices (a batch
     * smaller than the device count).
     */
    static float shareWeight(long shareSize, int devices, long batchSize) {
        return (float) shareSize * devices / batchSize;
    }

    /**
     * One SGD step over a batch, split across the devices; returns the batch's loss and accuracy.
     */
    private static StepResult trainStep(Trainer trainer, Batch batch) {
        Batch[] splits = batch.split(trainer.getDevices(), false);
        int devices = trainer.getDevices().length;
        long batchSize = batch.getSize();
        double lossSum = 0;
        long correct = 0;
        long images = 0;
        try (GradientCollector collector = trainer.newGradientCollector()) {
            for (Batch split : splits) {
                NDList data = split.getData();
                NDList labels = split.getLabels();
                NDList predictions = trainer.forward(data, labels);
                NDArray loss = trainer.getLoss().evaluate(labels, predictions);
                long n = split.getSize();
                collector.backward(
                        devices == 1 ? loss : loss.mul(shareWeight(n, devices, batchSize)));
                lossSum += loss.getFloat() * n;
                correct +=
                        predictions
                                .singletonOrThrow()
                                .argMax(1)
                                .toType(DataType.FLOAT32, false)
                                .eq(labels.singletonOrThrow().toType(DataType.FLOAT32, false))
                                .countNonzero()
                                .getLong();
                images += n;
            }
        }
        trainer.step();
        return new StepResult(lossSum / images, correct, images);
    }

    private record StepResult(double meanLoss, long correct, long imagesLong) {
        int images() {
            return Math.toIntExact(imagesLong);
        }
    }

    /** Image-weighted means of loss and accuracy over some steps. */
    private static final class RunningMeans {
        private double lossSum;
        private long correct;
        private long images;

        void add(StepResult step) {
            lossSum += step.meanLoss() * step.imagesLong();
            correct += step.correct();
            images += step.imagesLong();
        }

        double loss() {
            return images == 0 ? Double.NaN : lossSum / images;
        }

        double accuracy() {
            return images == 0 ? Double.NaN : (double) correct / images;
        }

        long images() {
            return images;
        }

        void reset() {
            lossSum = 0;
            correct = 0;
            images = 0;
        }
    }

    private static void checkCompatible(LabelledImages train, LabelledImages test) {
        if (train.channels() != test.channels()
                || train.height() != test.height()
                || train.width() != test.width()) {
            throw new IllegalArgumentException(
                    "training images are "
                            + train.height()
                            + "x"
                            + train.width()
                            + "x"
                            + train.channels()
                            + " but test images are "
                            + test.height()
                            + "x"
                            + test.width()
                            + "x"
                            + test.channels()
                            + "; read both at the same size and channel count");
        }
        if (!train.classNames().equals(test.classNames())) {
            throw new IllegalArgumentException(
                    "training classes "
                            + train.classNames()
                            + " differ from test classes "
                            + test.classNames()
                            + " (for image folders, fix them with"
                            + " ImageFolderReader.Builder.optClassNames)");
        }
        if (test.size() == 0) {
            throw new IllegalArgumentException(test.name() + ": the test set is empty");
        }
    }

    private void checkResumable(
            Checkpoint c, List<String> classNames, Shape inputShape, int batchesPerEpoch) {
        if (!c.classNames().equals(classNames)
                || !Arrays.equals(c.inputShape(), inputShape.getShape())) {
            throw new IllegalStateException(
                    "cannot resume: the checkpoint of epoch "
                            + c.epoch()
                            + " was trained on "
                            + c.classNames().size()
                            + " classes of "
                            + Arrays.toString(c.inputShape())
                            + " images, this run has "
                            + classNames.size()
                            + " classes of "
                            + inputShape);
        }
        if (!c.modelName().equals(config.modelName())) {
            throw new IllegalStateException(
                    "cannot resume: the checkpoint is of model '"
                            + c.modelName()
                            + "', this run trains '"
                            + config.modelName()
                            + "'");
        }
        if (c.epoch() > config.epochs()) {
            throw new IllegalStateException(
                    "cannot resume: the checkpoint is after epoch "
                            + c.epoch()
                            + ", beyond the "
                            + config.epochs()
                            + " epochs configured; raise optEpochs to at least "
                            + c.epoch());
        }
        if (c.batchesPerEpoch() != batchesPerEpoch) {
            LOG.warn(
                    "Resuming with {} batches per epoch where the checkpoint had {}; the"
                            + " learning-rate schedule shifts accordingly",
                    batchesPerEpoch,
                    c.batchesPerEpoch());
        }
        Map<String, String> now = config.describe();
        c.config()
                .forEach(
                        (key, before) -> {
                            if (!before.equals(now.get(key))) {
                                LOG.warn(
                                        "Resuming with {} = {} where the checkpoint had {}",
                                        key,
                                        now.get(key),
                                        before);
                            }
                        });
    }

    private static String runName(Path runDirectory) {
        Path name = runDirectory.toAbsolutePath().normalize().getFileName();
        return name == null ? "run" : name.toString();
    }

    private static double seconds(long nanos) {
        return nanos / 1e9;
    }

    /** To the console next to the progress bar, or to the log when the bar is off. */
    private void announce(String message) {
        if (config.progressBar()) {
            System.out.println(message);
        } else {
            LOG.info(message);
        }
    }
}
