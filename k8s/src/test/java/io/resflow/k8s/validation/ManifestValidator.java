package io.resflow.k8s.validation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.LabelSelectorRequirement;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.batch.v1.CronJob;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.openshift.api.model.monitoring.v1.PodMetricsEndpoint;
import io.fabric8.openshift.api.model.monitoring.v1.PodMonitor;
import io.fabric8.openshift.api.model.monitoring.v1.PrometheusRule;
import io.fabric8.openshift.api.model.monitoring.v1.Rule;
import io.fabric8.openshift.api.model.monitoring.v1.RuleGroup;
import io.resflow.cli.ResFlow;
import io.resflow.datasets.FashionMnist;
import io.resflow.k8s.facts.CodeFacts;
import io.resflow.k8s.facts.FlinkConfigKeys;
import io.resflow.k8s.facts.FlinkPlugins;
import io.resflow.k8s.facts.MetricCatalogue;
import io.resflow.k8s.facts.PrometheusMetric;
import io.resflow.k8s.facts.Spelling;
import io.resflow.k8s.manifests.JsonPatch;
import io.resflow.k8s.manifests.Kustomization;
import io.resflow.k8s.manifests.Manifest;
import io.resflow.k8s.manifests.ManifestTree;
import io.resflow.k8s.manifests.Problem;
import io.resflow.k8s.manifests.Variant;
import io.resflow.pipeline.classify.ClassifyJobOptions;
import io.resflow.pipeline.classify.KafkaIo;
import io.resflow.pipeline.kafka.Topics;
import io.resflow.trainer.run.TrainingRun;
import io.strimzi.api.kafka.model.kafka.Kafka;
import io.strimzi.api.kafka.model.kafka.listener.GenericKafkaListener;
import io.strimzi.api.kafka.model.nodepool.KafkaNodePool;
import io.strimzi.api.kafka.model.nodepool.ProcessRoles;
import io.strimzi.api.kafka.model.topic.KafkaTopic;
import io.strimzi.api.kafka.model.user.KafkaUser;
import io.strimzi.api.kafka.model.user.KafkaUserAuthorizationSimple;
import io.strimzi.api.kafka.model.user.acl.AclOperation;
import io.strimzi.api.kafka.model.user.acl.AclRule;
import io.strimzi.api.kafka.model.user.acl.AclRuleGroupResource;
import io.strimzi.api.kafka.model.user.acl.AclRuleResource;
import io.strimzi.api.kafka.model.user.acl.AclRuleTopicResource;
import io.strimzi.api.kafka.model.user.acl.AclRuleTransactionalIdResource;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.kubernetes.operator.api.FlinkDeployment;
import org.apache.flink.kubernetes.operator.api.spec.JobSpec;
import org.apache.flink.kubernetes.operator.api.spec.UpgradeMode;
import org.apache.flink.util.TimeUtils;
import picocli.CommandLine;

/**
 * Checks a k8s/ folder without a cluster: every manifest parses into its typed model with no
 * unknown field ({@link ManifestTree}), and everything it names agrees with the code ({@link
 * CodeFacts}): topics, job options, Flink and Kafka configuration keys, ports, volumes, metric
 * names and labels, image names and tags, versions in the Dockerfiles, the paths in the README.
 * Used on the real folder and on deliberately broken copies of it ({@code ManifestValidatorTest}).
 *
 * <pre>{@code
 * ManifestValidator.Report report = new ManifestValidator(CodeFacts.read()).validate(Path.of("k8s"));
 * report.problems().forEach(System.out::println);
 * }</pre>
 */
public final class ManifestValidator {

    /**
     * The apply stages of k8s/README.md: every resource carries one as app.kubernetes.io/component.
     */
    public static final List<String> STAGES =
            List.of("platform", "kafka", "trainer", "classify", "ingest", "monitoring");

    public static final String STAGE_LABEL = "app.kubernetes.io/component";

    /** Where the pipeline image puts the job jar (k8s/images/pipeline.Dockerfile). */
    public static final String JOB_JAR_URI = "local:///opt/flink/usrlib/resflow-pipeline.jar";

    /** The images k8s/images builds, by Dockerfile. */
    public static final Map<String, String> IMAGES =
            Map.of(
                    "resflow/pipeline", "pipeline.Dockerfile",
                    "resflow/trainer", "trainer.Dockerfile");

    /** Flink's main container in the operator's pod templates. */
    static final String FLINK_MAIN_CONTAINER = "flink-main-container";

    static final String METRICS_PORT_NAME = "metrics";
    static final String GPU_RESOURCE = "nvidia.com/gpu";
    static final String GPU_TAG_SUFFIX = "-gpu";
    static final String PROMETHEUS_REPORTER_FACTORY =
            "org.apache.flink.metrics.prometheus.PrometheusReporterFactory";
    static final String TASK_MANAGER_CPU_LIMIT_FACTOR = "kubernetes.taskmanager.cpu.limit-factor";

    /** The label the Job controller puts on a Job's pods, read through the downward API. */
    static final String JOB_NAME_FIELD = "metadata.labels['batch.kubernetes.io/job-name']";

    private final CodeFacts facts;

    public ManifestValidator(CodeFacts facts) {
        this.facts = facts;
    }

    /** What a validation found. */
    public record Report(ManifestTree tree, List<Problem> problems, List<String> notices) {

        public boolean ok() {
            return problems.isEmpty();
        }

        public String describe() {
            StringBuilder text = new StringBuilder();
            text.append(tree.manifests().size())
                    .append(" objects in ")
                    .append(tree.kustomizations().size())
                    .append(" kustomizations, ")
                    .append(problems.size())
                    .append(" problem(s)");
            problems.forEach(p -> text.append("\n  ").append(p));
            notices.forEach(n -> text.append("\n  notice: ").append(n));
            return text.toString();
        }
    }

    public Report validate(Path k8sDirectory) {
        ManifestTree tree = ManifestTree.load(k8sDirectory);
        Run run = new Run(tree);
        run.problems.addAll(tree.problems());
        run.checkStagesAndImages();
        run.checkPatchTargets();
        run.checkKafka();
        run.checkTopics();
        run.checkFlinkDeployments();
        run.checkWorkloads();
        run.checkClaimsUsed("", tree.manifests().stream().filter(m -> !m.patch()).toList());
        run.checkComponents();
        run.checkPodMonitors();
        run.checkMetricQueries();
        run.checkDockerfiles();
        run.checkReadme();
        // A JSON patch that does not apply is found on its own and again in each variant that
        // renders it.
        return new Report(
                tree, List.copyOf(new LinkedHashSet<>(run.problems)), List.copyOf(run.notices));
    }

    /** One validation's state: the tree, what was found so far, and what the checks share. */
    private final class Run {
        final ManifestTree tree;
        final List<Problem> problems = new ArrayList<>();
        final List<String> notices = new ArrayList<>();
        final Set<String> usedMetrics = new TreeSet<>();

        /**
         * The launcher's command line, to parse the containers' arguments (picocli resets it per
         * parse).
         */
        final CommandLine resflow = ResFlow.commandLine();

        Run(ManifestTree tree) {
            this.tree = tree;
        }

        void problem(String where, String message) {
            problems.add(new Problem(where, message));
        }

        // ---------------------------------------------------------------- stages, images, overlays

        void checkStagesAndImages() {
            for (Manifest m : tree.manifests()) {
                if (m.patch()) {
                    continue;
                }
                Map<String, String> labels = m.model().getMetadata().getLabels();
                String stage = labels == null ? null : labels.get(STAGE_LABEL);
                if (!STAGES.contains(stage)) {
                    problem(
                            m.where(),
                            "label "
                                    + STAGE_LABEL
                                    + " must be one of the apply stages "
                                    + STAGES
                                    + ", is "
                                    + stage);
                }
                for (String image : images(m)) {
                    if (!IMAGES.containsKey(image)) {
                        problem(
                                m.where(),
                                "image "
                                        + image
                                        + " is not one k8s/images builds "
                                        + IMAGES.keySet()
                                        + " (tags come from the overlays' images:, never from the"
                                        + " base)");
                    }
                }
            }
            Set<Path> referenced = new LinkedHashSet<>();
            tree.kustomizations()
                    .forEach(
                            (dir, k) -> {
                                Stream.concat(
                                                k.resourcesOrEmpty().stream(),
                                                k.componentsOrEmpty().stream())
                                        .forEach(r -> referenced.add(dir.resolve(r).normalize()));
                            });
            tree.kustomizations()
                    .forEach(
                            (dir, k) -> {
                                if (referenced.contains(dir) || "Component".equals(k.kind())) {
                                    return;
                                }
                                checkOverlayImages(dir, k);
                            });
        }

        /**
         * An overlay (a kustomization nothing else includes) must tag every image the base uses.
         */
        void checkOverlayImages(Path dir, Kustomization k) {
            String where = dir.resolve("kustomization.yaml").toString();
            Set<String> used =
                    tree.manifests().stream()
                            .filter(m -> !m.patch())
                            .flatMap(m -> images(m).stream())
                            .collect(Collectors.toCollection(TreeSet::new));
            boolean gpu =
                    tree.manifests().stream()
                            .anyMatch(m -> m.patch() && m.file().startsWith(dir) && requestsGpu(m));
            String expectedTag = facts.versions().project() + (gpu ? GPU_TAG_SUFFIX : "");
            Map<String, Kustomization.Image> byName = new LinkedHashMap<>();
            k.imagesOrEmpty().forEach(i -> byName.put(i.name(), i));
            for (String image : used) {
                Kustomization.Image entry = byName.get(image);
                if (entry == null) {
                    problem(
                            where,
                            "images: has no entry for "
                                    + image
                                    + ", so it would run untagged (latest)");
                } else if (!expectedTag.equals(entry.newTag())) {
                    problem(
                            where,
                            "images: "
                                    + image
                                    + " has tag "
                                    + entry.newTag()
                                    + ", expected "
                                    + expectedTag
                                    + " (the project version"
                                    + (gpu
                                            ? ", gpu variant: its patches request " + GPU_RESOURCE
                                            : "")
                                    + ")");
                }
            }
            byName.keySet().stream()
                    .filter(name -> !used.contains(name))
                    .forEach(name -> problem(where, "images: " + name + " is used by no resource"));
            boolean flinkImages =
                    tree.resources(FlinkDeployment.class).stream()
                            .anyMatch(f -> f.getSpec().getImage() != null);
            boolean knowsFlinkImage =
                    k.configurationsOrEmpty().stream()
                            .map(c -> tree.transformerConfigs().get(dir.resolve(c).normalize()))
                            .filter(Objects::nonNull)
                            .flatMap(c -> c.images() == null ? Stream.empty() : c.images().stream())
                            .anyMatch(
                                    f ->
                                            "FlinkDeployment".equals(f.kind())
                                                    && "spec/image".equals(f.path()));
            if (flinkImages && !knowsFlinkImage) {
                problem(
                        where,
                        "configurations: none tells the images transformer about FlinkDeployment"
                                + " spec/image, so the FlinkDeployment keeps an untagged image");
            }
        }

        void checkPatchTargets() {
            for (Manifest patch : tree.manifests()) {
                if (!patch.patch()) {
                    continue;
                }
                boolean found =
                        tree.manifests().stream()
                                .anyMatch(
                                        m ->
                                                !m.patch()
                                                        && m.kind().equals(patch.kind())
                                                        && Objects.equals(m.name(), patch.name()));
                if (!found) {
                    problem(
                            patch.where(),
                            "patches "
                                    + patch.kind()
                                    + " "
                                    + patch.name()
                                    + ", which no resource defines");
                }
            }
            for (JsonPatch patch : tree.jsonPatches()) {
                List<Manifest> targets =
                        tree.manifests().stream()
                                .filter(m -> !m.patch() && patch.targets(m.tree()))
                                .toList();
                if (targets.isEmpty()) {
                    problem(
                            patch.file().toString(),
                            "its target " + patch.target() + " matches no object");
                }
                // Each alone against the base: a patch of an overlay is rendered nowhere else.
                for (Manifest target : targets) {
                    patch.applyTo(((ObjectNode) target.tree()).deepCopy())
                            .ifPresent(
                                    failure ->
                                            problem(
                                                    patch.file().toString(),
                                                    "does not apply to "
                                                            + target.kind()
                                                            + " "
                                                            + target.name()
                                                            + ": "
                                                            + failure));
                }
            }
        }

        /**
         * Each component added to the base, rendered ({@link Variant}): the pods' volumes and
         * claims and Flink's state directories must still fit together, and no volume may be left
         * that nothing uses.
         */
        void checkComponents() {
            tree.kustomizations()
                    .forEach(
                            (dir, k) -> {
                                if (!"Component".equals(k.kind())) {
                                    return;
                                }
                                Variant variant = Variant.withComponent(tree, dir);
                                problems.addAll(variant.problems());
                                String with = " with " + dir;
                                Set<String> claims =
                                        variant.resources(PersistentVolumeClaim.class).stream()
                                                .map(c -> c.getMetadata().getName())
                                                .collect(Collectors.toCollection(TreeSet::new));
                                for (Manifest m : variant.all(FlinkDeployment.class)) {
                                    FlinkDeployment deployment = m.as(FlinkDeployment.class);
                                    Map<String, String> configuration =
                                            deployment.getSpec().getFlinkConfiguration() == null
                                                    ? Map.of()
                                                    : deployment.getSpec().getFlinkConfiguration();
                                    for (PodTemplateSpec template : flinkTemplates(deployment)) {
                                        checkPodTemplate(
                                                m.where() + with, template.getSpec(), claims);
                                    }
                                    checkStateDirectories(
                                            m.where() + with, deployment, configuration);
                                    checkVolumesUsed(m.where() + with, deployment, configuration);
                                }
                                checkClaimsUsed(with, variant.resources());
                            });
        }

        /**
         * Every claim is mounted by some pod: an unused one still waits for a volume its class can
         * bind (ReadWriteMany here), the very thing a component like s3-state is there to spare.
         */
        void checkClaimsUsed(String suffix, List<Manifest> objects) {
            Set<String> mounted = new TreeSet<>();
            for (Manifest m : objects) {
                List<PodTemplateSpec> templates = new ArrayList<>();
                if (m.is(FlinkDeployment.class) && m.as(FlinkDeployment.class).getSpec() != null) {
                    templates.addAll(flinkTemplates(m.as(FlinkDeployment.class)));
                }
                workloadTemplate(m).ifPresent(templates::add);
                templates.stream()
                        .filter(t -> t.getSpec() != null && t.getSpec().getVolumes() != null)
                        .flatMap(t -> t.getSpec().getVolumes().stream())
                        .filter(v -> v.getPersistentVolumeClaim() != null)
                        .forEach(v -> mounted.add(v.getPersistentVolumeClaim().getClaimName()));
            }
            for (Manifest m : objects) {
                if (m.is(PersistentVolumeClaim.class) && !mounted.contains(m.name())) {
                    problem(
                            m.where() + suffix,
                            "PersistentVolumeClaim "
                                    + m.name()
                                    + " is mounted by no pod: it would still ask the cluster for a"
                                    + " volume, and a class that can bind it, that nothing uses");
                }
            }
        }

        // ---------------------------------------------------------------- Kafka and topics

        /** host:port strings that reach a Strimzi listener, e.g. resflow-kafka-bootstrap:9092. */
        Map<String, Set<Integer>> bootstrapHosts() {
            Map<String, Set<Integer>> hosts = new LinkedHashMap<>();
            for (Kafka kafka : tree.resources(Kafka.class)) {
                Set<Integer> ports =
                        kafka.getSpec().getKafka().getListeners().stream()
                                .map(GenericKafkaListener::getPort)
                                .collect(Collectors.toCollection(TreeSet::new));
                hosts.put(kafka.getMetadata().getName() + "-kafka-bootstrap", ports);
            }
            return hosts;
        }

        void checkBootstrapServers(String where, String servers) {
            Map<String, Set<Integer>> hosts = bootstrapHosts();
            for (String server : servers.split(",")) {
                String[] hostPort = server.trim().split(":");
                if (hostPort.length != 2 || !hostPort[1].matches("\\d+")) {
                    problem(where, "bootstrap server '" + server + "' must be host:port");
                    continue;
                }
                String host = hostPort[0];
                Optional<String> service =
                        hosts.keySet().stream()
                                .filter(h -> host.equals(h) || host.startsWith(h + "."))
                                .findFirst();
                if (service.isEmpty()) {
                    problem(
                            where,
                            "bootstrap server "
                                    + server
                                    + " is no Strimzi bootstrap service of these manifests "
                                    + hosts.keySet());
                } else if (!hosts.get(service.get()).contains(Integer.parseInt(hostPort[1]))) {
                    problem(
                            where,
                            "bootstrap server "
                                    + server
                                    + ": port "
                                    + hostPort[1]
                                    + " is not a listener port of "
                                    + service.get()
                                    + " "
                                    + hosts.get(service.get()));
                }
            }
        }

        void checkKafka() {
            List<Kafka> clusters = tree.resources(Kafka.class);
            if (clusters.isEmpty()) {
                problem("base", "no Strimzi Kafka resource");
            }
            for (Manifest m : tree.all(Kafka.class)) {
                Kafka kafka = m.as(Kafka.class);
                if (kafka.getSpec() == null || kafka.getSpec().getKafka() == null) {
                    continue;
                }
                String version = kafka.getSpec().getKafka().getVersion();
                if (!m.patch() || version != null) {
                    if (!facts.versions().kafka().equals(version)) {
                        problem(
                                m.where(),
                                "spec.kafka.version is "
                                        + version
                                        + "; the pipeline's Kafka clients are "
                                        + facts.versions().kafka()
                                        + " (root pom.xml kafka.version)");
                    }
                }
                Map<String, Object> config = kafka.getSpec().getKafka().getConfig();
                if (config != null) {
                    for (String key : config.keySet()) {
                        if (!facts.brokerConfigNames().contains(key)) {
                            problem(
                                    m.where(),
                                    "spec.kafka.config: '"
                                            + key
                                            + "' is not a Kafka "
                                            + facts.versions().kafka()
                                            + " broker config");
                        }
                    }
                }
                if (!m.patch()) {
                    int brokers = brokers(kafka.getMetadata().getName());
                    boolean controllers =
                            tree.resources(KafkaNodePool.class).stream()
                                    .filter(p -> kafka.getMetadata().getName().equals(clusterOf(p)))
                                    .anyMatch(
                                            p ->
                                                    p.getSpec()
                                                            .getRoles()
                                                            .contains(ProcessRoles.CONTROLLER));
                    if (brokers == 0 || !controllers) {
                        problem(
                                m.where(),
                                "KRaft needs KafkaNodePools labelled strimzi.io/cluster="
                                        + kafka.getMetadata().getName()
                                        + " with broker and controller roles");
                    }
                }
            }
            for (KafkaNodePool pool : tree.resources(KafkaNodePool.class)) {
                if (clusters.stream()
                        .noneMatch(k -> k.getMetadata().getName().equals(clusterOf(pool)))) {
                    problem(
                            "KafkaNodePool " + pool.getMetadata().getName(),
                            "label strimzi.io/cluster names no Kafka: " + clusterOf(pool));
                }
            }
        }

        int brokers(String cluster) {
            return tree.resources(KafkaNodePool.class).stream()
                    .filter(
                            p ->
                                    cluster.equals(clusterOf(p))
                                            && p.getSpec().getRoles().contains(ProcessRoles.BROKER))
                    .mapToInt(p -> p.getSpec().getReplicas())
                    .sum();
        }

        String clusterOf(HasMetadata resource) {
            Map<String, String> labels = resource.getMetadata().getLabels();
            return labels == null ? null : labels.get("strimzi.io/cluster");
        }

        /** Topic names the KafkaTopic resources create. */
        Set<String> topicNames() {
            return tree.resources(KafkaTopic.class).stream()
                    .map(
                            t ->
                                    t.getSpec() != null && t.getSpec().getTopicName() != null
                                            ? t.getSpec().getTopicName()
                                            : t.getMetadata().getName())
                    .collect(Collectors.toCollection(TreeSet::new));
        }

        void checkTopics() {
            Set<String> created = topicNames();
            Map<String, String> codeTopics = facts.topics();
            codeTopics.forEach(
                    (constant, topic) -> {
                        if (!created.contains(topic)) {
                            problem(
                                    "base/kafka",
                                    "topic "
                                            + topic
                                            + " (Topics."
                                            + constant
                                            + ") has no KafkaTopic");
                        }
                    });
            for (Manifest m : tree.all(KafkaTopic.class)) {
                KafkaTopic topic = m.as(KafkaTopic.class);
                String name =
                        topic.getSpec() != null && topic.getSpec().getTopicName() != null
                                ? topic.getSpec().getTopicName()
                                : topic.getMetadata().getName();
                if (!m.patch() && !codeTopics.containsValue(name)) {
                    problem(
                            m.where(),
                            "topic "
                                    + name
                                    + " is not a topic of the code"
                                    + " (io.resflow.pipeline.kafka.Topics: "
                                    + new TreeSet<>(codeTopics.values())
                                    + ")");
                }
                if (topic.getSpec() == null) {
                    problem(m.where(), "no spec");
                    continue;
                }
                Map<String, Object> config =
                        topic.getSpec().getConfig() == null
                                ? Map.of()
                                : topic.getSpec().getConfig();
                for (String key : config.keySet()) {
                    if (!facts.topicConfigNames().contains(key)) {
                        problem(
                                m.where(),
                                "config '" + key + "' is not a Kafka topic config (TopicConfig)");
                    }
                }
                if (m.patch()) {
                    continue;
                }
                String cluster = clusterOf(topic);
                if (tree.resources(Kafka.class).stream()
                        .noneMatch(k -> k.getMetadata().getName().equals(cluster))) {
                    problem(m.where(), "label strimzi.io/cluster names no Kafka: " + cluster);
                }
                Integer partitions = topic.getSpec().getPartitions();
                Integer replicas = topic.getSpec().getReplicas();
                if (partitions == null || partitions < 1) {
                    problem(m.where(), "spec.partitions must be set (1 or more)");
                }
                if (replicas == null) {
                    problem(m.where(), "spec.replicas must be set");
                } else if (cluster != null && replicas > brokers(cluster)) {
                    problem(
                            m.where(),
                            "spec.replicas "
                                    + replicas
                                    + " is more than the "
                                    + brokers(cluster)
                                    + " brokers");
                }
                if (!config.containsKey("retention.ms") && !config.containsKey("retention.bytes")) {
                    problem(
                            m.where(),
                            "config needs a retention (retention.ms or retention.bytes)");
                }
                Object minIsr = config.get("min.insync.replicas");
                if (minIsr == null) {
                    problem(
                            m.where(),
                            "config needs min.insync.replicas (the exactly-once sinks write with"
                                    + " acks=all)");
                } else if (replicas != null && Integer.parseInt(minIsr.toString()) >= replicas) {
                    problem(
                            m.where(),
                            "min.insync.replicas "
                                    + minIsr
                                    + " must be below replicas "
                                    + replicas
                                    + ", or one broker down stops every write");
                }
            }
        }

        // ---------------------------------------------------------------- Flink

        void checkFlinkDeployments() {
            List<FlinkDeployment> deployments = tree.resources(FlinkDeployment.class);
            if (deployments.isEmpty()) {
                problem("base", "no FlinkDeployment for the classify job");
            }
            for (Manifest m : tree.all(FlinkDeployment.class)) {
                FlinkDeployment deployment = m.as(FlinkDeployment.class);
                JsonNode flinkVersion = m.tree().path("spec").path("flinkVersion");
                if (!flinkVersion.isMissingNode() || !m.patch()) {
                    String expected = facts.versions().flinkOperatorVersion();
                    if (!expected.equals(flinkVersion.asText(null))) {
                        problem(
                                m.where(),
                                "spec.flinkVersion is "
                                        + flinkVersion.asText(null)
                                        + ", expected "
                                        + expected
                                        + " (Flink "
                                        + facts.versions().flink()
                                        + ", root pom.xml flink.version)");
                    }
                }
                Map<String, String> configuration =
                        deployment.getSpec() == null
                                        || deployment.getSpec().getFlinkConfiguration() == null
                                ? Map.of()
                                : deployment.getSpec().getFlinkConfiguration();
                checkFlinkConfiguration(m, configuration);
                if (deployment.getSpec() != null) {
                    for (PodTemplateSpec template : flinkTemplates(deployment)) {
                        checkPodTemplate(m.where(), template.getSpec(), claimNames());
                    }
                }
                if (!m.patch()) {
                    checkClassifyJob(m, deployment, configuration);
                }
            }
        }

        List<PodTemplateSpec> flinkTemplates(FlinkDeployment deployment) {
            List<PodTemplateSpec> templates = new ArrayList<>();
            templates.add(deployment.getSpec().getPodTemplate());
            if (deployment.getSpec().getJobManager() != null) {
                templates.add(deployment.getSpec().getJobManager().getPodTemplate());
            }
            if (deployment.getSpec().getTaskManager() != null) {
                templates.add(deployment.getSpec().getTaskManager().getPodTemplate());
            }
            return templates.stream().filter(t -> t != null && t.getSpec() != null).toList();
        }

        void checkFlinkConfiguration(Manifest m, Map<String, String> configuration) {
            Map<String, String> factories = new LinkedHashMap<>();
            configuration.forEach(
                    (key, value) -> {
                        Matcher reporter =
                                Pattern.compile("metrics\\.reporter\\.([^.]+)\\.factory\\.class")
                                        .matcher(key);
                        if (reporter.matches()) {
                            factories.put(reporter.group(1), value);
                        }
                    });
            configuration.forEach(
                    (key, value) -> {
                        FlinkConfigKeys.Lookup lookup =
                                facts.flinkConfigKeys().lookup(key, factories);
                        if (lookup instanceof FlinkConfigKeys.Lookup.Deprecated deprecated) {
                            problem(
                                    m.where(),
                                    "flinkConfiguration: "
                                            + key
                                            + " is deprecated in Flink "
                                            + facts.versions().flink()
                                            + "; use "
                                            + deprecated.replacement());
                        } else if (lookup instanceof FlinkConfigKeys.Lookup.Unknown unknown) {
                            problem(
                                    m.where(),
                                    "flinkConfiguration: "
                                            + key
                                            + " is not a Flink "
                                            + facts.versions().flink()
                                            + " option ("
                                            + unknown.hint()
                                            + ")");
                        }
                        Matcher jar =
                                Pattern.compile("flink-[a-z0-9-]+?-(\\d+\\.\\d+\\.\\d+)\\.jar")
                                        .matcher(value);
                        while (jar.find()) {
                            if (!jar.group(1).equals(facts.versions().flink())) {
                                problem(
                                        m.where(),
                                        "flinkConfiguration: "
                                                + key
                                                + " names "
                                                + jar.group()
                                                + ", but the image has Flink "
                                                + facts.versions().flink());
                            }
                        }
                    });
            factories.forEach(
                    (reporter, factory) -> {
                        if (FlinkPlugins.load(factory).isEmpty()) {
                            problem(
                                    m.where(),
                                    "flinkConfiguration: reporter "
                                            + reporter
                                            + " factory "
                                            + factory
                                            + " is neither in Flink nor in its plugins");
                        }
                    });
        }

        void checkClassifyJob(
                Manifest m, FlinkDeployment deployment, Map<String, String> configuration) {
            String where = m.where();
            JobSpec job = deployment.getSpec().getJob();
            if (job == null) {
                problem(where, "spec.job is missing: the classify job runs in application mode");
                return;
            }
            if (job.getUpgradeMode() != UpgradeMode.SAVEPOINT) {
                problem(
                        where,
                        "spec.job.upgradeMode must be savepoint (no frame lost or labelled twice on"
                                + " upgrades), is "
                                + job.getUpgradeMode());
            }
            if (!JOB_JAR_URI.equals(job.getJarURI())) {
                problem(
                        where,
                        "spec.job.jarURI must be "
                                + JOB_JAR_URI
                                + " (where pipeline.Dockerfile puts the job), is "
                                + job.getJarURI());
            }
            if (!facts.jobEntryClass().getName().equals(job.getEntryClass())) {
                problem(
                        where,
                        "spec.job.entryClass must be "
                                + facts.jobEntryClass().getName()
                                + ", is "
                                + job.getEntryClass());
            } else if (!hasMain(facts.jobEntryClass())) {
                problem(
                        where,
                        facts.jobEntryClass().getName()
                                + " has no public static void main(String[])");
            }
            for (String key :
                    List.of(
                            "execution.checkpointing.dir",
                            "execution.checkpointing.savepoint-dir")) {
                if (!configuration.containsKey(key)) {
                    problem(
                            where,
                            "flinkConfiguration needs "
                                    + key
                                    + " (durable storage for upgrades and recovery)");
                }
            }
            String parentFirst =
                    configuration.getOrDefault("classloader.parent-first-patterns.additional", "");
            if (!List.of(parentFirst.split(";")).contains("ai.djl.")) {
                problem(
                        where,
                        "flinkConfiguration: classloader.parent-first-patterns.additional must"
                            + " include ai.djl. (DJL is in the image's lib/ so its native libraries"
                            + " load once per TaskManager)");
            }
            checkMetricsPort(m, deployment, configuration);
            checkStateDirectories(m.where(), deployment, configuration);
            checkVolumesUsed(m.where(), deployment, configuration);

            List<String> args = job.getArgs() == null ? List.of() : List.of(job.getArgs());
            Configuration options;
            try {
                options = facts.parseJobArgs(args);
            } catch (IllegalArgumentException e) {
                problem(where, "spec.job.args: " + e.getMessage());
                return;
            }
            for (ConfigOption<?> option : facts.jobOptions()) {
                if (!options.containsKey(option.key())) {
                    problem(
                            where,
                            "spec.job.args do not set --"
                                    + option.key()
                                    + (facts.requiredJobOptions().contains(option.key())
                                            ? ", which the job requires"
                                            : " (default "
                                                    + option.defaultValue()
                                                    + "); list every ClassifyJobOptions key so this"
                                                    + " is the one place to tune the job"));
                }
            }
            try {
                facts.checkJobSettings(options);
            } catch (IllegalArgumentException e) {
                problem(where, "spec.job.args: " + e.getMessage());
            }
            checkInferenceThreads(where, deployment, configuration, options);
            Map<String, String> values = options.toMap();
            String parallelism = values.get("parallelism");
            if (parallelism != null && Integer.parseInt(parallelism) != job.getParallelism()) {
                problem(
                        where,
                        "--parallelism "
                                + parallelism
                                + " differs from spec.job.parallelism "
                                + job.getParallelism()
                                + " (the job sets its parallelism on every operator; the operator"
                                + " sizes TaskManagers by the spec)");
            }
            Set<String> topics = topicNames();
            for (ConfigOption<?> option : facts.jobOptions()) {
                if (option.key().endsWith("-topic")) {
                    String topic =
                            values.getOrDefault(
                                    option.key(), String.valueOf(option.defaultValue()));
                    if (!topics.contains(topic)) {
                        problem(
                                where,
                                "--" + option.key() + " " + topic + " has no KafkaTopic " + topics);
                    }
                }
            }
            Optional.ofNullable(values.get("bootstrap-servers"))
                    .ifPresent(s -> checkBootstrapServers(where, s));
            checkKafkaUser(where, deployment, options);
            checkTransactionTimeout(where, options);
            String model = values.get("model");
            if (model != null) {
                PodSpec shared =
                        deployment.getSpec().getPodTemplate() == null
                                ? null
                                : deployment.getSpec().getPodTemplate().getSpec();
                Container main = shared == null ? null : container(shared, FLINK_MAIN_CONTAINER);
                if (main == null || mountFor(main, model).isEmpty()) {
                    problem(
                            where,
                            "--model "
                                    + model
                                    + " is on no volume of "
                                    + FLINK_MAIN_CONTAINER
                                    + " in spec.podTemplate (the JobManager reads its metadata, the"
                                    + " TaskManagers load it)");
                }
                List<SavedModelPath> exported = trainerSavedModels();
                if (exported.stream().noneMatch(e -> e.pattern().matcher(model).matches())) {
                    problem(
                            where,
                            "--model "
                                    + model
                                    + " is the SavedModel of no trainer Job or CronJob (they export"
                                    + " "
                                    + exported.stream().map(SavedModelPath::shown).toList()
                                    + ": <--output>/"
                                    + TrainingRun.SAVED_MODEL
                                    + ")");
                }
            }
        }

        /**
         * Threads beyond the TaskManager's CPU limit could only wait for one another and for the
         * quota. 0 is fine: the scorer resolves it to the JVM's CPU count, which is the container's
         * limit (ScorerSettings.sessionThreads), not TensorFlow's count of the node's cores.
         */
        void checkInferenceThreads(
                String where,
                FlinkDeployment deployment,
                Map<String, String> configuration,
                Configuration options) {
            int threads = options.get(ClassifyJobOptions.INFERENCE_THREADS);
            double limit = taskManagerCpuLimit(deployment, configuration);
            if (threads > limit) {
                problem(
                        where,
                        "--inference-threads "
                                + threads
                                + " is more than the TaskManager's CPU limit "
                                + cpus(limit)
                                + " (taskManager.resource.cpu x "
                                + TASK_MANAGER_CPU_LIMIT_FACTOR
                                + "): the extra threads"
                                + " only wait for the quota");
            }
        }

        String cpus(double cpus) {
            return cpus == Math.rint(cpus) ? String.valueOf((long) cpus) : String.valueOf(cpus);
        }

        /** What Flink's Kubernetes integration gives a TaskManager container as its CPU limit. */
        double taskManagerCpuLimit(FlinkDeployment deployment, Map<String, String> configuration) {
            var taskManager = deployment.getSpec().getTaskManager();
            Double cpu =
                    taskManager == null || taskManager.getResource() == null
                            ? null
                            : taskManager.getResource().getCpu();
            // Flink's fallbacks: kubernetes.taskmanager.cpu.amount defaults to the slots, the
            // factor to 1.
            double request =
                    cpu != null
                            ? cpu
                            : Double.parseDouble(
                                    configuration.getOrDefault(
                                            "taskmanager.numberOfTaskSlots", "1"));
            return request
                    * Double.parseDouble(
                            configuration.getOrDefault(TASK_MANAGER_CPU_LIMIT_FACTOR, "1.0"));
        }

        /**
         * The job's Kafka transactions must fit under every broker's cap, or the sinks' producers
         * are refused at start (InvalidTxnTimeoutException).
         */
        void checkTransactionTimeout(String where, Configuration options) {
            Duration timeout = options.get(ClassifyJobOptions.TRANSACTION_TIMEOUT);
            for (Manifest m : tree.all(Kafka.class)) {
                Kafka kafka = m.as(Kafka.class);
                if (kafka.getSpec() == null || kafka.getSpec().getKafka() == null) {
                    continue;
                }
                Map<String, Object> config = kafka.getSpec().getKafka().getConfig();
                Object cap = config == null ? null : config.get("transaction.max.timeout.ms");
                // Kafka's own default when the manifest leaves it unset.
                Duration max =
                        Duration.ofMillis(cap == null ? 900_000L : Long.parseLong(cap.toString()));
                if (timeout.compareTo(max) > 0) {
                    problem(
                            where,
                            "--transaction-timeout "
                                    + TimeUtils.formatWithHighestUnit(timeout)
                                    + " exceeds transaction.max.timeout.ms of "
                                    + m.where()
                                    + " ("
                                    + TimeUtils.formatWithHighestUnit(max)
                                    + "): the brokers would refuse the sinks' transactions");
                }
            }
        }

        boolean hasMain(Class<?> type) {
            try {
                Method main = type.getMethod("main", String[].class);
                return Modifier.isStatic(main.getModifiers()) && main.getReturnType() == void.class;
            } catch (NoSuchMethodException e) {
                return false;
            }
        }

        void checkMetricsPort(
                Manifest m, FlinkDeployment deployment, Map<String, String> configuration) {
            Optional<String> reporter =
                    configuration.entrySet().stream()
                            .filter(
                                    e ->
                                            e.getKey()
                                                            .matches(
                                                                    "metrics\\.reporter\\.[^.]+\\.factory\\.class")
                                                    && PROMETHEUS_REPORTER_FACTORY.equals(
                                                            e.getValue()))
                            .map(e -> e.getKey().split("\\.")[2])
                            .findFirst();
            if (reporter.isEmpty()) {
                problem(
                        m.where(),
                        "flinkConfiguration enables no Prometheus reporter ("
                                + PROMETHEUS_REPORTER_FACTORY
                                + ")");
                return;
            }
            String port = configuration.get("metrics.reporter." + reporter.get() + ".port");
            if (port == null || !port.matches("\\d+")) {
                problem(
                        m.where(),
                        "metrics.reporter."
                                + reporter.get()
                                + ".port must be one port (the PodMonitor scrapes it),"
                                + " is "
                                + port);
                return;
            }
            PodSpec shared =
                    deployment.getSpec().getPodTemplate() == null
                            ? null
                            : deployment.getSpec().getPodTemplate().getSpec();
            Container main = shared == null ? null : container(shared, FLINK_MAIN_CONTAINER);
            Optional<Integer> declared =
                    main == null ? Optional.empty() : namedPort(main, METRICS_PORT_NAME);
            if (declared.isEmpty() || declared.get() != Integer.parseInt(port)) {
                problem(
                        m.where(),
                        "the Prometheus reporter listens on "
                                + port
                                + ", but spec.podTemplate's "
                                + FLINK_MAIN_CONTAINER
                                + " port '"
                                + METRICS_PORT_NAME
                                + "' is "
                                + declared.orElse(null));
            }
        }

        void checkStateDirectories(
                String where, FlinkDeployment deployment, Map<String, String> configuration) {
            PodSpec shared =
                    deployment.getSpec().getPodTemplate() == null
                            ? null
                            : deployment.getSpec().getPodTemplate().getSpec();
            Container main = shared == null ? null : container(shared, FLINK_MAIN_CONTAINER);
            configuration.forEach(
                    (key, value) -> {
                        if (value.startsWith("file://")) {
                            String path = value.substring("file://".length());
                            if (main == null || mountFor(main, path).isEmpty()) {
                                problem(
                                        where,
                                        "flinkConfiguration: "
                                                + key
                                                + " "
                                                + value
                                                + " is on no volume of "
                                                + FLINK_MAIN_CONTAINER
                                                + ": it would vanish with the pod");
                            }
                        }
                    });
        }

        /**
         * Every volume the Flink pods mount holds something of the job: a file:// path of its
         * configuration or a path of its arguments (--model). A pod starts only once each of its
         * claims is bound, so a leftover volume can keep the job from starting for nothing.
         */
        void checkVolumesUsed(
                String where, FlinkDeployment deployment, Map<String, String> configuration) {
            List<String> paths = new ArrayList<>();
            configuration.values().stream()
                    .filter(v -> v.startsWith("file://"))
                    .forEach(v -> paths.add(v.substring("file://".length())));
            JobSpec job = deployment.getSpec().getJob();
            if (job != null && job.getArgs() != null) {
                Stream.of(job.getArgs()).filter(a -> a.startsWith("/")).forEach(paths::add);
            }
            // The files --kafka-config names (trust store, the user's Secret) are used too.
            kafkaClientProperties(deployment)
                    .ifPresent(props -> paths.addAll(kafkaClientPaths(props)));
            for (PodTemplateSpec template : flinkTemplates(deployment)) {
                Container main = container(template.getSpec(), FLINK_MAIN_CONTAINER);
                for (VolumeMount mount :
                        main == null || main.getVolumeMounts() == null
                                ? List.<VolumeMount>of()
                                : main.getVolumeMounts()) {
                    Container only = new Container();
                    only.setVolumeMounts(List.of(mount));
                    if (paths.stream().noneMatch(path -> mountFor(only, path).isPresent())) {
                        problem(
                                where,
                                FLINK_MAIN_CONTAINER
                                        + " mounts volume "
                                        + mount.getName()
                                        + " at "
                                        + mount.getMountPath()
                                        + ", which neither flinkConfiguration nor spec.job.args"
                                        + " use: drop it and its claim, or the pods wait for a"
                                        + " volume nothing needs");
                    }
                }
            }
        }

        // ---------------------------------------------------------------- Kafka client settings

        /** {@code ${provider:/path:key}}: a value read from a file by a Kafka config provider. */
        private static final Pattern KAFKA_PROVIDER_PATH =
                Pattern.compile("\\$\\{[^:}]+:(/[^:}]+)(:[^}]*)?}");

        /**
         * The properties of the classify job's {@code --kafka-config}: the ConfigMap mounted where
         * the path points, its key the file's name; empty when the job has none or it is not there
         * (a problem then).
         */
        Optional<java.util.Properties> kafkaClientProperties(FlinkDeployment deployment) {
            JobSpec job = deployment.getSpec().getJob();
            List<String> args =
                    job == null || job.getArgs() == null ? List.of() : List.of(job.getArgs());
            int flag = args.indexOf("--kafka-config");
            if (flag < 0 || flag + 1 >= args.size()) {
                return Optional.empty();
            }
            String file = args.get(flag + 1);
            PodSpec shared =
                    deployment.getSpec().getPodTemplate() == null
                            ? null
                            : deployment.getSpec().getPodTemplate().getSpec();
            Container main = shared == null ? null : container(shared, FLINK_MAIN_CONTAINER);
            Optional<VolumeMount> mount = main == null ? Optional.empty() : mountFor(main, file);
            Optional<Volume> volume =
                    mount.flatMap(
                            m ->
                                    shared.getVolumes() == null
                                            ? Optional.empty()
                                            : shared.getVolumes().stream()
                                                    .filter(v -> v.getName().equals(m.getName()))
                                                    .findFirst());
            String where = "FlinkDeployment " + deployment.getMetadata().getName();
            if (volume.isEmpty() || volume.get().getConfigMap() == null) {
                problem(
                        where,
                        "--kafka-config "
                                + file
                                + " is on no ConfigMap volume of "
                                + FLINK_MAIN_CONTAINER
                                + " in spec.podTemplate (the JobManager and every TaskManager read"
                                + " it)");
                return Optional.empty();
            }
            String mapName = volume.get().getConfigMap().getName();
            String key = file.substring(file.lastIndexOf('/') + 1);
            Optional<io.fabric8.kubernetes.api.model.ConfigMap> map =
                    tree.resources(io.fabric8.kubernetes.api.model.ConfigMap.class).stream()
                            .filter(c -> c.getMetadata().getName().equals(mapName))
                            .findFirst();
            if (map.isEmpty()
                    || map.get().getData() == null
                    || !map.get().getData().containsKey(key)) {
                problem(
                        where,
                        "--kafka-config " + file + ": ConfigMap " + mapName + " has no key " + key);
                return Optional.empty();
            }
            java.util.Properties props = new java.util.Properties();
            try {
                props.load(new java.io.StringReader(map.get().getData().get(key)));
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            return Optional.of(props);
        }

        /**
         * The KafkaUser whose Secret the job's pods mount grants exactly what the job does: READ on
         * its images topic and group, WRITE on its four outputs and on its transactional ids
         * (prefixed), and nothing on any other topic, group or transactional id.
         */
        void checkKafkaUser(String where, FlinkDeployment deployment, Configuration options) {
            PodSpec shared =
                    deployment.getSpec().getPodTemplate() == null
                            ? null
                            : deployment.getSpec().getPodTemplate().getSpec();
            if (options.getOptional(ClassifyJobOptions.KAFKA_CONFIG).isEmpty()
                    || shared == null
                    || shared.getVolumes() == null) {
                return;
            }
            Set<String> secrets =
                    shared.getVolumes().stream()
                            .filter(v -> v.getSecret() != null)
                            .map(v -> v.getSecret().getSecretName())
                            .collect(Collectors.toSet());
            List<KafkaUser> users =
                    tree.resources(KafkaUser.class).stream()
                            .filter(u -> secrets.contains(u.getMetadata().getName()))
                            .toList();
            if (users.size() != 1) {
                problem(
                        where,
                        "--kafka-config: the pods mount the Secret of "
                                + users.size()
                                + " KafkaUsers (of "
                                + secrets
                                + "); the job runs as exactly one");
                return;
            }
            KafkaUser user = users.get(0);
            Set<String> needed = new TreeSet<>();
            Topics.JobTopics topics = ClassifyJobOptions.topics(options);
            needed.add("topic " + topics.images() + " literal Read");
            for (String output :
                    List.of(
                            topics.labels(),
                            topics.deadLetters(),
                            topics.retraining(),
                            topics.labelStats())) {
                needed.add("topic " + output + " literal Write");
            }
            needed.add("group " + options.get(ClassifyJobOptions.GROUP_ID) + " literal Read");
            // The control topic: commands in, the job's answers out, read as a group of its own.
            needed.add("topic " + topics.modelUpdates() + " literal Read");
            needed.add("topic " + topics.modelUpdates() + " literal Write");
            needed.add(
                    "group "
                            + KafkaIo.modelUpdatesGroupId(options.get(ClassifyJobOptions.GROUP_ID))
                            + " literal Read");
            needed.add(
                    "transactionalId "
                            + options.get(ClassifyJobOptions.TRANSACTIONAL_ID_PREFIX)
                            + " prefix Write");
            Set<String> resources = new TreeSet<>();
            needed.forEach(n -> resources.add(n.substring(0, n.lastIndexOf(' '))));
            Set<String> granted = new TreeSet<>();
            if (user.getSpec().getAuthorization() instanceof KafkaUserAuthorizationSimple simple) {
                for (AclRule rule : simple.getAcls()) {
                    String resource = aclResource(rule.getResource());
                    List<AclOperation> operations =
                            rule.getOperations() != null
                                    ? rule.getOperations()
                                    : List.of(rule.getOperation());
                    for (AclOperation operation : operations) {
                        String entry = resource + " " + operation.toValue();
                        granted.add(entry);
                        if (!resources.contains(resource)) {
                            problem(
                                    "KafkaUser " + user.getMetadata().getName(),
                                    "grants "
                                            + entry
                                            + ", which the classify job does not use: only "
                                            + needed);
                        }
                    }
                }
            }
            for (String need : needed) {
                if (!granted.contains(need)) {
                    problem(
                            "KafkaUser " + user.getMetadata().getName(),
                            "does not grant "
                                    + need
                                    + ", which the classify job needs (--"
                                    + ClassifyJobOptions.KAFKA_CONFIG.key()
                                    + " runs it as this user)");
                }
            }
        }

        private static String aclResource(AclRuleResource resource) {
            if (resource instanceof AclRuleTopicResource topic) {
                return "topic " + topic.getName() + " " + topic.getPatternType().toValue();
            }
            if (resource instanceof AclRuleGroupResource group) {
                return "group " + group.getName() + " " + group.getPatternType().toValue();
            }
            if (resource instanceof AclRuleTransactionalIdResource id) {
                return "transactionalId " + id.getName() + " " + id.getPatternType().toValue();
            }
            return resource.getType();
        }

        /** Absolute paths in Kafka client settings: stores, and files config providers read. */
        static List<String> kafkaClientPaths(java.util.Properties props) {
            List<String> paths = new ArrayList<>();
            for (String name : props.stringPropertyNames()) {
                String value = props.getProperty(name).trim();
                if (value.startsWith("/")) {
                    paths.add(value);
                }
                Matcher provided = KAFKA_PROVIDER_PATH.matcher(value);
                while (provided.find()) {
                    paths.add(provided.group(1));
                }
            }
            return paths;
        }

        // ---------------------------------------------------------------- pods, Jobs, CronJobs

        Set<String> claimNames() {
            return tree.resources(PersistentVolumeClaim.class).stream()
                    .map(c -> c.getMetadata().getName())
                    .collect(Collectors.toCollection(TreeSet::new));
        }

        /** Volumes, mounts and claims of a pod spec (whole, or the part a patch sets). */
        void checkPodTemplate(String where, PodSpec spec, Set<String> claims) {
            Set<String> volumes =
                    spec.getVolumes() == null
                            ? Set.of()
                            : spec.getVolumes().stream()
                                    .map(Volume::getName)
                                    .collect(Collectors.toSet());
            for (Container container :
                    spec.getContainers() == null ? List.<Container>of() : spec.getContainers()) {
                for (VolumeMount mount :
                        container.getVolumeMounts() == null
                                ? List.<VolumeMount>of()
                                : container.getVolumeMounts()) {
                    if (!volumes.contains(mount.getName())) {
                        problem(
                                where,
                                "container "
                                        + container.getName()
                                        + " mounts volume "
                                        + mount.getName()
                                        + ", which the pod does not define "
                                        + volumes);
                    }
                }
                Set<String> env =
                        container.getEnv() == null
                                ? Set.of()
                                : container.getEnv().stream()
                                        .map(EnvVar::getName)
                                        .collect(Collectors.toSet());
                for (String arg :
                        container.getArgs() == null ? List.<String>of() : container.getArgs()) {
                    Matcher variable =
                            Pattern.compile("\\$\\(([A-Za-z_][A-Za-z0-9_]*)\\)").matcher(arg);
                    while (variable.find()) {
                        if (!env.contains(variable.group(1))) {
                            problem(
                                    where,
                                    "container "
                                            + container.getName()
                                            + " argument "
                                            + arg
                                            + " uses $("
                                            + variable.group(1)
                                            + "), which is not in its env");
                        }
                    }
                }
            }
            for (Volume volume :
                    spec.getVolumes() == null ? List.<Volume>of() : spec.getVolumes()) {
                if (volume.getPersistentVolumeClaim() != null
                        && !claims.contains(volume.getPersistentVolumeClaim().getClaimName())) {
                    problem(
                            where,
                            "volume "
                                    + volume.getName()
                                    + " claims "
                                    + volume.getPersistentVolumeClaim().getClaimName()
                                    + ", which is no PersistentVolumeClaim here "
                                    + claims);
                }
            }
        }

        /** The pod template of a Job, CronJob or Deployment (ingest). */
        Optional<PodTemplateSpec> workloadTemplate(Manifest m) {
            if (m.is(Deployment.class)) {
                Deployment deployment = m.as(Deployment.class);
                return Optional.ofNullable(deployment.getSpec()).map(spec -> spec.getTemplate());
            }
            if (m.is(Job.class)) {
                Job job = m.as(Job.class);
                return Optional.ofNullable(job.getSpec()).map(spec -> spec.getTemplate());
            }
            if (m.is(CronJob.class)) {
                CronJob cron = m.as(CronJob.class);
                return Optional.ofNullable(cron.getSpec())
                        .map(spec -> spec.getJobTemplate())
                        .map(template -> template.getSpec())
                        .map(spec -> spec.getTemplate());
            }
            return Optional.empty();
        }

        /**
         * Pod templates of Jobs, CronJobs and Deployments (resources and patches), with their
         * manifests.
         */
        List<Map.Entry<Manifest, PodTemplateSpec>> workloadTemplates() {
            List<Map.Entry<Manifest, PodTemplateSpec>> templates = new ArrayList<>();
            Stream.of(Job.class, CronJob.class, Deployment.class)
                    .flatMap(kind -> tree.all(kind).stream())
                    .forEach(
                            m ->
                                    workloadTemplate(m)
                                            .ifPresent(t -> templates.add(Map.entry(m, t))));
            return templates;
        }

        void checkWorkloads() {
            for (Map.Entry<Manifest, PodTemplateSpec> entry : workloadTemplates()) {
                Manifest m = entry.getKey();
                PodSpec spec = entry.getValue().getSpec();
                if (spec == null) {
                    continue;
                }
                checkPodTemplate(m.where(), spec, claimNames());
                if (m.patch()) {
                    continue;
                }
                for (Container container : spec.getContainers()) {
                    checkResflowCommand(m, container);
                }
            }
        }

        /** A container running the image's entry point, {@code resflow <command> ...}. */
        void checkResflowCommand(Manifest m, Container container) {
            List<String> args = container.getArgs() == null ? List.of() : container.getArgs();
            CommandLine command = args.isEmpty() ? null : resflow.getSubcommands().get(args.get(0));
            if (command == null) {
                problem(
                        m.where(),
                        "container "
                                + container.getName()
                                + " must start with a resflow command "
                                + resflow.getSubcommands().keySet()
                                + ", has "
                                + args);
                return;
            }
            try {
                resflow.parseArgs(args.toArray(String[]::new));
            } catch (CommandLine.ParameterException e) {
                problem(
                        m.where(),
                        "resflow " + args.get(0) + " refuses these arguments: " + e.getMessage());
                return;
            }
            Map<String, String> values = flagValues(args);
            if (args.get(0).equals("train")) {
                Optional<Integer> metricsPort = namedPort(container, METRICS_PORT_NAME);
                String portArg = values.get("--metrics-port");
                if (portArg == null
                        || metricsPort.isEmpty()
                        || !portArg.equals(String.valueOf(metricsPort.get()))) {
                    problem(
                            m.where(),
                            "--metrics-port "
                                    + portArg
                                    + " must equal the container's port '"
                                    + METRICS_PORT_NAME
                                    + "' "
                                    + metricsPort.orElse(null)
                                    + " (the trainer's PodMonitor scrapes it)");
                }
                String classes = values.get("--classes");
                if (classes != null
                        && !classes.equals(String.join(",", FashionMnist.CLASS_NAMES))) {
                    problem(
                            m.where(),
                            "--classes must be the served model's labels in index order, "
                                    + String.join(",", FashionMnist.CLASS_NAMES)
                                    + " (FashionMnist.CLASS_NAMES)");
                }
            }
            values.forEach(
                    (flag, value) -> {
                        if (value == null) {
                            return;
                        }
                        if (flag.endsWith("-topic") && !topicNames().contains(value)) {
                            problem(
                                    m.where(),
                                    flag + " " + value + " has no KafkaTopic " + topicNames());
                        }
                        if (flag.equals("--bootstrap-servers")) {
                            checkBootstrapServers(m.where(), value);
                        }
                        String path = value.replaceFirst("^[a-z]+:(?=/)", "");
                        if (path.startsWith("/") && mountFor(container, path).isEmpty()) {
                            problem(
                                    m.where(),
                                    flag
                                            + " "
                                            + value
                                            + " is on no volume of container "
                                            + container.getName()
                                            + ": it would vanish with the pod");
                        }
                    });
        }

        /**
         * A SavedModel folder a trainer writes: which paths it can be, and how to show it in a
         * message.
         */
        record SavedModelPath(Pattern pattern, String shown) {}

        /**
         * The SavedModels the trainers write, {@code <--output>/saved-model} of each {@code resflow
         * train} container of a Job or CronJob. An output may name its Job through $(VAR) from the
         * batch.kubernetes.io/job-name label: for a Job that is its name; for a CronJob, the names
         * the CronJob controller gives its Jobs, {@code <cronjob>-<scheduled time in minutes>}, so
         * only this CronJob's runs match, not any folder.
         */
        List<SavedModelPath> trainerSavedModels() {
            List<SavedModelPath> paths = new ArrayList<>();
            for (Map.Entry<Manifest, PodTemplateSpec> entry : workloadTemplates()) {
                Manifest m = entry.getKey();
                if (m.patch() || entry.getValue().getSpec() == null) {
                    continue;
                }
                for (Container container : entry.getValue().getSpec().getContainers()) {
                    List<String> args =
                            container.getArgs() == null ? List.of() : container.getArgs();
                    String output =
                            args.isEmpty() || !args.get(0).equals("train")
                                    ? null
                                    : flagValues(args).get("--output");
                    if (output != null) {
                        savedModelPath(
                                        m,
                                        container,
                                        TrainingRun.savedModel(Path.of(output)).toString())
                                .ifPresent(paths::add);
                    }
                }
            }
            return paths;
        }

        /** Empty when the path uses a variable whose value is not known before the pod runs. */
        Optional<SavedModelPath> savedModelPath(Manifest m, Container container, String path) {
            Map<String, EnvVar> env = new LinkedHashMap<>();
            (container.getEnv() == null ? List.<EnvVar>of() : container.getEnv())
                    .forEach(e -> env.put(e.getName(), e));
            StringBuilder regex = new StringBuilder();
            StringBuilder shown = new StringBuilder();
            Matcher variable = Pattern.compile("\\$\\(([A-Za-z_][A-Za-z0-9_]*)\\)").matcher(path);
            int literalFrom = 0;
            while (variable.find()) {
                String literal = path.substring(literalFrom, variable.start());
                regex.append(Pattern.quote(literal));
                shown.append(literal);
                literalFrom = variable.end();
                EnvVar var = env.get(variable.group(1));
                String fieldPath =
                        var == null
                                        || var.getValueFrom() == null
                                        || var.getValueFrom().getFieldRef() == null
                                ? null
                                : var.getValueFrom().getFieldRef().getFieldPath();
                if (var != null && var.getValue() != null) {
                    regex.append(Pattern.quote(var.getValue()));
                    shown.append(var.getValue());
                } else if (JOB_NAME_FIELD.equals(fieldPath) && m.is(CronJob.class)) {
                    regex.append(Pattern.quote(m.name() + "-")).append("\\d+");
                    shown.append(m.name()).append("-<n>");
                } else if (JOB_NAME_FIELD.equals(fieldPath) && m.is(Job.class)) {
                    regex.append(Pattern.quote(m.name()));
                    shown.append(m.name());
                } else {
                    return Optional.empty();
                }
            }
            regex.append(Pattern.quote(path.substring(literalFrom)));
            shown.append(path.substring(literalFrom));
            return Optional.of(
                    new SavedModelPath(Pattern.compile(regex.toString()), shown.toString()));
        }

        Map<String, String> flagValues(List<String> args) {
            Map<String, String> values = new LinkedHashMap<>();
            for (int i = 0; i < args.size(); i++) {
                if (args.get(i).startsWith("--")) {
                    String value =
                            i + 1 < args.size() && !args.get(i + 1).startsWith("--")
                                    ? args.get(i + 1)
                                    : null;
                    values.put(args.get(i), value);
                }
            }
            return values;
        }

        Container container(PodSpec spec, String name) {
            return spec.getContainers() == null
                    ? null
                    : spec.getContainers().stream()
                            .filter(c -> name.equals(c.getName()))
                            .findFirst()
                            .orElse(null);
        }

        Optional<Integer> namedPort(Container container, String name) {
            return container.getPorts() == null
                    ? Optional.empty()
                    : container.getPorts().stream()
                            .filter(p -> name.equals(p.getName()))
                            .map(ContainerPort::getContainerPort)
                            .findFirst();
        }

        Optional<VolumeMount> mountFor(Container container, String path) {
            return container.getVolumeMounts() == null
                    ? Optional.empty()
                    : container.getVolumeMounts().stream()
                            .filter(
                                    v ->
                                            path.equals(v.getMountPath())
                                                    || path.startsWith(
                                                            v.getMountPath().endsWith("/")
                                                                    ? v.getMountPath()
                                                                    : v.getMountPath() + "/"))
                            .findFirst();
        }

        // ---------------------------------------------------------------- monitoring

        void checkPodMonitors() {
            List<PodMonitor> monitors = tree.resources(PodMonitor.class);
            for (Manifest m : tree.all(PodMonitor.class)) {
                if (m.patch()) {
                    continue;
                }
                PodMonitor monitor = m.as(PodMonitor.class);
                List<Container> selected = selectedContainers(monitor);
                if (selected.isEmpty()) {
                    problem(
                            m.where(),
                            "its selector matches no pod of these manifests (Flink pods:"
                                    + " app=<FlinkDeployment>, component=jobmanager|taskmanager;"
                                    + " trainer pods: their template labels)");
                    continue;
                }
                for (PodMetricsEndpoint endpoint : monitor.getSpec().getPodMetricsEndpoints()) {
                    boolean declared =
                            selected.stream()
                                    .anyMatch(c -> namedPort(c, endpoint.getPort()).isPresent());
                    if (!declared) {
                        problem(
                                m.where(),
                                "scrapes port '"
                                        + endpoint.getPort()
                                        + "', which the selected pods do not declare");
                    }
                }
            }
            boolean flinkScraped =
                    monitors.stream()
                            .anyMatch(
                                    pm ->
                                            selectedContainers(pm).stream()
                                                    .anyMatch(
                                                            c ->
                                                                    FLINK_MAIN_CONTAINER.equals(
                                                                            c.getName())));
            boolean trainerScraped =
                    monitors.stream()
                            .anyMatch(
                                    pm ->
                                            selectedContainers(pm).stream()
                                                    .anyMatch(
                                                            c ->
                                                                    !FLINK_MAIN_CONTAINER.equals(
                                                                            c.getName())));
            if (!flinkScraped || !trainerScraped) {
                problem(
                        "base/monitoring",
                        "PodMonitors must scrape the Flink pods and the trainer pods (Flink: "
                                + flinkScraped
                                + ", trainer: "
                                + trainerScraped
                                + ")");
            }
        }

        /** The containers of the pods a PodMonitor's selector matches. */
        List<Container> selectedContainers(PodMonitor monitor) {
            List<Container> containers = new ArrayList<>();
            for (FlinkDeployment deployment : tree.resources(FlinkDeployment.class)) {
                for (String component : List.of("jobmanager", "taskmanager")) {
                    Map<String, String> labels =
                            Map.of(
                                    "app",
                                    deployment.getMetadata().getName(),
                                    "component",
                                    component,
                                    "type",
                                    "flink-native-kubernetes");
                    if (matches(monitor, labels) && deployment.getSpec().getPodTemplate() != null) {
                        Optional.ofNullable(
                                        container(
                                                deployment.getSpec().getPodTemplate().getSpec(),
                                                FLINK_MAIN_CONTAINER))
                                .ifPresent(containers::add);
                    }
                }
            }
            for (Map.Entry<Manifest, PodTemplateSpec> entry : workloadTemplates()) {
                PodTemplateSpec template = entry.getValue();
                if (!entry.getKey().patch()
                        && template.getMetadata() != null
                        && template.getMetadata().getLabels() != null
                        && matches(monitor, template.getMetadata().getLabels())) {
                    containers.addAll(template.getSpec().getContainers());
                }
            }
            return containers;
        }

        boolean matches(PodMonitor monitor, Map<String, String> labels) {
            var selector = monitor.getSpec().getSelector();
            if (selector == null) {
                return false;
            }
            Map<String, String> required =
                    selector.getMatchLabels() == null ? Map.of() : selector.getMatchLabels();
            if (!required.entrySet().stream()
                    .allMatch(e -> e.getValue().equals(labels.get(e.getKey())))) {
                return false;
            }
            for (LabelSelectorRequirement requirement :
                    selector.getMatchExpressions() == null
                            ? List.<LabelSelectorRequirement>of()
                            : selector.getMatchExpressions()) {
                String value = labels.get(requirement.getKey());
                boolean in =
                        value != null
                                && requirement.getValues() != null
                                && requirement.getValues().contains(value);
                boolean ok =
                        switch (requirement.getOperator()) {
                            case "In" -> in;
                            case "NotIn" -> !in;
                            case "Exists" -> value != null;
                            case "DoesNotExist" -> value == null;
                            default -> false;
                        };
                if (!ok) {
                    return false;
                }
            }
            return true;
        }

        void checkMetricQueries() {
            for (Manifest m : tree.all(PrometheusRule.class)) {
                PrometheusRule rules = m.as(PrometheusRule.class);
                for (RuleGroup group : rules.getSpec().getGroups()) {
                    for (Rule rule : group.getRules()) {
                        String name = rule.getAlert() != null ? rule.getAlert() : rule.getRecord();
                        String expression =
                                rule.getExpr() == null ? null : rule.getExpr().getStrVal();
                        if (expression == null) {
                            problem(m.where(), "rule " + name + " has no expr");
                            continue;
                        }
                        checkQuery(m.where() + " rule " + name, expression);
                    }
                }
            }
            tree.generatedFiles()
                    .forEach(
                            (file, dashboard) -> {
                                if (!dashboard.path("uid").isTextual()
                                        || !dashboard.path("panels").isArray()) {
                                    problem(
                                            file.toString(),
                                            "not a Grafana dashboard (needs uid and panels)");
                                }
                                walkPanels(file.toString(), dashboard.path("panels"));
                            });
            Map<String, PrometheusMetric> own = new LinkedHashMap<>();
            facts.metrics().own().forEach(metric -> own.put(metric.name(), metric));
            own.values()
                    .forEach(
                            metric -> {
                                String base =
                                        metric.name().endsWith("_count")
                                                ? metric.name()
                                                        .substring(0, metric.name().length() - 6)
                                                : null;
                                boolean histogramCount = base != null && own.containsKey(base);
                                if (!histogramCount && !usedMetrics.contains(metric.name())) {
                                    problem(
                                            "base/monitoring",
                                            "metric "
                                                    + metric.name()
                                                    + " ("
                                                    + metric.definedBy()
                                                    + ") is on no dashboard panel and in no alert");
                                }
                            });
        }

        void walkPanels(String where, JsonNode panels) {
            for (JsonNode panel : panels) {
                for (JsonNode target : panel.path("targets")) {
                    if (target.path("expr").isTextual()) {
                        checkQuery(
                                where + " panel '" + panel.path("title").asText() + "'",
                                target.path("expr").asText());
                    }
                }
                walkPanels(where, panel.path("panels"));
            }
        }

        void checkQuery(String where, String expression) {
            for (PromQl.Selector selector : PromQl.selectors(expression)) {
                if (selector.metric() == null) {
                    continue;
                }
                Optional<PrometheusMetric> metric = facts.metrics().find(selector.metric());
                if (metric.isEmpty()) {
                    problem(
                            where,
                            "metric "
                                    + selector.metric()
                                    + " is defined nowhere in the code ("
                                    + nearestMetric(selector.metric())
                                    + ")");
                    continue;
                }
                usedMetrics.add(selector.metric());
                for (Map.Entry<String, String> matcher : selector.matchers().entrySet()) {
                    String label = matcher.getKey();
                    if (!metric.get().labels().contains(label)
                            && !MetricCatalogue.TARGET_LABELS.contains(label)
                            && !label.equals("__name__")) {
                        problem(
                                where,
                                "metric "
                                        + selector.metric()
                                        + " has no label "
                                        + label
                                        + " (it has "
                                        + metric.get().labels()
                                        + ")");
                    }
                    if (label.equals("job_name")
                            && matcher.getValue() != null
                            && !matcher.getValue().equals(facts.jobName())) {
                        problem(
                                where,
                                "job_name=\""
                                        + matcher.getValue()
                                        + "\" is not the job's name "
                                        + facts.jobName()
                                        + " (ClassifyJob.JOB_NAME)");
                    }
                    if (label.equals("quantile")
                            && matcher.getValue() != null
                            && !quantiles().contains(matcher.getValue())) {
                        problem(
                                where,
                                "quantile=\""
                                        + matcher.getValue()
                                        + "\" is not one Flink's reporter exports "
                                        + quantiles());
                    }
                }
            }
        }

        String nearestMetric(String name) {
            return Spelling.nearest(
                            name,
                            facts.metrics().all().stream().map(PrometheusMetric::name).toList())
                    .map(best -> "did you mean " + best + "?")
                    .orElse(
                            "not from the pipeline's operators, Flink's MetricNames or"
                                    + " TrainingMetrics");
        }

        /**
         * The quantiles Flink's Prometheus reporter exports for histograms (its
         * HistogramSummaryProxy).
         */
        Set<String> quantiles() {
            try {
                Class<?> proxy =
                        FlinkPlugins.load(
                                        "org.apache.flink.metrics.prometheus.AbstractPrometheusReporter$HistogramSummaryProxy")
                                .orElseThrow(
                                        () ->
                                                new ClassNotFoundException(
                                                        "Flink's Prometheus reporter"));
                Field field = proxy.getDeclaredField("QUANTILES");
                field.setAccessible(true);
                return ((List<?>) field.get(null))
                        .stream()
                                .map(String::valueOf)
                                .collect(Collectors.toCollection(TreeSet::new));
            } catch (ReflectiveOperationException | RuntimeException e) {
                throw new IllegalStateException(
                        "cannot read the quantiles of Flink's Prometheus reporter", e);
            }
        }

        // ---------------------------------------------------------------- Dockerfiles and README

        void checkDockerfiles() {
            Path images = tree.root().resolve("images");
            Map<String, String> expectedArgs =
                    Map.of(
                            "FLINK_VERSION", facts.versions().flink(),
                            "TENSORFLOW_NATIVE_VERSION", facts.versions().tensorflowNative(),
                            "PYTORCH_NATIVE_VERSION", facts.versions().pytorchNative(),
                            "DJL_VERSION", facts.versions().djl());
            for (String dockerfile : new TreeSet<>(IMAGES.values())) {
                Path file = images.resolve(dockerfile);
                String where = "images/" + dockerfile;
                if (!Files.isRegularFile(file)) {
                    problem(where, "missing");
                    continue;
                }
                String text = read(file);
                Matcher arg = Pattern.compile("(?m)^ARG\\s+([A-Z_]+)=(\\S+)").matcher(text);
                Map<String, String> args = new LinkedHashMap<>();
                while (arg.find()) {
                    args.put(arg.group(1), arg.group(2));
                }
                args.forEach(
                        (name, value) -> {
                            if (expectedArgs.containsKey(name)
                                    && !expectedArgs.get(name).equals(value)) {
                                problem(
                                        where,
                                        "ARG "
                                                + name
                                                + "="
                                                + value
                                                + ", but the build has "
                                                + expectedArgs.get(name)
                                                + " (root pom.xml)");
                            }
                            if (name.endsWith("_IMAGE")) {
                                String image =
                                        value.replace(
                                                "${FLINK_VERSION}",
                                                args.getOrDefault("FLINK_VERSION", ""));
                                if (!image.contains(":") || image.endsWith(":latest")) {
                                    problem(
                                            where,
                                            "ARG "
                                                    + name
                                                    + "="
                                                    + value
                                                    + " is not pinned to a tag");
                                }
                            }
                        });
                Matcher from = Pattern.compile("(?m)^FROM\\s+(\\S+)").matcher(text);
                while (from.find()) {
                    String image = from.group(1);
                    boolean stageOrArg = image.startsWith("${") || text.contains(" AS " + image);
                    if (!stageOrArg && (!image.contains(":") || image.endsWith(":latest"))) {
                        problem(where, "FROM " + image + " is not pinned to a tag");
                    }
                }
                // Instructions only: the comments may describe what the instructions no longer do.
                String instructions =
                        text.lines()
                                .filter(line -> !line.stripLeading().startsWith("#"))
                                .collect(Collectors.joining("\n"));
                if (dockerfile.equals(IMAGES.get("resflow/pipeline"))) {
                    String jar = JOB_JAR_URI.substring("local://".length());
                    if (!instructions.contains(jar.substring(0, jar.lastIndexOf('/') + 1))
                            || !instructions.contains(jar.substring(jar.lastIndexOf('/') + 1))) {
                        problem(
                                where,
                                "does not put the job at " + jar + " (FlinkDeployment job.jarURI)");
                    }
                    exposes(where, text, flinkMetricsPorts());
                } else {
                    if (!instructions.contains(ResFlow.class.getName())) {
                        problem(where, "does not run " + ResFlow.class.getName());
                    }
                    exposes(where, text, trainerMetricsPorts());
                }
                for (String target : List.of("cpu", "gpu")) {
                    if (!Pattern.compile("(?m)^FROM\\s+\\S+\\s+AS\\s+" + target + "\\s*$")
                            .matcher(text)
                            .find()) {
                        problem(
                                where,
                                "has no build target "
                                        + target
                                        + " (the overlays use both variants)");
                    }
                }
            }
        }

        void exposes(String where, String text, Set<Integer> ports) {
            for (Integer port : ports) {
                if (!Pattern.compile("(?m)^EXPOSE\\b.*\\b" + port + "\\b").matcher(text).find()) {
                    problem(
                            where,
                            "does not EXPOSE the metrics port " + port + " the manifests use");
                }
            }
        }

        Set<Integer> flinkMetricsPorts() {
            return tree.resources(FlinkDeployment.class).stream()
                    .map(
                            d ->
                                    d.getSpec().getFlinkConfiguration() == null
                                            ? null
                                            : d.getSpec()
                                                    .getFlinkConfiguration()
                                                    .get("metrics.reporter.prom.port"))
                    .filter(p -> p != null && p.matches("\\d+"))
                    .map(Integer::parseInt)
                    .collect(Collectors.toCollection(TreeSet::new));
        }

        Set<Integer> trainerMetricsPorts() {
            return workloadTemplates().stream()
                    .filter(e -> !e.getKey().patch() && e.getValue().getSpec() != null)
                    .flatMap(e -> e.getValue().getSpec().getContainers().stream())
                    .map(c -> namedPort(c, METRICS_PORT_NAME))
                    .flatMap(Optional::stream)
                    .collect(Collectors.toCollection(TreeSet::new));
        }

        void checkReadme() {
            Path readme = tree.root().resolve("README.md");
            if (!Files.isRegularFile(readme)) {
                problem("README.md", "missing");
                return;
            }
            String text = read(readme);
            for (String stage : STAGES) {
                if (!text.contains(STAGE_LABEL + "=" + stage)) {
                    problem(
                            "README.md",
                            "the apply steps do not name stage "
                                    + stage
                                    + " ("
                                    + STAGE_LABEL
                                    + "="
                                    + stage
                                    + ")");
                }
            }
            Matcher path = Pattern.compile("\\bk8s/[A-Za-z0-9_./-]*[A-Za-z0-9_]").matcher(text);
            Path repository = tree.root().getParent();
            while (path.find()) {
                if (!Files.exists(repository.resolve(path.group()))) {
                    problem("README.md", "names " + path.group() + ", which does not exist");
                }
            }
            for (String topic : facts.topics().values()) {
                if (!text.contains("`" + topic + "`")) {
                    problem("README.md", "does not mention topic `" + topic + "`");
                }
            }
        }

        String read(Path file) {
            try {
                return Files.readString(file);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        // ---------------------------------------------------------------- shared

        /**
         * Image references of an object: containers of Jobs and CronJobs, FlinkDeployment
         * spec.image.
         */
        List<String> images(Manifest m) {
            List<String> images = new ArrayList<>();
            if (m.is(FlinkDeployment.class)) {
                FlinkDeployment deployment = m.as(FlinkDeployment.class);
                if (deployment.getSpec() != null && deployment.getSpec().getImage() != null) {
                    images.add(deployment.getSpec().getImage());
                }
            }
            workloadTemplates().stream()
                    .filter(e -> e.getKey() == m && e.getValue().getSpec() != null)
                    .flatMap(e -> e.getValue().getSpec().getContainers().stream())
                    .map(Container::getImage)
                    .filter(Objects::nonNull)
                    .forEach(images::add);
            return images;
        }

        /** Whether a patch gives its pods nvidia.com/gpu. */
        boolean requestsGpu(Manifest m) {
            List<PodSpec> specs = new ArrayList<>();
            if (m.is(FlinkDeployment.class) && m.as(FlinkDeployment.class).getSpec() != null) {
                flinkTemplates(m.as(FlinkDeployment.class)).forEach(t -> specs.add(t.getSpec()));
            }
            workloadTemplates().stream()
                    .filter(e -> e.getKey() == m)
                    .forEach(e -> specs.add(e.getValue().getSpec()));
            return specs.stream()
                    .filter(Objects::nonNull)
                    .flatMap(
                            s ->
                                    s.getContainers() == null
                                            ? Stream.empty()
                                            : s.getContainers().stream())
                    .map(Container::getResources)
                    .filter(Objects::nonNull)
                    .anyMatch(r -> hasGpu(r.getLimits()) || hasGpu(r.getRequests()));
        }

        boolean hasGpu(Map<String, Quantity> resources) {
            return resources != null && resources.containsKey(GPU_RESOURCE);
        }
    }
}
