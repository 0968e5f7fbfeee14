package io.resflow.k8s.validation;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.resflow.k8s.facts.CodeFacts;
import io.resflow.k8s.manifests.ManifestTree;
import io.resflow.k8s.manifests.Problem;
import io.resflow.k8s.manifests.Variant;
import io.strimzi.api.kafka.model.topic.KafkaTopic;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.apache.flink.kubernetes.operator.api.FlinkDeployment;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The manifests of k8s/ agree with the code, and the validator refuses broken copies of them: each
 * case below copies k8s/, makes one mistake a person could make, and expects the problem it causes,
 * named clearly.
 */
class ManifestValidatorTest {

    private static CodeFacts facts;
    private static ManifestValidator validator;

    @TempDir Path temp;

    @BeforeAll
    static void readTheCode() {
        facts = CodeFacts.read();
        validator = new ManifestValidator(facts);
    }

    @Test
    void theManifestsAgreeWithTheCode() {
        ManifestValidator.Report report = validator.validate(k8sDirectory());

        assertThat(report.problems()).as(report.describe()).isEmpty();
        assertThat(report.tree().resources(KafkaTopic.class)).hasSize(facts.topics().size());
        assertThat(report.tree().resources(FlinkDeployment.class)).hasSize(1);
        assertThat(report.tree().kustomizations())
                .containsKeys(
                        Path.of("base"),
                        Path.of("overlays/cpu"),
                        Path.of("overlays/gpu"),
                        Path.of("components/s3-state"));
    }

    /** One mistake: the first {@code from} in {@code file} becomes {@code to}. */
    record Mistake(String description, String file, String from, String to, List<String> expected) {
        Mistake(String description, String file, String from, String to, String... expected) {
            this(description, file, from, to, List.of(expected));
        }

        @Override
        public String toString() {
            return description;
        }
    }

    static Stream<Mistake> mistakes() {
        String flink = "base/flink/classify-deployment.yaml";
        String topics = "base/kafka/topics.yaml";
        String kafka = "base/kafka/kafka.yaml";
        String users = "base/kafka/users.yaml";
        String clientSettings = "base/kafka/kafka-client.yaml";
        String train = "base/trainer/train-job.yaml";
        String alerts = "base/monitoring/alert-rules.yaml";
        String dashboard = "base/monitoring/resflow-dashboard.json";
        String s3 = "components/s3-state/kustomization.yaml";
        String s3VolumePatchTarget =
                "    target:\n      group: flink.apache.org\n      version: v1beta1\n"
                        + "      kind: FlinkDeployment\n      name: resflow-classify\n";
        return Stream.of(
                // unknown fields, in every family of typed models
                new Mistake(
                        "misspelt FlinkDeployment field",
                        flink,
                        "    parallelism: 4",
                        "    paralelism: 4",
                        "unknown field 'paralelism' at spec.job.paralelism",
                        "knows",
                        "parallelism"),
                new Mistake(
                        "misspelt field in a pod template",
                        flink,
                        "      containers:",
                        "      container:",
                        "unknown field 'container' at spec.podTemplate.spec.container"),
                new Mistake(
                        "misspelt PersistentVolumeClaim field",
                        "base/platform/storage.yaml",
                        "accessModes",
                        "accesModes",
                        "unknown field 'accesModes' at spec.accesModes"),
                new Mistake(
                        "misspelt KafkaTopic field",
                        topics,
                        "partitions: 12",
                        "partition: 12",
                        "KafkaTopic images: unknown field 'partition' at spec.partition"),
                new Mistake(
                        "misspelt Kafka listener field",
                        kafka,
                        "tls: true",
                        "tsl: true",
                        "unknown field 'tsl' at spec.kafka.listeners[0].tsl"),
                new Mistake(
                        "misspelt PodMonitor field",
                        "base/monitoring/pod-monitors.yaml",
                        "podMetricsEndpoints",
                        "podMetricEndpoints",
                        "unknown field 'podMetricEndpoints'"),
                new Mistake(
                        "misspelt Job field",
                        train,
                        "backoffLimit",
                        "backOffLimit",
                        "unknown field 'backOffLimit' at spec.backOffLimit"),
                new Mistake(
                        "misspelt kustomization field",
                        "base/kafka/kustomization.yaml",
                        "resources:",
                        "resource:",
                        "unknown field 'resource'"),
                new Mistake(
                        "misspelt enum value",
                        flink,
                        "upgradeMode: savepoint",
                        "upgradeMode: savepont",
                        "invalid value 'savepont' at spec.job.upgradeMode"),
                new Mistake(
                        "an API version without a typed model",
                        topics,
                        "apiVersion: kafka.strimzi.io/v1\n",
                        "apiVersion: kafka.strimzi.io/v1beta3\n",
                        "no typed model for apiVersion kafka.strimzi.io/v1beta3"),
                // topics
                new Mistake(
                        "a topic the code does not know",
                        topics,
                        "name: label-stats",
                        "name: label-statistics",
                        "topic label-statistics is not a topic of the code",
                        "topic label-stats (Topics.LABEL_STATS) has no KafkaTopic",
                        "--label-stats-topic label-stats has no KafkaTopic"),
                new Mistake(
                        "the job reading a topic nobody creates",
                        flink,
                        "      - images\n",
                        "      - camera-images\n",
                        "--images-topic camera-images has no KafkaTopic"),
                new Mistake(
                        "a misspelt topic config",
                        topics,
                        "retention.ms",
                        "retention.msec",
                        "config 'retention.msec' is not a Kafka topic config"),
                new Mistake(
                        "min.insync.replicas as high as replicas",
                        topics,
                        "min.insync.replicas: 2",
                        "min.insync.replicas: 3",
                        "min.insync.replicas 3 must be below replicas 3"),
                new Mistake(
                        "a misspelt broker config",
                        kafka,
                        "transaction.state.log.min.isr",
                        "transaction.state.log.min.insync",
                        "'transaction.state.log.min.insync' is not a Kafka 4.2.0 broker config"),
                new Mistake(
                        "transactions longer than the brokers allow",
                        flink,
                        "      - 15min\n",
                        "      - 30min\n",
                        "--transaction-timeout 30 min exceeds transaction.max.timeout.ms"),
                new Mistake(
                        "another Kafka version than the clients'",
                        kafka,
                        "version: 4.2.0",
                        "version: 4.1.1",
                        "spec.kafka.version is 4.1.1; the pipeline's Kafka clients are 4.2.0"),
                // ports
                new Mistake(
                        "the Prometheus reporter on another port than the pod declares",
                        flink,
                        "metrics.reporter.prom.port: \"9249\"",
                        "metrics.reporter.prom.port: \"9250\"",
                        "the Prometheus reporter listens on 9250, but spec.podTemplate's"
                                + " flink-main-container port 'metrics' is 9249"),
                new Mistake(
                        "a bootstrap port no listener has",
                        flink,
                        "resflow-kafka-bootstrap:9093",
                        "resflow-kafka-bootstrap:9092",
                        "port 9092 is not a listener port of resflow-kafka-bootstrap"),
                new Mistake(
                        "a bootstrap host that is no Strimzi service",
                        flink,
                        "resflow-kafka-bootstrap:9093",
                        "kafka:9093",
                        "bootstrap server kafka:9093 is no Strimzi bootstrap service"),
                new Mistake(
                        "the job's Kafka user without WRITE on labels",
                        users,
                        "          name: labels\n"
                                + "          patternType: literal\n"
                                + "        operations: [Write, Describe]",
                        "          name: labels\n"
                                + "          patternType: literal\n"
                                + "        operations: [Describe]",
                        "KafkaUser resflow-classify: does not grant topic labels literal Write"),
                new Mistake(
                        "the job's Kafka user granted a topic the job does not use",
                        users,
                        "          name: label-stats\n",
                        "          name: label-statistics\n",
                        "KafkaUser resflow-classify: grants topic label-statistics literal Write,"
                                + " which the classify job does not use"),
                new Mistake(
                        "--kafka-config on no ConfigMap volume",
                        flink,
                        "      - /etc/resflow/kafka-client/client.properties",
                        "      - /etc/kafka/client.properties",
                        "--kafka-config /etc/kafka/client.properties is on no ConfigMap volume"),
                new Mistake(
                        "the Kafka user's Secret mounted nowhere the client settings read",
                        clientSettings,
                        "${dir:/etc/resflow/kafka-user:sasl.jaas.config}",
                        "${dir:/etc/resflow/user:sasl.jaas.config}",
                        "mounts volume kafka-user at /etc/resflow/kafka-user, which neither"),
                new Mistake(
                        "the trainer serving metrics on another port than it declares",
                        train,
                        "containerPort: 9464",
                        "containerPort: 9465",
                        "--metrics-port 9464 must equal the container's port 'metrics' 9465"),
                new Mistake(
                        "a PodMonitor scraping a port the pods do not declare",
                        "base/monitoring/pod-monitors.yaml",
                        "- port: metrics",
                        "- port: prometheus",
                        "scrapes port 'prometheus', which the selected pods do not declare"),
                new Mistake(
                        "a PodMonitor selecting no pod",
                        "base/monitoring/pod-monitors.yaml",
                        "app: resflow-classify",
                        "app: resflow-classifier",
                        "its selector matches no pod"),
                // the job's options and Flink's configuration
                new Mistake(
                        "an option the job does not have",
                        flink,
                        "      - --max-batch-size\n",
                        "      - --max-batchsize\n",
                        "unknown option --max-batchsize; the options are"),
                new Mistake(
                        "an option value of the wrong type",
                        flink,
                        "      - 10ms\n",
                        "      - ten millis\n",
                        "--max-batch-delay"),
                new Mistake(
                        "an option left out",
                        flink,
                        "      - --top-k\n      - \"3\"\n",
                        "",
                        "spec.job.args do not set --top-k (default 3)"),
                new Mistake(
                        "--parallelism unlike spec.job.parallelism",
                        flink,
                        "      - --parallelism\n      - \"4\"\n",
                        "      - --parallelism\n      - \"8\"\n",
                        "--parallelism 8 differs from spec.job.parallelism 4"),
                new Mistake(
                        "a model no trainer Job writes",
                        flink,
                        "/models/runs/fashion-resnet20-1/saved-model",
                        "/models/runs/fashion-resnet20-2/saved-model",
                        "is the SavedModel of no trainer Job"),
                new Mistake(
                        "a retraining run the CronJob cannot have written",
                        flink,
                        "/models/runs/fashion-resnet20-1/saved-model",
                        "/models/runs/resflow-retrain-latest/saved-model",
                        "--model /models/runs/resflow-retrain-latest/saved-model is the SavedModel"
                                + " of no trainer Job or CronJob",
                        "/models/runs/resflow-retrain-<n>/saved-model"),
                new Mistake(
                        "settings the job refuses together",
                        flink,
                        "      - --async-capacity\n      - \"512\"\n",
                        "      - --async-capacity\n      - \"32\"\n",
                        "spec.job.args: Cannot start the classify job: --async-capacity must be at"
                                + " least --max-batch-size"),
                new Mistake(
                        "more inference threads than the TaskManager's CPUs",
                        flink,
                        "      - --inference-threads\n      - \"4\"\n",
                        "      - --inference-threads\n      - \"8\"\n",
                        "--inference-threads 8 is more than the TaskManager's CPU limit 4 "),
                new Mistake(
                        "another entry class",
                        flink,
                        "entryClass: io.resflow.pipeline.classify.ClassifyJob",
                        "entryClass: io.resflow.pipeline.classify.ClassifyJobMain",
                        "spec.job.entryClass must be io.resflow.pipeline.classify.ClassifyJob"),
                new Mistake(
                        "a misspelt Flink option",
                        flink,
                        "execution.checkpointing.dir:",
                        "execution.checkpoint.dir:",
                        "execution.checkpoint.dir is not a Flink 2.2.1 option (did you mean"
                                + " execution.checkpointing.dir?)",
                        "flinkConfiguration needs execution.checkpointing.dir"),
                new Mistake(
                        "a Flink option deprecated in Flink 2",
                        flink,
                        "execution.checkpointing.savepoint-dir:",
                        "state.savepoints.dir:",
                        "state.savepoints.dir is deprecated in Flink 2.2.1; use"
                                + " execution.checkpointing.savepoint-dir"),
                new Mistake(
                        "another Flink version",
                        flink,
                        "flinkVersion: v2_2",
                        "flinkVersion: v2_1",
                        "spec.flinkVersion is v2_1, expected v2_2"),
                new Mistake(
                        "no Flink version at all",
                        flink,
                        "flinkVersion: v2_2",
                        "flinkVersion: 2.2",
                        "'2.2' is not a Flink version"),
                new Mistake(
                        "a plugin jar of another Flink release",
                        "components/s3-state/flink-s3-state.yaml",
                        "flink-s3-fs-presto-2.2.1.jar",
                        "flink-s3-fs-presto-1.20.1.jar",
                        "names flink-s3-fs-presto-1.20.1.jar"),
                new Mistake(
                        "a checkpoint directory on no volume",
                        flink,
                        "file:///flink-state/checkpoints",
                        "file:///tmp/checkpoints",
                        "is on no volume of flink-main-container: it would vanish with the pod"),
                // the s3-state component, rendered on the base
                new Mistake(
                        "state in S3 but the pods still mount the state volume",
                        s3,
                        "  - path: drop-flink-state-volume.yaml\n" + s3VolumePatchTarget,
                        "",
                        "(FlinkDeployment resflow-classify) with components/s3-state:"
                                + " flink-main-container mounts volume flink-state at /flink-state,"
                                + " which neither flinkConfiguration nor spec.job.args use",
                        "with components/s3-state: volume flink-state claims resflow-flink-state,"
                                + " which is no PersistentVolumeClaim here"),
                new Mistake(
                        "state in S3 but its claim kept",
                        s3,
                        "  - path: drop-flink-state-claim.yaml\n",
                        "",
                        "(PersistentVolumeClaim resflow-flink-state) with components/s3-state:"
                            + " PersistentVolumeClaim resflow-flink-state is mounted by no pod"),
                new Mistake(
                        "a JSON patch that would remove another volume",
                        flink,
                        "        - name: flink-state\n          persistentVolumeClaim:",
                        "        - name: state\n          persistentVolumeClaim:",
                        "components/s3-state/drop-flink-state-volume.yaml: does not apply to"
                            + " FlinkDeployment resflow-classify: operation 4 (test"
                            + " /spec/podTemplate/spec/volumes/1/name): expects \"flink-state\", is"
                            + " \"state\""),
                new Mistake(
                        "a JSON patch without a target",
                        s3,
                        s3VolumePatchTarget,
                        "",
                        "drop-flink-state-volume.yaml: a JSON 6902 patch (a list of operations)"
                                + " needs a target"),
                new Mistake(
                        "a patch directive kustomize would keep as a field",
                        "components/s3-state/drop-flink-state-claim.yaml",
                        "$patch: delete",
                        "$patch: replace",
                        "$patch: only 'delete' in a patch is supported"),
                new Mistake(
                        "a component merging a list of a built-in kind",
                        "components/s3-state/flink-s3-state.yaml",
                        "key:secret-key\n",
                        "key:secret-key\n"
                                + "---\n"
                                + "apiVersion: batch/v1\n"
                                + "kind: Job\n"
                                + "metadata:\n"
                                + "  name: resflow-train\n"
                                + "spec:\n"
                                + "  template:\n"
                                + "    spec:\n"
                                + "      containers:\n"
                                + "        - name: trainer\n"
                                + "          image: resflow/trainer\n",
                        "sets the list spec.template.spec.containers of a built-in kind"),
                // ingest
                new Mistake(
                        "a flag resflow ingest does not have",
                        "base/ingest/ingest-deployment.yaml",
                        "- --fps",
                        "- --frames-per-second",
                        "resflow ingest refuses these arguments"),
                new Mistake(
                        "the camera list on no volume",
                        "base/ingest/ingest-deployment.yaml",
                        "mountPath: /etc/resflow/cameras",
                        "mountPath: /etc/resflow/camera-list",
                        "--cameras /etc/resflow/cameras/cameras.txt is on no volume of container"
                                + " ingest"),
                new Mistake(
                        "ingest sending to a topic that is not created",
                        "base/ingest/ingest-deployment.yaml",
                        "- images",
                        "- frames",
                        "--topic frames has no KafkaTopic"),
                new Mistake(
                        "ingest in no apply stage",
                        "base/ingest/ingest-deployment.yaml",
                        "app.kubernetes.io/component: ingest",
                        "app.kubernetes.io/component: cameras",
                        "must be one of the apply stages"),
                // the trainer
                new Mistake(
                        "a flag resflow train does not have",
                        train,
                        "- --epochs",
                        "- --epoch",
                        "resflow train refuses these arguments"),
                new Mistake(
                        "a trainer output on no volume",
                        train,
                        "/models/runs/fashion-resnet20-1",
                        "/tmp/runs/fashion-resnet20-1",
                        "--output /tmp/runs/fashion-resnet20-1 is on no volume of container"
                                + " trainer",
                        "is the SavedModel of no trainer Job"),
                new Mistake(
                        "retraining labels in another order",
                        "base/trainer/retrain-cronjob.yaml",
                        "T-shirt/top,Trouser",
                        "Trouser,T-shirt/top",
                        "--classes must be the served model's labels"),
                // metrics
                new Mistake(
                        "an alert on a metric the code does not define",
                        alerts,
                        "flink_taskmanager_job_task_operator_framesIn{",
                        "flink_taskmanager_job_task_operator_framesInput{",
                        "metric flink_taskmanager_job_task_operator_framesInput is defined nowhere"
                                + " in the code (did you mean "
                                + "flink_taskmanager_job_task_operator_framesIn?)"),
                new Mistake(
                        "a key-value group's key left out of the name",
                        alerts,
                        "flink_taskmanager_job_task_operator_errorKind_deadLetters",
                        "flink_taskmanager_job_task_operator_deadLetters",
                        "metric flink_taskmanager_job_task_operator_deadLetters is defined"
                                + " nowhere"),
                new Mistake(
                        "another job name",
                        alerts,
                        "job_name=\"resflow-classify\",quantile",
                        "job_name=\"classify\",quantile",
                        "job_name=\"classify\" is not the job's name resflow-classify"),
                new Mistake(
                        "a quantile Flink does not export",
                        alerts,
                        "quantile=\"0.99\"",
                        "quantile=\"0.9\"",
                        "quantile=\"0.9\" is not one Flink's reporter exports"),
                new Mistake(
                        "a label the metric does not have",
                        alerts,
                        "job_name=\"resflow-classify\",quantile",
                        "job=\"resflow-classify\",jobname=\"x\",quantile",
                        "has no label jobname"),
                new Mistake(
                        "a dashboard query on a metric the trainer does not have",
                        dashboard,
                        "max(resflow_trainer_learning_rate)",
                        "max(resflow_trainer_lr)",
                        "metric resflow_trainer_lr is defined nowhere",
                        "metric resflow_trainer_learning_rate (TrainingMetrics"
                                + " (resflow_trainer_learning_rate)) is on no dashboard panel"),
                // images, kustomize, Dockerfiles, README
                new Mistake(
                        "an overlay tag that is not the project version",
                        "overlays/cpu/kustomization.yaml",
                        "newTag: 0.1.0-SNAPSHOT",
                        "newTag: 0.0.9",
                        "images: resflow/pipeline has tag 0.0.9, expected 0.1.0-SNAPSHOT"),
                new Mistake(
                        "the gpu overlay on cpu images",
                        "overlays/gpu/kustomization.yaml",
                        "newTag: 0.1.0-SNAPSHOT-gpu",
                        "newTag: 0.1.0-SNAPSHOT",
                        "expected 0.1.0-SNAPSHOT-gpu"),
                new Mistake(
                        "a tag in the base",
                        train,
                        "image: resflow/trainer",
                        "image: resflow/trainer:latest",
                        "image resflow/trainer:latest is not one k8s/images builds"),
                new Mistake(
                        "a patch of a resource nobody defines",
                        "overlays/gpu/classify-gpu.yaml",
                        "name: resflow-classify",
                        "name: resflow-clasify",
                        "patches FlinkDeployment resflow-clasify, which no resource defines"),
                new Mistake(
                        "a kustomization naming a missing file",
                        "base/kafka/kustomization.yaml",
                        "- topics.yaml",
                        "- topic.yaml",
                        "resources: topic.yaml does not exist",
                        "base/kafka/topics.yaml: no kustomization names this file"),
                new Mistake(
                        "a resource without its apply stage",
                        "base/platform/storage.yaml",
                        "app.kubernetes.io/component: platform",
                        "app.kubernetes.io/component: storage",
                        "label app.kubernetes.io/component must be one of the apply stages"),
                new Mistake(
                        "a Dockerfile on another Flink release",
                        "images/pipeline.Dockerfile",
                        "ARG FLINK_VERSION=2.2.1",
                        "ARG FLINK_VERSION=2.1.0",
                        "ARG FLINK_VERSION=2.1.0, but the build has 2.2.1 (root pom.xml)"),
                new Mistake(
                        "an unpinned base image",
                        "images/trainer.Dockerfile",
                        "ARG RUNTIME_IMAGE=debian:12.12-slim",
                        "ARG RUNTIME_IMAGE=debian:latest",
                        "ARG RUNTIME_IMAGE=debian:latest is not pinned to a tag"),
                new Mistake(
                        "the job jar elsewhere in the image",
                        "images/pipeline.Dockerfile",
                        "/out/usrlib/resflow-pipeline.jar",
                        "/out/usrlib/pipeline.jar",
                        "does not put the job at /opt/flink/usrlib/resflow-pipeline.jar"),
                new Mistake(
                        "a README naming a file that is not there",
                        "README.md",
                        "k8s/base/flink/classify-deployment.yaml",
                        "k8s/base/flink/deployment.yaml",
                        "names k8s/base/flink/deployment.yaml, which does not exist"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("mistakes")
    void refusesABrokenCopy(Mistake mistake) throws IOException {
        Path copy = copyOfK8s();
        Path file = copy.resolve(mistake.file());
        String text = Files.readString(file);
        assertThat(text).as("the case's text to break").contains(mistake.from());
        Files.writeString(
                file,
                text.replaceFirst(
                        java.util.regex.Pattern.quote(mistake.from()),
                        java.util.regex.Matcher.quoteReplacement(mistake.to())));

        ManifestValidator.Report report = validator.validate(copy);

        List<String> problems = report.problems().stream().map(Problem::toString).toList();
        for (String expected : mistake.expected()) {
            assertThat(problems)
                    .as(report.describe())
                    .anySatisfy(p -> assertThat(p).contains(expected));
        }
    }

    /** k8s/README.md, Rolling out a new model: --model may name a run of the retraining CronJob. */
    @Test
    void acceptsTheSavedModelOfARetrainingRun() throws IOException {
        Path copy = copyOfK8s();
        Path flink = copy.resolve("base/flink/classify-deployment.yaml");
        // The CronJob controller names a run <cronjob>-<scheduled time in minutes since the epoch>.
        Files.writeString(
                flink,
                Files.readString(flink)
                        .replace(
                                "/models/runs/fashion-resnet20-1/saved-model",
                                "/models/runs/resflow-retrain-29430180/saved-model"));

        ManifestValidator.Report report = validator.validate(copy);

        assertThat(report.problems()).as(report.describe()).isEmpty();
    }

    /**
     * --inference-threads 0 is the JVM's CPU count, which in the pod is the TaskManager's CPU
     * limit.
     */
    @Test
    void acceptsInferenceThreadsSizedByTheTaskManager() throws IOException {
        Path copy = copyOfK8s();
        Path flink = copy.resolve("base/flink/classify-deployment.yaml");
        String args = Files.readString(flink);
        assertThat(args).contains("      - --inference-threads\n      - \"4\"\n");
        Files.writeString(
                flink,
                args.replace(
                        "      - --inference-threads\n      - \"4\"\n",
                        "      - --inference-threads\n      - \"0\"\n"));

        ManifestValidator.Report report = validator.validate(copy);

        assertThat(report.problems()).as(report.describe()).isEmpty();
    }

    /**
     * With components/s3-state, Flink's state is in S3 and nothing needs the ReadWriteMany state
     * volume.
     */
    @Test
    void theS3VariantKeepsNoStateVolume() {
        ManifestTree tree = ManifestTree.load(k8sDirectory());

        Variant s3 = Variant.withComponent(tree, Path.of("components/s3-state"));

        assertThat(s3.problems()).isEmpty();
        assertThat(s3.resources(PersistentVolumeClaim.class))
                .extracting(c -> c.getMetadata().getName())
                .containsExactly("resflow-models");
        FlinkDeployment classify = s3.resources(FlinkDeployment.class).get(0);
        PodSpec pods = classify.getSpec().getPodTemplate().getSpec();
        assertThat(pods.getVolumes())
                .extracting(Volume::getName)
                .containsExactly("models", "kafka-client", "kafka-user", "kafka-ca");
        assertThat(pods.getContainers().get(0).getVolumeMounts())
                .extracting(VolumeMount::getMountPath)
                .containsExactly(
                        "/models",
                        "/etc/resflow/kafka-client",
                        "/etc/resflow/kafka-user",
                        "/etc/resflow/kafka-ca");
        assertThat(pods.getContainers().get(0).getPorts())
                .as("the rest of the pod template stays")
                .isNotEmpty();
        assertThat(classify.getSpec().getFlinkConfiguration())
                .hasEntrySatisfying(
                        "execution.checkpointing.dir", dir -> assertThat(dir).startsWith("s3://"))
                .hasEntrySatisfying(
                        "execution.checkpointing.savepoint-dir",
                        dir -> assertThat(dir).startsWith("s3://"))
                .hasEntrySatisfying(
                        "high-availability.storageDir", dir -> assertThat(dir).startsWith("s3://"));
        assertThat(classify.getSpec().getFlinkConfiguration().values())
                .noneMatch(v -> v.startsWith("file://"));
    }

    @Test
    void refusesAFileNoKustomizationNames() throws IOException {
        Path copy = copyOfK8s();
        Files.writeString(
                copy.resolve("base/flink/session.yaml"),
                "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n");

        ManifestValidator.Report report = validator.validate(copy);

        assertThat(report.problems())
                .extracting(Problem::toString)
                .containsExactly(
                        "base/flink/session.yaml: no kustomization names this file (resources,"
                            + " patches, configurations or configMapGenerator), so kubectl apply -k"
                            + " leaves it out");
    }

    private Path copyOfK8s() throws IOException {
        Path source = k8sDirectory();
        Path target = temp.resolve("k8s");
        try (Stream<Path> files = Files.walk(source)) {
            for (Path path : files.toList()) {
                Path relative = source.relativize(path);
                if (relative.startsWith("target")) {
                    continue;
                }
                Path destination = target.resolve(relative.toString());
                if (Files.isDirectory(path)) {
                    Files.createDirectories(destination);
                } else {
                    Files.copy(path, destination);
                }
            }
        }
        return target;
    }

    static Path k8sDirectory() {
        return Path.of(System.getProperty("resflow.k8s.dir"));
    }
}
