package io.resflow.kafka.embedded;

import java.util.function.UnaryOperator;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * JUnit 5 extension that starts one {@link EmbeddedKafka} before a test class and stops it after.
 *
 * <pre>{@code
 * @RegisterExtension
 * static final EmbeddedKafkaExtension KAFKA = new EmbeddedKafkaExtension(b -> b.optTopic("images", 2));
 *
 * @Test
 * void roundTrip() {
 *     props.put("bootstrap.servers", KAFKA.bootstrapServers());
 * }
 * }</pre>
 */
public final class EmbeddedKafkaExtension implements BeforeAllCallback, AfterAllCallback {

    private final UnaryOperator<EmbeddedKafka.Builder> configuration;
    private EmbeddedKafka kafka;

    public EmbeddedKafkaExtension() {
        this(UnaryOperator.identity());
    }

    public EmbeddedKafkaExtension(UnaryOperator<EmbeddedKafka.Builder> configuration) {
        this.configuration = configuration;
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        kafka = configuration.apply(EmbeddedKafka.builder()).build().start();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (kafka != null) {
            kafka.close();
            kafka = null;
        }
    }

    public EmbeddedKafka kafka() {
        if (kafka == null) {
            throw new IllegalStateException(
                    "The embedded broker runs only while the test class runs"
                            + " (beforeAll..afterAll)");
        }
        return kafka;
    }

    public String bootstrapServers() {
        return kafka().bootstrapServers();
    }
}
