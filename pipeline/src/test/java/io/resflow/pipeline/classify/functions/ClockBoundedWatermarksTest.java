package io.resflow.pipeline.classify.functions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.common.eventtime.WatermarkOutput;
import org.apache.flink.api.common.eventtime.WatermarksWithIdleness;
import org.apache.flink.util.clock.ManualClock;
import org.junit.jupiter.api.Test;

class ClockBoundedWatermarksTest {

    private static final long NOW = 1_800_000_000_000L;

    private final AtomicLong clock = new AtomicLong(NOW);
    private final Emitted output = new Emitted();
    private final ClockBoundedWatermarks<String> watermarks =
            new ClockBoundedWatermarks<>(Duration.ofSeconds(2), clock::get);

    @Test
    void followsTheNewestCaptureTimeMinusTheBound() {
        watermarks.onPeriodicEmit(output);
        assertThat(output.watermarks).as("nothing seen yet").isEmpty();

        watermarks.onEvent("a", NOW - 10_000, output);
        watermarks.onEvent("b", NOW - 12_000, output);
        watermarks.onPeriodicEmit(output);

        assertThat(output.watermarks).containsExactly(NOW - 10_000 - 2_000 - 1);
    }

    @Test
    void aCameraAheadOfTheClockMovesTheWatermarkOnlyToTheClock() {
        watermarks.onEvent("on time", NOW - 1_000, output);
        watermarks.onEvent("three hours fast", NOW + Duration.ofHours(3).toMillis(), output);
        watermarks.onPeriodicEmit(output);
        assertThat(output.watermarks).containsExactly(NOW - 2_000 - 1);

        clock.addAndGet(5_000);
        watermarks.onPeriodicEmit(output);
        assertThat(output.watermarks).containsExactly(NOW - 2_001, NOW + 5_000 - 2_001);
    }

    @Test
    void aClockSteppedBackDoesNotMoveTheWatermarkBack() {
        watermarks.onEvent("fast", NOW + 60_000, output);
        watermarks.onPeriodicEmit(output);
        clock.addAndGet(-30_000);
        watermarks.onPeriodicEmit(output);
        clock.set(NOW + 1_000);
        watermarks.onPeriodicEmit(output);

        assertThat(output.watermarks)
                .containsExactly(NOW - 2_001, NOW - 2_001, NOW + 1_000 - 2_001);
    }

    @Test
    void aPartitionThatWentIdleIsActiveAgainWithItsNextFrameEvenAnOlderOne() {
        // Not at 0: Flink's idleness timer reads a start time of 0 as "not started".
        ManualClock idleClock = new ManualClock(TimeUnit.SECONDS.toNanos(1));
        WatermarksWithIdleness<String> withIdleness =
                new WatermarksWithIdleness<>(watermarks, Duration.ofSeconds(5), idleClock);
        withIdleness.onEvent("a", NOW - 1_000, output);
        withIdleness.onPeriodicEmit(output);
        withIdleness.onPeriodicEmit(
                output); // no frame since the last period: the idle timeout starts
        idleClock.advanceTime(6, TimeUnit.SECONDS);
        withIdleness.onPeriodicEmit(output);
        assertThat(output.idle).as("idle after 5 s without frames").isTrue();

        // Older than the newest so far: the watermark does not move, but the partition counts
        // again.
        withIdleness.onEvent("b", NOW - 3_000, output);
        withIdleness.onPeriodicEmit(output);
        assertThat(output.idle).isFalse();
    }

    @Test
    void unreadableRecordsMoveNothing() {
        watermarks.onEvent("corrupt", CaptureTimes.UNREADABLE, output);
        watermarks.onPeriodicEmit(output);
        assertThat(output.watermarks).isEmpty();
    }

    @Test
    void refusesANegativeBound() {
        assertThatThrownBy(() -> new ClockBoundedWatermarks<String>(Duration.ofMillis(-1)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    /** Like Flink's per-split output: idle until the next watermark or markActive. */
    private static final class Emitted implements WatermarkOutput {
        final List<Long> watermarks = new ArrayList<>();
        boolean idle;

        @Override
        public void emitWatermark(Watermark watermark) {
            watermarks.add(watermark.getTimestamp());
            idle = false;
        }

        @Override
        public void markIdle() {
            idle = true;
        }

        @Override
        public void markActive() {
            idle = false;
        }
    }
}
