package io.resflow.pipeline.classify.functions;

import java.time.Duration;
import java.util.Objects;
import java.util.function.LongSupplier;
import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.common.eventtime.WatermarkGenerator;
import org.apache.flink.api.common.eventtime.WatermarkOutput;

/**
 * Bounded out-of-orderness watermarks (the newest capture time seen, minus the bound) that never
 * run ahead of the clock of the TaskManager that generates them.
 *
 * <p>A partition carries many cameras. With Flink's plain bounded out-of-orderness, one camera
 * whose clock is three hours fast moved its partition's watermark three hours ahead, and every
 * other camera of that partition was then late for label-stats until the clock caught up: their
 * frames were labelled but dropped from every window. Capped at the clock, the on-time cameras'
 * windows fire as before; the fast camera's frames keep their capture time and wait in their
 * windows until the clock reaches it ({@link CaptureTimes} bounds how far ahead that can be).
 *
 * <p>Frames that replay the past are unaffected: their newest capture time is behind the clock.
 */
public final class ClockBoundedWatermarks<T> implements WatermarkGenerator<T> {

    private final long outOfOrdernessMillis;
    private final LongSupplier clock;

    /** Starts where subtracting the bound cannot overflow. */
    private long newestCaptureTime;

    private long emitted = Long.MIN_VALUE;

    public ClockBoundedWatermarks(Duration outOfOrderness) {
        this(outOfOrderness, System::currentTimeMillis);
    }

    ClockBoundedWatermarks(Duration outOfOrderness, LongSupplier clock) {
        Objects.requireNonNull(outOfOrderness, "outOfOrderness");
        if (outOfOrderness.isNegative()) {
            throw new IllegalArgumentException(
                    "out-of-orderness must not be negative, got " + outOfOrderness);
        }
        this.outOfOrdernessMillis = outOfOrderness.toMillis();
        this.clock = Objects.requireNonNull(clock, "clock");
        this.newestCaptureTime = Long.MIN_VALUE + outOfOrdernessMillis + 1;
    }

    @Override
    public void onEvent(T event, long eventTimestamp, WatermarkOutput output) {
        newestCaptureTime = Math.max(newestCaptureTime, eventTimestamp);
    }

    @Override
    public void onPeriodicEmit(WatermarkOutput output) {
        // A clock stepped back (NTP) must not move the watermark back.
        emitted =
                Math.max(
                        emitted,
                        Math.min(newestCaptureTime, clock.getAsLong()) - outOfOrdernessMillis - 1);
        // Emitted every period even when unchanged, as Flink's own generators do: a watermark is
        // what
        // marks a partition that went idle active again (WatermarksWithIdleness), frames alone do
        // not.
        if (emitted > Long.MIN_VALUE) {
            output.emitWatermark(new Watermark(emitted));
        }
    }
}
