package io.resflow.cli;

import io.resflow.pipeline.deployment.ModelUpdates;
import io.resflow.pipeline.kafka.AvroSerde;
import io.resflow.pipeline.kafka.ModelUpdateRecords;
import io.resflow.pipeline.kafka.Topics;
import io.resflow.pipeline.records.ModelUpdateRecord;
import io.resflow.pipeline.registry.ModelRegistry;
import io.resflow.runtime.metadata.ModelMetadata;
import io.resflow.schema.ModelUpdate;
import io.resflow.schema.ModelUpdateKind;
import io.resflow.schema.wire.WireFormatException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * The model registry and the running job's model: register and list versions, deploy one as the
 * primary or roll back (commands on the control topic, which the job answers there), and show what
 * the topic says is served.
 */
@Command(
        name = "model",
        mixinStandardHelpOptions = true,
        description =
                "Manage versioned models: register, list, deploy, rollback, status (issue 16).",
        subcommands = {
            ModelCommand.Register.class,
            ModelCommand.ListVersions.class,
            ModelCommand.Deploy.class,
            ModelCommand.Rollback.class,
            ModelCommand.Status.class
        })
final class ModelCommand implements Runnable {

    @Override
    public void run() {
        System.err.println("Missing sub-command: register, list, deploy, rollback or status");
    }

    @Command(
            name = "register",
            mixinStandardHelpOptions = true,
            description = "Copy a SavedModel into the registry as the model's next version.")
    static final class Register implements Callable<Integer> {
        @Option(names = "--registry", required = true, description = "Registry root (path or URI).")
        String registry;

        @Option(names = "--name", required = true, description = "Model name in the registry.")
        String name;

        @Parameters(paramLabel = "SAVED_MODEL", description = "The SavedModel folder to copy in.")
        Path savedModel;

        @Override
        public Integer call() throws Exception {
            ModelRegistry models = ModelRegistry.at(registry);
            String version = models.register(name, savedModel);
            System.out.println(
                    "Registered " + name + ":" + version + " at " + models.location(name, version));
            return 0;
        }
    }

    @Command(
            name = "list",
            mixinStandardHelpOptions = true,
            description = "The registry's models and versions with their metadata.")
    static final class ListVersions implements Callable<Integer> {
        @Option(names = "--registry", required = true, description = "Registry root (path or URI).")
        String registry;

        @Option(names = "--name", description = "Only this model.")
        String name;

        @Override
        public Integer call() throws Exception {
            ModelRegistry models = ModelRegistry.at(registry);
            List<String> names = name != null ? List.of(name) : models.models();
            for (String model : names) {
                for (String version : models.versions(model)) {
                    String about;
                    try {
                        ModelMetadata m = ModelRegistry.metadata(models.location(model, version));
                        about =
                                m.architecture()
                                        + ", "
                                        + m.input().describeShape()
                                        + ", "
                                        + m.classCount()
                                        + " labels"
                                        + (m.testAccuracy().isPresent()
                                                ? String.format(
                                                        ", test accuracy %.3f",
                                                        m.testAccuracy().getAsDouble())
                                                : "");
                    } catch (Exception e) {
                        about = "unreadable: " + e.getMessage();
                    }
                    System.out.println(model + ":" + version + "  " + about);
                }
            }
            return 0;
        }
    }

    /** Options of the commands that talk to the control topic. */
    abstract static class OnTopic implements Callable<Integer> {
        @Mixin KafkaConnection kafka;

        @Option(
                names = "--topic",
                defaultValue = Topics.MODEL_UPDATES,
                description = "The control topic (default: ${DEFAULT-VALUE}).")
        String topic;

        void send(ModelUpdateRecord command) throws Exception {
            Properties props = kafka.addTo(new Properties());
            props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers);
            props.put(ProducerConfig.ACKS_CONFIG, "all");
            try (KafkaProducer<String, ModelUpdate> producer =
                    new KafkaProducer<>(
                            props, new StringSerializer(), AvroSerde.of(ModelUpdate.class))) {
                producer.send(
                                new ProducerRecord<>(
                                        topic,
                                        command.modelName(),
                                        ModelUpdateRecords.toAvro(command)))
                        .get();
            }
            System.out.println(
                    "Sent "
                            + command.kind()
                            + " "
                            + command.id()
                            + "; the job answers on "
                            + topic
                            + " (./resflow model status)");
        }
    }

    @Command(
            name = "deploy",
            mixinStandardHelpOptions = true,
            description =
                    "Ask the running job to serve a version as its primary (hot swap, no restart).")
    static final class Deploy extends OnTopic {
        @Option(names = "--name", required = true, description = "Model name.")
        String name;

        @Option(names = "--version", required = true, description = "Version to deploy.")
        String version;

        @Option(
                names = "--registry",
                description =
                        "Registry root as the job reads it; without it the job looks in its own"
                                + " --model-registry.")
        String registry;

        @Override
        public Integer call() throws Exception {
            String location = null;
            if (registry != null) {
                ModelRegistry models = ModelRegistry.at(registry);
                // Refuse here what the job would refuse for a missing or unreadable version.
                ModelRegistry.metadata(models.location(name, version));
                location = ModelRegistry.uri(models.location(name, version));
            }
            send(ModelUpdates.deployPrimary(name, version, location, ModelUpdates.CLI));
            return 0;
        }
    }

    @Command(
            name = "rollback",
            mixinStandardHelpOptions = true,
            description = "Ask the running job to serve the primary before the current one.")
    static final class Rollback extends OnTopic {
        @Option(names = "--name", required = true, description = "Model name.")
        String name;

        @Override
        public Integer call() throws Exception {
            send(ModelUpdates.rollback(name, ModelUpdates.CLI));
            return 0;
        }
    }

    @Command(
            name = "status",
            mixinStandardHelpOptions = true,
            description = "What the control topic says: each model's primary and recent changes.")
    static final class Status extends OnTopic {
        @Option(
                names = "--last",
                defaultValue = "10",
                description = "Recent records to show (default: ${DEFAULT-VALUE}).")
        int last;

        @Override
        public Integer call() {
            print(read(), last, System.out);
            return 0;
        }

        private List<ModelUpdateRecord> read() {
            Properties props = kafka.addTo(new Properties());
            props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers);
            props.put(
                    ConsumerConfig.ISOLATION_LEVEL_CONFIG,
                    IsolationLevel.READ_COMMITTED.toString());
            props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
            List<ModelUpdateRecord> records = new ArrayList<>();
            AvroSerde<ModelUpdate> serde = AvroSerde.of(ModelUpdate.class);
            try (KafkaConsumer<byte[], byte[]> consumer =
                    new KafkaConsumer<>(
                            props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
                List<TopicPartition> partitions =
                        consumer.partitionsFor(topic, Duration.ofSeconds(15)).stream()
                                .map(p -> new TopicPartition(topic, p.partition()))
                                .toList();
                consumer.assign(partitions);
                consumer.seekToBeginning(partitions);
                Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
                while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
                    for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                        try {
                            records.add(
                                    ModelUpdateRecords.fromAvro(
                                            serde.deserialize(topic, r.value())));
                        } catch (WireFormatException | NullPointerException e) {
                            // not a ModelUpdate: the job skips it too
                        }
                    }
                }
            }
            return records;
        }
    }

    /** Each model's primary (its latest LOADED answer) and the last {@code last} records. */
    static void print(List<ModelUpdateRecord> records, int last, PrintStream out) {
        Map<String, ModelUpdateRecord> primary = new LinkedHashMap<>();
        for (ModelUpdateRecord r : records) {
            if (r.kind() == ModelUpdateKind.LOADED) {
                primary.put(r.modelName(), r);
            }
        }
        if (primary.isEmpty()) {
            out.println("No version loaded since the topic began (the job serves its --model).");
        }
        primary.forEach(
                (model, loaded) ->
                        out.println(
                                model
                                        + ": primary "
                                        + loaded.modelVersion()
                                        + " (LOADED by "
                                        + loaded.issuer()
                                        + " at "
                                        + Instant.ofEpochMilli(loaded.time())
                                        + ")"));
        List<ModelUpdateRecord> recent =
                records.subList(Math.max(0, records.size() - last), records.size());
        for (ModelUpdateRecord r : recent) {
            out.println(
                    "  "
                            + Instant.ofEpochMilli(r.time())
                            + "  "
                            + r.kind()
                            + " "
                            + r.modelName()
                            + (r.modelVersion() == null ? "" : ":" + r.modelVersion())
                            + "  by "
                            + r.issuer()
                            + (r.refusal() == null ? "" : "  " + r.refusal() + ": " + r.reason())
                            + (r.commandId() == null
                                    ? "  id " + r.id()
                                    : "  answers " + r.commandId()));
        }
    }
}
