package io.resflow.pipeline.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;

import org.junit.jupiter.api.Test;

class TopicsTest {

    @Test
    void theDefaultSetIsTheSixDefaultNamesImagesFirst() {
        assertThat(Topics.DEFAULTS.names())
                .containsExactly(
                        Topics.IMAGES,
                        Topics.LABELS,
                        Topics.DEAD_LETTERS,
                        Topics.RETRAINING,
                        Topics.LABEL_STATS,
                        Topics.MODEL_UPDATES);
    }

    @Test
    void imagesAndLabelsGetTheirPartitionsTheSmallOutputsAndTheControlTopicOneEach() {
        assertThat(Topics.DEFAULTS.partitions(4, 2))
                .containsExactly(
                        entry("images", 4),
                        entry("labels", 2),
                        entry("dead-letters", 1),
                        entry("retraining", 1),
                        entry("label-stats", 1),
                        entry("model-updates", 1));
    }

    @Test
    void aSetNamedAfterItsImagesTopicSuffixesTheDefaultNames() {
        assertThat(Topics.JobTopics.after("bench1").names())
                .containsExactly(
                        "bench1",
                        "bench1-labels",
                        "bench1-dead-letters",
                        "bench1-retraining",
                        "bench1-label-stats",
                        "bench1-model-updates");
    }

    @Test
    void everyTopicNeedsItsOwnName() {
        assertThatThrownBy(() -> new Topics.JobTopics("images", "labels", " ", "r", "s", "m"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("six topic names")
                .hasMessageContaining("[images, labels,  , r, s, m]");
        assertThatThrownBy(() -> new Topics.JobTopics("images", null, "d", "r", "s", "m"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("[images, null, d, r, s, m]");
    }
}
