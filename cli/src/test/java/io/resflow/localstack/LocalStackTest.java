package io.resflow.localstack;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class LocalStackTest {

    @Test
    void aClusterNeedsASlotBeforeAnythingStarts() {
        assertThatThrownBy(() -> LocalStack.builder().optKafka(Map.of()).start())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("at least one task slot, got 0");
    }
}
