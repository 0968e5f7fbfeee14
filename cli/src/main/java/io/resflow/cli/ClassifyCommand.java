package io.resflow.cli;

import io.resflow.localstack.LocalStack;
import io.resflow.pipeline.classify.ClassifyJob;
import io.resflow.pipeline.classify.ClassifyJobConfig;
import io.resflow.pipeline.classify.ClassifyJobOptions;
import io.resflow.pipeline.kafka.KafkaClientConfig;
import io.resflow.pipeline.kafka.KafkaPreflight;
import io.resflow.pipeline.kafka.Topics;
import io.resflow.pipeline.metrics.JobTotals;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.stream.Stream;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(
        name = "classify",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Run the classification job: images from Kafka, batched ResNet scoring, labels, dead"
                + " letters, retraining feed and label statistics back to Kafka (exactly once).",
            "Without --jobmanager a Flink cluster runs in this JVM, with its web UI and Prometheus"
                    + " /metrics.",
            ""
        })
final class ClassifyCommand implements Callable<Integer> {

    @Spec CommandSpec spec;

    @Option(
            names = "--jobmanager",
            paramLabel = "<host:port>",
            description =
                    "REST address of a Flink cluster to submit to. The model directory must be"
                        + " readable at the same path on its TaskManagers; see k8s/README.md for"
                        + " the production set-up.")
    String jobManager;

    @Option(
            names = "--metrics-port",
            defaultValue = "9249-9259",
            description =
                    "Local cluster only: port (or range) of the Prometheus /metrics endpoint"
                            + " (default: ${DEFAULT-VALUE}).")
    String metricsPorts;

    @Option(
            names = "--web-port",
            defaultValue = "8081-8091",
            description =
                    "Local cluster only: port (or range) of the Flink web UI (default:"
                            + " ${DEFAULT-VALUE}).")
    String webPorts;

    static void addJobOptions(CommandSpec classify) {
        JobOptionsCli.addTo(classify, ClassifyJobOptions.all());
    }

    @Override
    public Integer call() throws Exception {
        Configuration settings = JobOptionsCli.given(spec, ClassifyJobOptions.all());
        ClassifyJobConfig config = ClassifyJobConfig.from(settings);
        if (config.kafkaClient().file().isPresent()) {
            // Passwords and unknown keys (a login module's options) show as [hidden].
            System.out.println("Kafka client settings: " + config.kafkaClient().describe());
        }
        checkKafka(config, jobManager == null);
        if (jobManager == null) {
            try (LocalStack stack =
                    LocalStack.builder()
                            .setSlots(config.get(ClassifyJobOptions.PARALLELISM))
                            .optMetricsPorts(metricsPorts)
                            .optWebPorts(webPorts)
                            .start()) {
                System.out.printf(
                        "Local Flink cluster: web UI on %s, Prometheus metrics: %s%n",
                        stack.webUrl(),
                        stack.metricsUrl()
                                .orElse("none (every port of " + metricsPorts + " is taken)"));
                awaitEnd(serving(config, stack.submit(config)));
            }
        } else {
            // The web UI's address works too: http://host:8081/ is host:8081.
            String address = jobManager.replaceFirst("^https?://", "").replaceFirst("/+$", "");
            String[] hostPort = address.split(":", 2);
            if (hostPort.length != 2 || !hostPort[1].matches("\\d{1,5}")) {
                throw new IllegalArgumentException(
                        "--jobmanager must be host:port (the REST port, 8081 by default),"
                                + " got "
                                + jobManager);
            }
            StreamExecutionEnvironment cluster =
                    StreamExecutionEnvironment.createRemoteEnvironment(
                            hostPort[0], Integer.parseInt(hostPort[1]), jobJars());
            awaitEnd(serving(config, ClassifyJob.onKafka(config).executeAsync(cluster)));
        }
        return 0;
    }

    /**
     * Before any cluster starts: a job running in this JVM needs Kafka reachable from here. A
     * remote cluster may reach an address this machine cannot (a Kubernetes service), so there it
     * is a note. Missing topics are notes: the source picks up a topic created later, and brokers
     * that create topics on first use create the outputs. Refused credentials and denied ACLs are
     * errors everywhere: the job would fail on them after restarts.
     */
    private static void checkKafka(ClassifyJobConfig config, boolean jobRunsHere)
            throws InterruptedException {
        Topics.JobTopics topics = config.topics();
        kafkaNote(
                        config.get(ClassifyJobOptions.BOOTSTRAP_SERVERS),
                        config.kafkaClient(),
                        List.of(topics.images()),
                        List.of(
                                topics.labels(),
                                topics.deadLetters(),
                                topics.retraining(),
                                topics.labelStats()),
                        jobRunsHere,
                        KafkaPreflight.DEFAULT_TIMEOUT)
                .ifPresent(System.out::println);
    }

    /**
     * What to tell the user about Kafka before the job starts, if anything; throws when the job
     * cannot run.
     */
    static Optional<String> kafkaNote(
            String servers,
            KafkaClientConfig client,
            List<String> reads,
            List<String> writes,
            boolean jobRunsHere,
            Duration timeout)
            throws InterruptedException {
        KafkaPreflight.Access access;
        try {
            access = KafkaPreflight.check(servers, client, reads, writes, timeout);
        } catch (KafkaPreflight.KafkaUnreachableException e) {
            if (jobRunsHere) {
                throw e;
            }
            return Optional.of(
                    "Note: "
                            + e.getMessage()
                            + " Submitting anyway: the Flink cluster may reach it.");
        }
        if (!access.denied().isEmpty()) {
            throw new IllegalStateException(
                    "Kafka at "
                            + servers
                            + " denies the job's user "
                            + String.join(", ", access.denied())
                            + ": grant these ACLs (k8s/base/kafka/users.yaml lists what the job"
                            + " needs), or use --kafka-config of a user that has them");
        }
        if (access.missing().isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(
                String.format(
                        "Note: Kafka at %s has no topic %s yet (or does not show it to this user)."
                            + " The job reads the images topic once it exists and writes the others"
                            + " where the broker creates topics on first use; elsewhere create them"
                            + " first (k8s/base/kafka/topics.yaml has ResFlow's settings).",
                        servers, String.join(", ", access.missing())));
    }

    /** Says what the submitted job serves, from where to where; returns the job. */
    private static JobClient serving(ClassifyJobConfig config, JobClient job) {
        System.out.printf(
                "Serving %s %s (%s) from %s: %s -> %s (job %s)%n",
                config.metadata().name(),
                config.metadata().version(),
                config.metadata().architecture(),
                config.modelPath(),
                config.topics().images(),
                config.topics().labels(),
                job.getJobID());
        return job;
    }

    /**
     * Until the job ends (a bounded one, or a cancelled or failed one); its failure is thrown as
     * the job's own.
     */
    private static void awaitEnd(JobClient job) throws Exception {
        JobExecutionResult result;
        try {
            result = job.getJobExecutionResult().get();
        } catch (ExecutionException e) {
            throw e.getCause() instanceof Exception cause ? cause : e;
        }
        System.out.printf(
                "Job %s finished after %d s: %s%n",
                result.getJobID(), result.getNetRuntime() / 1000, JobTotals.describe(result));
    }

    /**
     * The launcher's jars minus Flink's own, which the cluster provides (but not its Kafka
     * connector).
     */
    private static String[] jobJars() throws URISyntaxException, java.io.IOException {
        Path cliJar =
                Path.of(
                        ClassifyCommand.class
                                .getProtectionDomain()
                                .getCodeSource()
                                .getLocation()
                                .toURI());
        Path lib = cliJar.getParent().resolve("lib");
        try (Stream<Path> jars = Files.list(lib)) {
            List<String> shipped =
                    jars.filter(
                                    p -> {
                                        String name = p.getFileName().toString();
                                        return !name.startsWith("flink-")
                                                || name.startsWith("flink-connector-kafka");
                                    })
                            .map(Path::toString)
                            .toList();
            return Stream.concat(Stream.of(cliJar.toString()), shipped.stream())
                    .toArray(String[]::new);
        }
    }
}
