package io.resflow.kafka.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class EmbeddedKafkaITCase {

    @RegisterExtension
    static final EmbeddedKafkaExtension KAFKA =
            new EmbeddedKafkaExtension(b -> b.optTopic("greetings", 3));

    @Test
    void createsTopicsAtStartOnLoopback() throws Exception {
        assertThat(KAFKA.bootstrapServers()).startsWith("127.0.0.1:");
        try (Admin admin = Admin.create(KAFKA.kafka().adminProperties())) {
            var description =
                    admin.describeTopics(List.of("greetings"))
                            .allTopicNames()
                            .get()
                            .get("greetings");
            assertThat(description.partitions()).hasSize(3);
        }
    }

    @Test
    void committedTransactionsAreVisibleToReadCommittedConsumersAndAbortedOnesAreNot() {
        KAFKA.kafka().createTopic("tx", 1);
        Properties producerProps = new Properties();
        producerProps.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA.bootstrapServers());
        producerProps.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "it-tx");
        producerProps.put(
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        producerProps.put(
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(producerProps)) {
            producer.initTransactions();
            producer.beginTransaction();
            producer.send(new ProducerRecord<>("tx", "k", "aborted"));
            producer.abortTransaction();
            producer.beginTransaction();
            producer.send(new ProducerRecord<>("tx", "k", "committed"));
            producer.commitTransaction();
        }

        Properties consumerProps = new Properties();
        consumerProps.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA.bootstrapServers());
        consumerProps.put(ConsumerConfig.GROUP_ID_CONFIG, "it-reader");
        consumerProps.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        consumerProps.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        consumerProps.put(
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        consumerProps.put(
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        List<String> values = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(consumerProps)) {
            consumer.subscribe(List.of("tx"));
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (values.isEmpty() && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, String> record :
                        consumer.poll(Duration.ofMillis(200))) {
                    values.add(record.value());
                }
            }
        }
        assertThat(values).containsExactly("committed");
    }

    @Test
    void refusesNonsenseConfiguration() {
        assertThatThrownBy(() -> EmbeddedKafka.builder().optPort(70_000).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("1..65535");
        assertThatThrownBy(() -> EmbeddedKafka.builder().optTopic("t", 0).build())
                .hasMessageContaining("at least one partition");
    }

    @Test
    void aKeptLogDirectoryStartsAgainWithItsTopics(
            @org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        try (EmbeddedKafka first =
                EmbeddedKafka.builder().optLogDir(dir).optTopic("kept", 2).build().start()) {
            assertThat(first.logDir()).isEqualTo(dir);
        }
        assertThat(dir.resolve("meta.properties")).isRegularFile();
        try (EmbeddedKafka second = EmbeddedKafka.builder().optLogDir(dir).build().start();
                Admin admin = Admin.create(second.adminProperties())) {
            assertThat(
                            admin.describeTopics(List.of("kept"))
                                    .allTopicNames()
                                    .get()
                                    .get("kept")
                                    .partitions())
                    .hasSize(2);
        }
    }

    @Test
    void aPickedPortTakenBeforeTheBrokerBindsItIsPickedAgain() throws Exception {
        try (java.net.ServerSocket taken =
                new java.net.ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
            java.util.concurrent.atomic.AtomicBoolean first =
                    new java.util.concurrent.atomic.AtomicBoolean(true);
            EmbeddedKafka.PortPicker picker =
                    () -> {
                        if (first.getAndSet(false)) {
                            return taken
                                    .getLocalPort(); // as if another process took it after it was
                            // picked
                        }
                        try (java.net.ServerSocket free =
                                new java.net.ServerSocket(
                                        0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
                            return free.getLocalPort();
                        }
                    };
            try (EmbeddedKafka kafka =
                    EmbeddedKafka.builder().optPortPicker(picker).build().start()) {
                assertThat(kafka.bootstrapServers())
                        .isNotEqualTo("127.0.0.1:" + taken.getLocalPort());
                try (Admin admin = Admin.create(kafka.adminProperties())) {
                    assertThat(admin.describeCluster().nodes().get()).hasSize(1);
                }
            }
        }
    }

    @Test
    void closeRemovesItsTemporaryLogDirectory() {
        EmbeddedKafka kafka = EmbeddedKafka.builder().build().start();
        var dir = kafka.logDir();
        assertThat(dir).isDirectory();
        kafka.close();
        assertThat(dir).doesNotExist();
    }

    @Test
    void aStoppedProcessLeavesNoLogFolderBehind() throws Exception {
        // SIGTERM, as Ctrl-C's SIGINT, runs shutdown hooks but not the callers' try-with-resources.
        Process broker =
                new ProcessBuilder(
                                java.nio.file.Path.of(
                                                System.getProperty("java.home"), "bin", "java")
                                        .toString(),
                                "-cp",
                                System.getProperty("java.class.path"),
                                BrokerUntilKilled.class.getName())
                        .redirectErrorStream(true)
                        .start();
        java.nio.file.Path logDir = null;
        try (java.io.BufferedReader out =
                new java.io.BufferedReader(
                        new java.io.InputStreamReader(
                                broker.getInputStream(),
                                java.nio.charset.StandardCharsets.UTF_8))) {
            String line;
            while (logDir == null && (line = out.readLine()) != null) {
                if (line.startsWith("LOG_DIR ")) {
                    logDir = java.nio.file.Path.of(line.substring("LOG_DIR ".length()));
                }
            }
            assertThat(logDir).as("the broker started and named its log folder").isNotNull();
            assertThat(logDir).isDirectory();

            broker.destroy();
            assertThat(broker.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        } finally {
            broker.destroyForcibly();
        }
        assertThat(logDir).doesNotExist();
    }
}
