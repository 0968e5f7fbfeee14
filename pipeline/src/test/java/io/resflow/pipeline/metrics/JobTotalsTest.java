package io.resflow.pipeline.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class JobTotalsTest {

    @Test
    void addsUpEveryOperatorsDeadLettersAndIgnoresOtherAccumulators() {
        assertThat(
                        JobTotals.describe(
                                Map.of(
                                        JobTotals.LABELS,
                                        36L,
                                        JobTotals.DEAD_LETTERS_PREFIX + "decode-images",
                                        3L,
                                        JobTotals.DEAD_LETTERS_PREFIX + "route-predictions",
                                        1L,
                                        "someone-elses",
                                        99L)))
                .isEqualTo("labels=36 dead_letters=4");
        assertThat(JobTotals.describe(Map.of())).isEqualTo("labels=0 dead_letters=0");
    }
}
