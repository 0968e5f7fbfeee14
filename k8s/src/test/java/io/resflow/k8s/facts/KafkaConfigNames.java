package io.resflow.k8s.facts;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.Set;
import java.util.TreeSet;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.server.config.AbstractKafkaConfig;

/**
 * Configuration names Kafka knows, from Kafka's own definitions (the clients and broker of this
 * build).
 */
public final class KafkaConfigNames {

    private KafkaConfigNames() {}

    /** Topic-level configs: every {@code *_CONFIG} constant of {@link TopicConfig}. */
    public static Set<String> topic() {
        Set<String> names = new TreeSet<>();
        for (Field field : TopicConfig.class.getFields()) {
            if (Modifier.isStatic(field.getModifiers())
                    && field.getType() == String.class
                    && field.getName().endsWith("_CONFIG")) {
                try {
                    names.add((String) field.get(null));
                } catch (IllegalAccessException e) {
                    throw new IllegalStateException(e);
                }
            }
        }
        return names;
    }

    /** Broker configs: the broker's ConfigDef. */
    public static Set<String> broker() {
        return new TreeSet<>(AbstractKafkaConfig.CONFIG_DEF.names());
    }
}
