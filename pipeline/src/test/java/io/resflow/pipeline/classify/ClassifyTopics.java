package io.resflow.pipeline.classify;

import io.resflow.kafka.embedded.EmbeddedKafka;
import io.resflow.pipeline.kafka.Topics;
import java.util.function.UnaryOperator;

/**
 * The classify job's five topics on an embedded broker, for the integration tests that run the job.
 */
public final class ClassifyTopics {

    private ClassifyTopics() {}

    /** Images and labels with the given partitions, the other three outputs with one each. */
    public static UnaryOperator<EmbeddedKafka.Builder> withPartitions(int images, int labels) {
        return broker ->
                broker.optTopic(Topics.IMAGES, images)
                        .optTopic(Topics.LABELS, labels)
                        .optTopic(Topics.DEAD_LETTERS, 1)
                        .optTopic(Topics.RETRAINING, 1)
                        .optTopic(Topics.LABEL_STATS, 1);
    }
}
