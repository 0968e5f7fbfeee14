package io.resflow.pipeline.deployment;

import static org.assertj.core.api.Assertions.assertThat;

import io.resflow.pipeline.records.ModelVersion;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class ModelSwitchTest {

    private static final ModelVersion V1 = new ModelVersion("m", "1", "/m/1");
    private static final ModelVersion V2 = new ModelVersion("m", "2", "/m/2");
    private static final ModelVersion V3 = new ModelVersion("m", "3", "/m/3");

    /** A handle that records its closing. */
    private static final class Handle implements AutoCloseable {
        final String name;
        boolean closed;

        Handle(String name) {
            this.name = name;
        }

        @Override
        public void close() {
            closed = true;
        }
    }

    private final Map<ModelVersion, CompletableFuture<Handle>> loads = new HashMap<>();
    private final List<ModelVersion> loaded = new ArrayList<>();
    private long now = 1_000;

    private final ModelSwitch<Handle> models =
            new ModelSwitch<>(
                    version -> {
                        loaded.add(version);
                        return loads.computeIfAbsent(version, v -> new CompletableFuture<>());
                    },
                    () -> now);

    @Test
    void theServingVersionScoresUntilTheNewOneHasLoaded_thenTheOldOneCloses() {
        Handle h1 = new Handle("1");
        models.start(V1, h1);

        models.target(V2);
        assertThat(models.poll()).isEmpty();
        assertThat(models.serving()).isEqualTo(V1);
        assertThat(models.loading()).isEqualTo(V2);

        now += 250;
        Handle h2 = new Handle("2");
        loads.get(V2).complete(h2);
        assertThat(models.serving()).as("no switch before a poll").isEqualTo(V1);
        assertThat(models.poll()).containsExactly(new ModelSwitch.Switched(V1, V2, 250));
        assertThat(models.serving()).isEqualTo(V2);
        assertThat(h1.closed).isTrue();
        assertThat(h2.closed).isFalse();
    }

    @Test
    void aFailedLoadIsReportedAndTheServingVersionStays() {
        Handle h1 = new Handle("1");
        models.start(V1, h1);
        models.target(V2);
        IllegalStateException broken = new IllegalStateException("corrupt");
        loads.get(V2).completeExceptionally(broken);

        List<ModelSwitch.Event> events = models.poll();

        assertThat(events).hasSize(1);
        assertThat(events.get(0)).isInstanceOf(ModelSwitch.Failed.class);
        assertThat(((ModelSwitch.Failed) events.get(0)).version()).isEqualTo(V2);
        assertThat(models.serving()).isEqualTo(V1);
        assertThat(h1.closed).isFalse();
        assertThat(models.loading()).isNull();
    }

    @Test
    void askingForWhatServesOrLoadsStartsNothing_andANewTargetAbandonsTheOldLoad() {
        models.start(V1, new Handle("1"));
        models.target(V1);
        assertThat(loaded).isEmpty();
        models.target(V2);
        models.target(V2);
        assertThat(loaded).containsExactly(V2);

        models.target(V3);
        Handle h2 = new Handle("2");
        loads.get(V2).complete(h2);
        assertThat(models.poll()).isEmpty();
        assertThat(h2.closed).as("an abandoned load is closed when it ends").isTrue();
        assertThat(models.serving()).isEqualTo(V1);
        assertThat(models.loading()).isEqualTo(V3);
    }

    @Test
    void closingClosesTheServingHandleAndALoadStillRunningWhenItEnds() {
        Handle h1 = new Handle("1");
        models.start(V1, h1);
        models.target(V2);
        models.close();
        assertThat(h1.closed).isTrue();
        Handle h2 = new Handle("2");
        loads.get(V2).complete(h2);
        assertThat(h2.closed).isTrue();
    }
}
