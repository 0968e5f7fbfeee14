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
 * <p>{@code train} sets up, runs the fit loop and reports; the loop only trains, evaluates and
 * tells its {@link TrainingListener}s, which keep the history ({@link TrainingHistory}), end an
 * error-triggered warm-up ({@link WarmupMonitor}), save checkpoints ({@link CheckpointSaver}),
 * publish metrics ({@link MetricsPublisher}) and draw the console ({@link ConsoleProgress}).
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
        long callStart = System.nanoTime();
        Plan plan = setUp(model, trainImages, testImages);
        try (MetricsPublisher metrics = MetricsPublisher.start(config, plan.console())) {
            // In this order: the warm-up reads the history's newest window, a checkpoint includes
            // its epoch's summary, and the console line comes after the metrics are pushed.
            List<TrainingListener> listeners =
                    List.of(
                            plan.history(),
                            new WarmupMonitor(plan.learningRate(), plan.history(), plan.console()),
                            plan.checkpoints(),
                            metrics,
                            plan.console());
            ConfusionMatrix testMatrix = fit(model, plan, listeners);
            return report(model, plan, testMatrix, callStart, listeners);
        }
    }

    /**
     * Everything before the first step: refuses a used run directory unless resuming, seeds the
     * engine, builds the data, the schedule and the optimizer, restores a checkpoint, and announces
     * the run.
     */
    private Plan setUp(Model model, LabelledImages trainImages, LabelledImages testImages)
            throws IOException {
        checkCompatible(trainImages, testImages);
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
                new Shape(
                        trainImages.shape().channels(),
                        trainImages.shape().height(),
                        trainImages.shape().width());
        ChannelStatistics normalization =
                checkpoint
                        .map(
                                c ->
                                        new ChannelStatistics(
                                                c.normalizationMean(), c.normalizationStd()))
                        .orElseGet(() -> ChannelStatistics.compute(trainImages));
        ImageClassificationDataset trainSet = trainingSet(trainImages, normalization);
        ImageClassificationDataset testSet =
                ImageClassificationDataset.builder()
                        .setImages(testImages)
                        .setNormalization(normalization)
                        .setSampling(config.batchSize(), false)
                        .build();

        int batchesPerEpoch = batchesPerEpoch(trainImages);
        long totalIterations = (long) config.epochs() * batchesPerEpoch;
        LearningRateSchedule schedule =
                LearningRateSchedule.of(config.decay(), config.learningRate(), totalIterations);
        if (config.warmup() instanceof Warmup.Linear linear) {
            schedule = schedule.withLinearWarmup(linear.iterations());
        }
        LearningRateTracker learningRate =
                new LearningRateTracker(schedule, config.warmup(), devices.length);

        TrainingHistory history = new TrainingHistory(config.historyInterval());
        Progress progress = new Progress();
        if (checkpoint.isPresent()) {
            Checkpoint c = checkpoint.get();
            checkResumable(c, classNames, inputShape, batchesPerEpoch);
            checkpoints.load(model, c);
            progress.iteration = c.iteration();
            history.restore(c);
            learningRate.restoreWarmupDone(c.warmupDone());
        }
        int startEpoch = history.completedEpochs();
        DefaultTrainingConfig djlConfig =
                djlConfig(learningRate, devices, learningRate.updatesBefore(progress.iteration));

        ConsoleProgress console =
                new ConsoleProgress(config.progressBar(), config.epochs(), batchesPerEpoch);
        String deviceText = TrainingDevices.describe(engine, devices, !config.devices().isEmpty());
        console.announce(
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
                                        + progress.iteration
                                        + ")"
                                : ""));
        CheckpointSaver saver =
                new CheckpointSaver(
                        checkpoints,
                        model,
                        config,
                        learningRate,
                        normalization,
                        classNames,
                        inputShape,
                        batchesPerEpoch,
                        history);
        return new Plan(
                classNames,
                inputShape,
                normalization,
                devices,
                trainSet,
                testSet,
                batchesPerEpoch,
                learningRate,
                djlConfig,
                startEpoch,
                progress,
                history,
                saver,
                console);
    }

    /**
     * The fit loop, as in DJL's {@code EasyTrain.fit}: each epoch trains, evaluates on the test set
     * and tells the listeners.
     */
    private ConfusionMatrix fit(Model model, Plan plan, List<TrainingListener> listeners)
            throws IOException, TranslateException {
        ConfusionMatrix testMatrix = null;
        try (Trainer trainer = model.newTrainer(plan.djlConfig())) {
            trainer.initialize(new Shape(1).addAll(plan.inputShape()));
            for (int epoch = plan.startEpoch(); epoch < config.epochs(); epoch++) {
                EpochTraining trained = trainEpoch(trainer, plan, epoch, listeners);
                testMatrix =
                        ClassifierEvaluation.evaluate(trainer, plan.testSet(), plan.classNames());
                EpochSummary summary = trained.summary(testMatrix.accuracy());
                for (TrainingListener listener : listeners) {
                    listener.onEpoch(summary);
                }
            }
            if (testMatrix == null) { // resumed a finished run: evaluate the loaded parameters
                testMatrix =
                        ClassifierEvaluation.evaluate(trainer, plan.testSet(), plan.classNames());
            }
        }
        return testMatrix;
    }

    /**
     * One epoch of SGD steps: at most {@code batchesPerEpoch} batches of the epoch's order and
     * augmentations, each step told to the listeners.
     */
    private EpochTraining trainEpoch(
            Trainer trainer, Plan plan, int epoch, List<TrainingListener> listeners)
            throws IOException, TranslateException {
        Progress progress = plan.progress();
        RunningMeans means = new RunningMeans();
        double rate = plan.learningRate().valueAt(progress.iteration);
        int done = 0;
        long start = System.nanoTime();
        for (Batch batch : plan.trainSet().forEpoch(epoch).getData(trainer.getManager())) {
            StepResult step;
            try (batch) {
                rate = plan.learningRate().valueAt(progress.iteration);
                step = trainStep(trainer, batch);
            }
            checkFinite(step, progress.iteration + 1, epoch + 1, rate);
            progress.iteration++;
            done++;
            means.add(step.meanLoss(), step.correct(), step.imagesLong());
            TrainingListener.BatchEnd event =
                    new TrainingListener.BatchEnd(
                            epoch + 1,
                            done,
                            progress.iteration,
                            step.meanLoss(),
                            step.correct(),
                            step.imagesLong(),
                            means.loss(),
                            means.accuracy(),
                            rate,
                            means.images() / seconds(System.nanoTime() - start));
            for (TrainingListener listener : listeners) {
                listener.onTrainingBatch(event);
            }
            if (done >= plan.batchesPerEpoch()) {
                break;
            }
        }
        double elapsed = seconds(System.nanoTime() - start);
        progress.trainedImages += means.images();
        progress.trainedSeconds += elapsed;
        return new EpochTraining(epoch + 1, progress.iteration, means, rate, elapsed);
    }

    /** After the last epoch: the final parameters, the result and its reports. */
    private TrainingResult report(
            Model model,
            Plan plan,
            ConfusionMatrix testMatrix,
            long callStart,
            List<TrainingListener> listeners)
            throws IOException {
        Path finalParameters =
                saveFinalModel(model, plan.classNames(), plan.normalization(), plan.inputShape());
        EpochSummary last = plan.history().lastEpoch();
        TrainingResult result =
                new TrainingResult(
                        config.modelName(),
                        plan.classNames(),
                        plan.normalization(),
                        plan.inputShape().getShape(),
                        Arrays.stream(plan.devices()).map(Device::toString).toList(),
                        last.epoch(),
                        plan.progress().iteration,
                        last.trainLoss(),
                        last.trainAccuracy(),
                        testMatrix.accuracy(),
                        plan.history().epochs(),
                        plan.history().errors(),
                        seconds(System.nanoTime() - callStart),
                        plan.progress().imagesPerSecond(),
                        plan.startEpoch(),
                        config.runDirectory(),
                        finalParameters,
                        ClassificationReport.from(testMatrix),
                        config.describe());
        TrainingReportWriter.write(result, config.runDirectory());
        for (TrainingListener listener : listeners) {
            listener.onTrainingEnd(result);
        }
        return result;
    }

    /** The training images in a seeded order, augmented if configured. */
    private ImageClassificationDataset trainingSet(
            LabelledImages trainImages, ChannelStatistics normalization) {
        ImageClassificationDataset.Builder builder =
                ImageClassificationDataset.builder()
                        .setImages(trainImages)
                        .setNormalization(normalization)
                        .setShuffledSampling(config.batchSize(), config.seed(), true);
        if (config.augmentation()) {
            builder.optAugmentation(PadCropFlip.paper(), config.seed());
        }
        return builder.build();
    }

    /** Full batches only, capped by {@code maxBatchesPerEpoch}. */
    private int batchesPerEpoch(LabelledImages trainImages) {
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
        return config.maxBatchesPerEpoch() > 0
                ? Math.min(fullBatches, config.maxBatchesPerEpoch())
                : fullBatches;
    }

    /** Softmax cross-entropy, {@link #sgd}, the devices, and He initialisation. */
    private DefaultTrainingConfig djlConfig(
            LearningRateTracker learningRate, Device[] devices, int beginUpdates) {
        Optimizer sgd =
                sgd(
                        learningRate,
                        config.momentum(),
                        config.weightDecay(),
                        devices.length,
                        beginUpdates);
        return new DefaultTrainingConfig(Loss.softmaxCrossEntropyLoss())
                .optOptimizer(sgd)
                .optDevices(devices)
                // He et al. 2015b ("Delving deep into rectifiers") initialisation, N(0, 2/fan_in),
                // as §3.4 says.
                .optInitializer(
                        new XavierInitializer(
                                XavierInitializer.RandomType.GAUSSIAN,
                                XavierInitializer.FactorType.IN,
                                2),
                        Parameter.Type.WEIGHT);
    }

    private static void checkFinite(StepResult step, long iteration, int epoch, double rate) {
        if (!Double.isFinite(step.meanLoss())) {
            throw new IllegalStateException(
                    "training diverged at iteration "
                            + iteration
                            + " (epoch "
                            + epoch
                            + "): the loss is "
                            + step.meanLoss()
                            + " at learning rate "
                            + rate
                            + "; lower the learning rate or warm up (Warmup.paper110Layer())");
        }
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

    /** What {@link #setUp} prepared for the loop. */
    private record Plan(
            List<String> classNames,
            Shape inputShape,
            ChannelStatistics normalization,
            Device[] devices,
            ImageClassificationDataset trainSet,
            ImageClassificationDataset testSet,
            int batchesPerEpoch,
            LearningRateTracker learningRate,
            DefaultTrainingConfig djlConfig,
            int startEpoch,
            Progress progress,
            TrainingHistory history,
            CheckpointSaver checkpoints,
            ConsoleProgress console) {}

    /** How far one call has come: the iteration includes what a checkpoint restored. */
    private static final class Progress {
        long iteration;
        long trainedImages;
        double trainedSeconds;

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

    private static void checkCompatible(LabelledImages train, LabelledImages test) {
        if (train.shape().channels() != test.shape().channels()
                || train.shape().height() != test.shape().height()
                || train.shape().width() != test.shape().width()) {
            throw new IllegalArgumentException(
                    "training images are "
                            + train.shape().height()
                            + "x"
                            + train.shape().width()
                            + "x"
                            + train.shape().channels()
                            + " but test images are "
                            + test.shape().height()
                            + "x"
                            + test.shape().width()
                            + "x"
                            + test.shape().channels()
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

    private static double seconds(long nanos) {
        return nanos / 1e9;
    }
}
