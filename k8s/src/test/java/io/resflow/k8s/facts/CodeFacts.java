package io.resflow.k8s.facts;

import io.resflow.pipeline.classify.ClassifyJob;
import io.resflow.pipeline.classify.ClassifyJobConfig;
import io.resflow.pipeline.classify.ClassifyJobOptions;
import io.resflow.pipeline.kafka.Topics;
import io.resflow.runtime.metadata.InputSpec;
import io.resflow.runtime.metadata.ModelMetadata;
import io.resflow.runtime.metadata.SignatureSpec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.util.FileUtils;

/**
 * What the manifests must agree with, read from the code and the build, never copied by hand: the
 * topics ({@link Topics}), the classify job's options and entry point ({@link ClassifyJobOptions},
 * {@link ClassifyJob#main}), Flink's configuration keys, Kafka's config names, the metric series
 * and the versions of the build.
 */
public final class CodeFacts {

    private final BuildVersions versions;
    private final Map<String, String> topics;
    private final FlinkConfigKeys flinkConfigKeys;
    private final MetricCatalogue metrics;
    private final Set<String> topicConfigNames;
    private final Set<String> brokerConfigNames;

    private CodeFacts(BuildVersions versions) {
        this.versions = versions;
        this.topics = constants(Topics.class);
        this.flinkConfigKeys = FlinkConfigKeys.fromClassPath();
        this.metrics = MetricCatalogue.fromCode();
        this.topicConfigNames = KafkaConfigNames.topic();
        this.brokerConfigNames = KafkaConfigNames.broker();
    }

    public static CodeFacts read() {
        return new CodeFacts(BuildVersions.fromBuild());
    }

    public BuildVersions versions() {
        return versions;
    }

    /** Topic names by constant: {@code IMAGES -> images}, ... */
    public Map<String, String> topics() {
        return topics;
    }

    public List<ConfigOption<?>> jobOptions() {
        return ClassifyJobOptions.all();
    }

    /** The keys of the job's options that have no default: the job does not start without them. */
    public Set<String> requiredJobOptions() {
        Set<String> required = new TreeSet<>();
        jobOptions().stream().filter(o -> !o.hasDefaultValue()).forEach(o -> required.add(o.key()));
        return required;
    }

    /**
     * The job's own argument parser ({@link ClassifyJobConfig#parseArgs}), then every option read
     * with its type, so a bad duration or number fails here as it would on the cluster.
     *
     * @throws IllegalArgumentException with the job's message
     */
    public Configuration parseJobArgs(List<String> args) {
        Configuration configuration = ClassifyJobConfig.parseArgs(args.toArray(String[]::new));
        for (ConfigOption<?> option : jobOptions()) {
            try {
                configuration.getOptional(option);
            } catch (RuntimeException e) {
                throw new IllegalArgumentException("--" + option.key() + ": " + e.getMessage(), e);
            }
        }
        return configuration;
    }

    /**
     * The job's own checks of the values together ({@link ClassifyJobConfig#from}), which it runs
     * before it starts: e.g. {@code --async-capacity} below {@code --max-batch-size} is refused
     * there, though each value alone has the right type.
     *
     * <p>{@code from} also reads the model's metadata from {@code --model}, a path on the cluster's
     * volume that is not here: it is given a stand-in SavedModel folder with valid metadata
     * instead, so only the settings are judged. Whether {@code --model} is a SavedModel the
     * trainers write is the manifest check's business ({@code ManifestValidator}).
     *
     * @throws IllegalArgumentException with the job's message, every problem at once
     */
    public void checkJobSettings(Configuration options) {
        Path standIn = null;
        try {
            standIn = Files.createTempDirectory("resflow-stand-in-model");
            standInMetadata().write(standIn);
            Configuration withStandIn = new Configuration(options);
            withStandIn.set(ClassifyJobOptions.MODEL_PATH, standIn.toString());
            // --kafka-config is a mounted file on the cluster too; its mount is the manifest
            // check's business, its content the ConfigMap's.
            withStandIn.removeConfig(ClassifyJobOptions.KAFKA_CONFIG);
            ClassifyJobConfig.from(withStandIn);
        } catch (IOException e) {
            throw new UncheckedIOException(
                    "cannot write a stand-in model for ClassifyJobConfig.from", e);
        } finally {
            if (standIn != null) {
                try {
                    FileUtils.deleteDirectory(standIn.toFile());
                } catch (IOException e) {
                    throw new UncheckedIOException(
                            "cannot delete the stand-in model " + standIn, e);
                }
            }
        }
    }

    private static ModelMetadata standInMetadata() {
        return ModelMetadata.builder()
                .setName("stand-in")
                .setVersion("1")
                .setLabels(List.of("a", "b"))
                .setInput(
                        InputSpec.builder()
                                .setHeight(28)
                                .setWidth(28)
                                .setChannels(1)
                                .setPixelScale(1f / 255)
                                .setMean(0f)
                                .setStd(1f)
                                .build())
                .setSignature(SignatureSpec.servingDefault("input", "probabilities"))
                .setArchitecture("none")
                .setParameterCount(1)
                .setDataset("none")
                .setCreatedAt(Instant.EPOCH)
                .build();
    }

    /** The class whose main runs the job on a cluster. */
    public Class<?> jobEntryClass() {
        return ClassifyJob.class;
    }

    /** Flink's job name, the job_name label of its metrics. */
    public String jobName() {
        return ClassifyJob.JOB_NAME;
    }

    public FlinkConfigKeys flinkConfigKeys() {
        return flinkConfigKeys;
    }

    public MetricCatalogue metrics() {
        return metrics;
    }

    public Set<String> topicConfigNames() {
        return topicConfigNames;
    }

    public Set<String> brokerConfigNames() {
        return brokerConfigNames;
    }

    private static Map<String, String> constants(Class<?> type) {
        Map<String, String> values = new LinkedHashMap<>();
        for (Field field : type.getFields()) {
            if (Modifier.isStatic(field.getModifiers())
                    && Modifier.isFinal(field.getModifiers())
                    && field.getType() == String.class) {
                try {
                    values.put(field.getName(), (String) field.get(null));
                } catch (IllegalAccessException e) {
                    throw new IllegalStateException(e);
                }
            }
        }
        return values;
    }
}
