package io.resflow.pipeline.classify;

import static io.resflow.pipeline.kafka.SecuredKafka.allow;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.resflow.datasets.FashionMnist;
import io.resflow.datasets.LabelledImages;
import io.resflow.kafka.embedded.EmbeddedKafkaExtension;
import io.resflow.pipeline.kafka.CommittedTopicReader;
import io.resflow.pipeline.kafka.KafkaClientConfig;
import io.resflow.pipeline.kafka.KafkaPreflight;
import io.resflow.pipeline.kafka.SecuredKafka;
import io.resflow.pipeline.kafka.Topics;
import io.resflow.pipeline.replay.CameraFeedReplay;
import io.resflow.pipeline.replay.DatasetFrames;
import io.resflow.schema.ImageEncoding;
import io.resflow.schema.Prediction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.util.InstantiationUtil;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourceType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The job and the preflight against a Kafka that requires SCRAM-SHA-512 over TLS and enforces ACLs
 * (KRaft's StandardAuthorizer): the key store is made in the test, users and ACLs are set up as an
 * operator would, and the clients get their settings only from {@code --kafka-config} files.
 */
class SecuredKafkaITCase {

    private static final int FRAMES = 60;
    private static final String JOB_PASSWORD = "job-pass-7f3a";
    private static final String WRONG_PASSWORD = "not-the-pass-91c2";

    @TempDir static Path dir;

    /** Made before the broker starts, which needs its key store. */
    private static SecuredKafka.Stores stores;

    @Order(1)
    @RegisterExtension
    static final EmbeddedKafkaExtension KAFKA =
            new EmbeddedKafkaExtension(
                    b -> {
                        try {
                            stores = SecuredKafka.createStores(dir);
                        } catch (Exception e) {
                            throw new IllegalStateException(e);
                        }
                        return b.optTopics(Topics.DEFAULTS.partitions(2, 1))
                                .optSaslSslListener(stores.keystore(), SecuredKafka.STORE_PASSWORD);
                    });

    @Order(2)
    @RegisterExtension
    static final MiniClusterExtension FLINK =
            new MiniClusterExtension(
                    new MiniClusterResourceConfiguration.Builder()
                            .setNumberTaskManagers(1)
                            .setNumberSlotsPerTaskManager(1)
                            .build());

    private static Path modelDir;
    private static Path jobConfig;
    private static Path noLabelsConfig;
    private static Path wrongPasswordConfig;
    private static Path readerConfig;

    @BeforeAll
    static void usersAclsModelAndFrames() throws Exception {
        var kafka = KAFKA.kafka();
        kafka.createScramUser("camera", "camera-pass");
        kafka.createScramUser("job", JOB_PASSWORD);
        kafka.createScramUser("no-labels", "no-labels-pass");
        kafka.createScramUser("reader", "reader-pass");
        List<AclBinding> acls = new ArrayList<>();
        acls.add(allow("camera", AclOperation.WRITE, ResourceType.TOPIC, Topics.IMAGES, literal()));
        for (String user : List.of("job", "no-labels")) {
            // What the job needs, as k8s/base/kafka/users.yaml grants it.
            acls.add(allow(user, AclOperation.READ, ResourceType.TOPIC, Topics.IMAGES, literal()));
            acls.add(
                    allow(
                            user,
                            AclOperation.READ,
                            ResourceType.GROUP,
                            "resflow-classify",
                            literal()));
            acls.add(
                    allow(
                            user,
                            AclOperation.WRITE,
                            ResourceType.TRANSACTIONAL_ID,
                            "resflow-classify",
                            PatternType.PREFIXED));
            // The control topic: commands in, answers out, read as a group of its own.
            for (AclOperation operation : List.of(AclOperation.READ, AclOperation.WRITE)) {
                acls.add(
                        allow(
                                user,
                                operation,
                                ResourceType.TOPIC,
                                Topics.MODEL_UPDATES,
                                literal()));
            }
            acls.add(
                    allow(
                            user,
                            AclOperation.READ,
                            ResourceType.GROUP,
                            KafkaIo.modelUpdatesGroupId("resflow-classify"),
                            literal()));
            for (String output :
                    List.of(
                            Topics.LABELS,
                            Topics.DEAD_LETTERS,
                            Topics.RETRAINING,
                            Topics.LABEL_STATS)) {
                if (!(user.equals("no-labels") && output.equals(Topics.LABELS))) {
                    acls.add(
                            allow(user, AclOperation.WRITE, ResourceType.TOPIC, output, literal()));
                }
            }
        }
        acls.add(allow("reader", AclOperation.READ, ResourceType.TOPIC, Topics.LABELS, literal()));
        acls.add(
                allow(
                        "reader",
                        AclOperation.READ,
                        ResourceType.GROUP,
                        Topics.LABELS + "-reader-",
                        PatternType.PREFIXED));
        SecuredKafka.createAcls(kafka, acls);

        jobConfig = SecuredKafka.clientConfig(dir, "job", stores, "job", JOB_PASSWORD);
        noLabelsConfig =
                SecuredKafka.clientConfig(dir, "no-labels", stores, "no-labels", "no-labels-pass");
        wrongPasswordConfig =
                SecuredKafka.clientConfig(dir, "wrong", stores, "job", WRONG_PASSWORD);
        readerConfig = SecuredKafka.clientConfig(dir, "reader", stores, "reader", "reader-pass");

        FashionMnist mnist = FashionMnist.atDefaultLocation();
        modelDir = dir.resolve("model");
        CentroidSavedModel.export(mnist.load(FashionMnist.Split.TRAIN).head(1_000), modelDir);
        LabelledImages test = mnist.load(FashionMnist.Split.TEST).head(FRAMES);
        CameraFeedReplay.builder()
                .setBootstrapServers(kafka.securedBootstrapServers())
                .optClientConfig(
                        KafkaClientConfig.load(
                                SecuredKafka.clientConfig(
                                        dir, "camera", stores, "camera", "camera-pass")))
                .setFrames(new DatasetFrames(test, ImageEncoding.PNG))
                .optCameras(2)
                .optRunId("secured")
                .build()
                .run();
    }

    private static PatternType literal() {
        return PatternType.LITERAL;
    }

    private static Configuration settings(Path kafkaConfig) {
        Configuration conf = new Configuration();
        conf.set(ClassifyJobOptions.BOOTSTRAP_SERVERS, KAFKA.kafka().securedBootstrapServers());
        conf.set(ClassifyJobOptions.KAFKA_CONFIG, kafkaConfig.toString());
        conf.set(ClassifyJobOptions.MODEL_PATH, modelDir.toString());
        conf.set(ClassifyJobOptions.BOUNDED, true);
        conf.set(ClassifyJobOptions.CHECKPOINT_INTERVAL, Duration.ofMillis(500));
        return conf;
    }

    @Test
    void withCredentialsTheJobLabelsEveryFrameExactlyOnceAndCarriesNoSecret() throws Exception {
        ClassifyJobConfig config = ClassifyJobConfig.from(settings(jobConfig));

        // What the web UI shows (global job parameters) and what the job graph carries to the
        // cluster (source and sinks, serialized) hold the file's path, never its values.
        assertThat(config.configuration().toMap().toString())
                .contains(jobConfig.toString())
                .doesNotContain(JOB_PASSWORD)
                .doesNotContain(SecuredKafka.STORE_PASSWORD);
        for (Object shipped : List.of(KafkaIo.source(config), KafkaIo.sinks(config).labels())) {
            String bytes =
                    new String(
                            InstantiationUtil.serializeObject(shipped),
                            StandardCharsets.ISO_8859_1);
            assertThat(bytes)
                    .doesNotContain(JOB_PASSWORD)
                    .doesNotContain(SecuredKafka.STORE_PASSWORD);
        }
        assertThat(config.kafkaClient().describe())
                .contains("security.protocol=SASL_SSL", "sasl.jaas.config=[hidden]")
                .doesNotContain(JOB_PASSWORD)
                .doesNotContain(SecuredKafka.STORE_PASSWORD);

        ClassifyJob.onKafka(config).execute(StreamExecutionEnvironment.getExecutionEnvironment());

        try (CommittedTopicReader<Prediction> reader =
                CommittedTopicReader.open(
                        KAFKA.kafka().securedBootstrapServers(),
                        KafkaClientConfig.load(readerConfig),
                        Topics.LABELS,
                        Prediction.class)) {
            reader.awaitCount(FRAMES, Duration.ofSeconds(60));
            List<Prediction> labels = reader.pollFor(Duration.ofSeconds(1));
            Set<String> ids = new HashSet<>();
            labels.forEach(p -> ids.add(p.getImageId()));
            assertThat(labels).hasSize(FRAMES);
            assertThat(ids).hasSize(FRAMES);
        }
    }

    @Test
    void withoutCredentialsThePreflightSaysToGiveThemWithinSeconds() {
        long start = System.nanoTime();
        assertThatThrownBy(
                        () ->
                                KafkaPreflight.check(
                                        KAFKA.kafka().securedBootstrapServers(),
                                        KafkaClientConfig.none(),
                                        List.of(Topics.IMAGES),
                                        List.of(Topics.LABELS),
                                        Duration.ofSeconds(5)))
                .isInstanceOf(KafkaPreflight.KafkaUnreachableException.class)
                .hasMessageContaining("needs TLS or SASL")
                .hasMessageContaining("--kafka-config");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
    }

    @Test
    void aWrongPasswordIsRefusedWithinSecondsWithoutShowingIt() throws Exception {
        long start = System.nanoTime();
        assertThatThrownBy(
                        () ->
                                KafkaPreflight.check(
                                        KAFKA.kafka().securedBootstrapServers(),
                                        KafkaClientConfig.load(wrongPasswordConfig),
                                        List.of(Topics.IMAGES),
                                        List.of(Topics.LABELS),
                                        KafkaPreflight.DEFAULT_TIMEOUT))
                .isInstanceOf(KafkaPreflight.KafkaAuthenticationException.class)
                .hasMessageContaining("refused the credentials")
                .hasMessageContaining(wrongPasswordConfig.toString())
                .hasMessageNotContaining(WRONG_PASSWORD)
                .hasNoCause();
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
    }

    @Test
    void aUserWithoutWriteOnLabelsIsToldWhichAclIsMissing() throws Exception {
        KafkaPreflight.Access access =
                KafkaPreflight.check(
                        KAFKA.kafka().securedBootstrapServers(),
                        KafkaClientConfig.load(noLabelsConfig),
                        List.of(Topics.IMAGES),
                        Topics.DEFAULTS.names().subList(1, 5),
                        KafkaPreflight.DEFAULT_TIMEOUT);
        assertThat(access.denied()).containsExactly("WRITE on topic " + Topics.LABELS);
        assertThat(access.missing()).isEmpty();

        KafkaPreflight.Access granted =
                KafkaPreflight.check(
                        KAFKA.kafka().securedBootstrapServers(),
                        KafkaClientConfig.load(jobConfig),
                        List.of(Topics.IMAGES),
                        Topics.DEFAULTS.names().subList(1, 5),
                        KafkaPreflight.DEFAULT_TIMEOUT);
        assertThat(granted.denied()).isEmpty();
        assertThat(granted.missing()).isEmpty();
    }

    @Test
    void anUnreadableConfigFileIsRefusedBeforeAnyClientStarts() throws Exception {
        Path missing = dir.resolve("nope.properties");
        assertThatThrownBy(() -> ClassifyJobConfig.from(settings(missing)))
                .hasMessageContaining("--kafka-config " + missing);
        Path ownKey = dir.resolve("own.properties");
        Files.writeString(ownKey, "bootstrap.servers=elsewhere:9092\ngroup.id=x\n");
        assertThatThrownBy(() -> ClassifyJobConfig.from(settings(ownKey)))
                .hasMessageContaining("sets bootstrap.servers, group.id");
    }
}
