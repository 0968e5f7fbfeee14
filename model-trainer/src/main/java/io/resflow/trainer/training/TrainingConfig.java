package io.resflow.trainer.training;

import ai.djl.Device;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Everything that shapes a training run, immutable. The defaults, in one place below, are He et al.
 * (2015) §4.2's CIFAR-10 settings: SGD with momentum 0.9, weight decay 1e-4, batch 128, learning
 * rate 0.1 divided by 10 at 50% and 75% of training, pad-crop-flip augmentation.
 *
 * <pre>{@code
 * TrainingConfig config = TrainingConfig.builder()
 *         .setRunDirectory(Path.of("runs/resnet20-fmnist"))
 *         .optEpochs(30)
 *         .optDecay(LearningRateSchedule.Decay.COSINE)
 *         .optMetricsPort(9464)
 *         .optPushgateway("pushgateway:9091")
 *         .build();
 * }</pre>
 */
public final class TrainingConfig {

    public static final String DEFAULT_MODEL_NAME = "classifier";
    public static final int DEFAULT_EPOCHS = 10;
    public static final int DEFAULT_BATCH_SIZE = 128;
    public static final float DEFAULT_LEARNING_RATE = 0.1f;
    public static final float DEFAULT_MOMENTUM = 0.9f;
    public static final float DEFAULT_WEIGHT_DECAY = 1e-4f;
    public static final LearningRateSchedule.Decay DEFAULT_DECAY = LearningRateSchedule.Decay.STEP;
    public static final long DEFAULT_SEED = 42;

    /** 0: every full batch of the training set. */
    public static final int DEFAULT_MAX_BATCHES_PER_EPOCH = 0;

    public static final boolean DEFAULT_AUGMENTATION = true;
    public static final int DEFAULT_HISTORY_INTERVAL = 10;

    /** 0: no HTTP endpoint. */
    public static final int DEFAULT_METRICS_PORT = 0;

    /** The Pushgateway job name. */
    public static final String DEFAULT_PUSH_JOB = "resflow_trainer";

    public static final boolean DEFAULT_PROGRESS_BAR = true;

    private final Path runDirectory;
    private final String modelName;
    private final int epochs;
    private final int batchSize;
    private final float learningRate;
    private final float momentum;
    private final float weightDecay;
    private final LearningRateSchedule.Decay decay;
    private final Warmup warmup;
    private final long seed;
    private final int maxBatchesPerEpoch;
    private final boolean augmentation;
    private final int historyInterval;
    private final boolean resume;
    private final int metricsPort;
    private final String pushgateway;
    private final String pushJob;
    private final boolean progressBar;
    private final List<Device> devices;

    private TrainingConfig(Builder b) {
        this.runDirectory = b.runDirectory;
        this.modelName = b.modelName;
        this.epochs = b.epochs;
        this.batchSize = b.batchSize;
        this.learningRate = b.learningRate;
        this.momentum = b.momentum;
        this.weightDecay = b.weightDecay;
        this.decay = b.decay;
        this.warmup = b.warmup;
        this.seed = b.seed;
        this.maxBatchesPerEpoch = b.maxBatchesPerEpoch;
        this.augmentation = b.augmentation;
        this.historyInterval = b.historyInterval;
        this.resume = b.resume;
        this.metricsPort = b.metricsPort;
        this.pushgateway = b.pushgateway;
        this.pushJob = b.pushJob;
        this.progressBar = b.progressBar;
        this.devices = b.devices;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding this configuration's values, to derive a variant. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.runDirectory = runDirectory;
        b.modelName = modelName;
        b.epochs = epochs;
        b.batchSize = batchSize;
        b.learningRate = learningRate;
        b.momentum = momentum;
        b.weightDecay = weightDecay;
        b.decay = decay;
        b.warmup = warmup;
        b.seed = seed;
        b.maxBatchesPerEpoch = maxBatchesPerEpoch;
        b.augmentation = augmentation;
        b.historyInterval = historyInterval;
        b.resume = resume;
        b.metricsPort = metricsPort;
        b.pushgateway = pushgateway;
        b.pushJob = pushJob;
        b.progressBar = progressBar;
        b.devices = devices;
        return b;
    }

    /** Where checkpoints, the final parameters and the reports go. */
    public Path runDirectory() {
        return runDirectory;
    }

    /** Prefix of the parameter files ({@code <name>-0003.params}). */
    public String modelName() {
        return modelName;
    }

    public int epochs() {
        return epochs;
    }

    public int batchSize() {
        return batchSize;
    }

    /** The base learning rate the schedule starts from. */
    public float learningRate() {
        return learningRate;
    }

    public float momentum() {
        return momentum;
    }

    public float weightDecay() {
        return weightDecay;
    }

    public LearningRateSchedule.Decay decay() {
        return decay;
    }

    public Warmup warmup() {
        return warmup;
    }

    /** Seeds parameter initialisation, data order and augmentation. */
    public long seed() {
        return seed;
    }

    /** At most this many batches per epoch, for quick runs; 0 means all. */
    public int maxBatchesPerEpoch() {
        return maxBatchesPerEpoch;
    }

    /** Pad-crop-flip augmentation of the training images (§4.2). */
    public boolean augmentation() {
        return augmentation;
    }

    /** Training loss and error are averaged and recorded every this many iterations. */
    public int historyInterval() {
        return historyInterval;
    }

    /** Continue from the latest checkpoint in the run directory, if there is one. */
    public boolean resume() {
        return resume;
    }

    /** Port of the Prometheus {@code /metrics} endpoint while training; 0 means off. */
    public int metricsPort() {
        return metricsPort;
    }

    /** {@code host:port} of a Prometheus Pushgateway, pushed to at epoch ends and the end. */
    public Optional<String> pushgateway() {
        return Optional.ofNullable(pushgateway);
    }

    public String pushJob() {
        return pushJob;
    }

    public boolean progressBar() {
        return progressBar;
    }

    /** The devices to train on; empty means all GPUs if there are any, else the CPU. */
    public List<Device> devices() {
        return devices;
    }

    /** The settings as name-value pairs, for reports and checkpoints. */
    public Map<String, String> describe() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("modelName", modelName);
        m.put("epochs", String.valueOf(epochs));
        m.put("batchSize", String.valueOf(batchSize));
        m.put("learningRate", String.valueOf(learningRate));
        m.put("momentum", String.valueOf(momentum));
        m.put("weightDecay", String.valueOf(weightDecay));
        m.put("decay", decay.name());
        m.put("warmup", warmup.toString());
        m.put("seed", String.valueOf(seed));
        m.put("maxBatchesPerEpoch", String.valueOf(maxBatchesPerEpoch));
        m.put("augmentation", String.valueOf(augmentation));
        m.put("historyInterval", String.valueOf(historyInterval));
        return m;
    }

    @Override
    public String toString() {
        return "TrainingConfig" + describe() + " runDirectory=" + runDirectory;
    }

    /** {@code setX} are required, {@code optX} optional with the defaults above. */
    public static final class Builder {
        private Path runDirectory;
        private String modelName = DEFAULT_MODEL_NAME;
        private int epochs = DEFAULT_EPOCHS;
        private int batchSize = DEFAULT_BATCH_SIZE;
        private float learningRate = DEFAULT_LEARNING_RATE;
        private float momentum = DEFAULT_MOMENTUM;
        private float weightDecay = DEFAULT_WEIGHT_DECAY;
        private LearningRateSchedule.Decay decay = DEFAULT_DECAY;
        private Warmup warmup = Warmup.none();
        private long seed = DEFAULT_SEED;
        private int maxBatchesPerEpoch = DEFAULT_MAX_BATCHES_PER_EPOCH;
        private boolean augmentation = DEFAULT_AUGMENTATION;
        private int historyInterval = DEFAULT_HISTORY_INTERVAL;
        private boolean resume;
        private int metricsPort = DEFAULT_METRICS_PORT;
        private String pushgateway;
        private String pushJob = DEFAULT_PUSH_JOB;
        private boolean progressBar = DEFAULT_PROGRESS_BAR;
        private List<Device> devices = List.of();

        private Builder() {}

        public Builder setRunDirectory(Path runDirectory) {
            this.runDirectory = runDirectory;
            return this;
        }

        public Builder optModelName(String modelName) {
            this.modelName = modelName;
            return this;
        }

        public Builder optEpochs(int epochs) {
            this.epochs = epochs;
            return this;
        }

        public Builder optBatchSize(int batchSize) {
            this.batchSize = batchSize;
            return this;
        }

        public Builder optLearningRate(float learningRate) {
            this.learningRate = learningRate;
            return this;
        }

        public Builder optMomentum(float momentum) {
            this.momentum = momentum;
            return this;
        }

        public Builder optWeightDecay(float weightDecay) {
            this.weightDecay = weightDecay;
            return this;
        }

        public Builder optDecay(LearningRateSchedule.Decay decay) {
            this.decay = decay;
            return this;
        }

        public Builder optWarmup(Warmup warmup) {
            this.warmup = warmup;
            return this;
        }

        public Builder optSeed(long seed) {
            this.seed = seed;
            return this;
        }

        public Builder optMaxBatchesPerEpoch(int maxBatchesPerEpoch) {
            this.maxBatchesPerEpoch = maxBatchesPerEpoch;
            return this;
        }

        public Builder optAugmentation(boolean augmentation) {
            this.augmentation = augmentation;
            return this;
        }

        public Builder optHistoryInterval(int historyInterval) {
            this.historyInterval = historyInterval;
            return this;
        }

        public Builder optResume(boolean resume) {
            this.resume = resume;
            return this;
        }

        public Builder optMetricsPort(int metricsPort) {
            this.metricsPort = metricsPort;
            return this;
        }

        /** {@code host:port} (or an http(s) URL) of a Pushgateway; null for none. */
        public Builder optPushgateway(String address) {
            this.pushgateway = address == null || address.isBlank() ? null : address.trim();
            return this;
        }

        public Builder optPushJob(String pushJob) {
            this.pushJob = pushJob;
            return this;
        }

        public Builder optProgressBar(boolean progressBar) {
            this.progressBar = progressBar;
            return this;
        }

        /** Train on exactly these devices instead of choosing (all GPUs, else CPU). */
        public Builder optDevices(Device... devices) {
            this.devices = List.copyOf(Arrays.asList(devices));
            return this;
        }

        public TrainingConfig build() {
            if (runDirectory == null) {
                throw new IllegalArgumentException(
                        "run directory must be set with setRunDirectory"
                                + " (checkpoints, final parameters and reports are written there)");
            }
            if (modelName == null || !modelName.matches("[A-Za-z0-9][A-Za-z0-9._-]*")) {
                throw new IllegalArgumentException(
                        "model name must be letters, digits, '.', '_' or '-'"
                                + " (it names files), got '"
                                + modelName
                                + "'");
            }
            requirePositive("epochs", epochs);
            requirePositive("batch size", batchSize);
            requirePositive("history interval (iterations)", historyInterval);
            if (!(learningRate > 0) || Float.isInfinite(learningRate)) {
                throw new IllegalArgumentException(
                        "learning rate must be positive, got " + learningRate);
            }
            if (!(momentum >= 0 && momentum < 1)) {
                throw new IllegalArgumentException("momentum must be in [0, 1), got " + momentum);
            }
            if (!(weightDecay >= 0) || Float.isInfinite(weightDecay)) {
                throw new IllegalArgumentException("weight decay must be >= 0, got " + weightDecay);
            }
            Objects.requireNonNull(decay, "decay must be STEP or COSINE, got null");
            Objects.requireNonNull(warmup, "warmup must be set (Warmup.none() for none), got null");
            if (maxBatchesPerEpoch < 0) {
                throw new IllegalArgumentException(
                        "max batches per epoch must be >= 0 (0 = all), got " + maxBatchesPerEpoch);
            }
            if (metricsPort < 0 || metricsPort > 65535) {
                throw new IllegalArgumentException(
                        "metrics port must be 0 (off) or 1..65535, got " + metricsPort);
            }
            if (pushJob == null || pushJob.isBlank()) {
                throw new IllegalArgumentException("push job name must not be empty");
            }
            if (devices == null) {
                throw new IllegalArgumentException(
                        "devices must not be null (empty = choose automatically)");
            }
            return new TrainingConfig(this);
        }

        private static void requirePositive(String what, int value) {
            if (value <= 0) {
                throw new IllegalArgumentException(what + " must be positive, got " + value);
            }
        }
    }
}
