package io.resflow.bench;

import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * How busy the JIT compiler was in a window of wall-clock time. On two cores the compiler threads
 * compete with TensorFlow for the CPU, so a throughput measured while the JVM still compiles
 * Kafka's and Flink's code paths says more about warm-up than about the pipeline; every measured
 * window reports this number next to its throughput.
 */
final class JitMonitor implements AutoCloseable {

    private static final long SAMPLE_MILLIS = 200;

    private final CompilationMXBean compiler = ManagementFactory.getCompilationMXBean();

    /** Wall-clock millis to the JVM's accumulated compile millis at that moment. */
    private final ConcurrentSkipListMap<Long, Long> samples = new ConcurrentSkipListMap<>();

    private final ScheduledExecutorService sampler =
            Executors.newSingleThreadScheduledExecutor(
                    r -> {
                        Thread t = new Thread(r, "bench-jit-monitor");
                        t.setDaemon(true);
                        return t;
                    });

    private JitMonitor() {}

    static JitMonitor start() {
        JitMonitor monitor = new JitMonitor();
        if (monitor.compiler.isCompilationTimeMonitoringSupported()) {
            monitor.sampler.scheduleAtFixedRate(
                    monitor::sample, 0, SAMPLE_MILLIS, TimeUnit.MILLISECONDS);
        }
        return monitor;
    }

    private void sample() {
        samples.put(System.currentTimeMillis(), compiler.getTotalCompilationTime());
    }

    /**
     * Milliseconds spent compiling per millisecond of wall time between two epoch-millis instants
     * (summed over compiler threads, so it can exceed 1), or NaN when the JVM does not tell.
     */
    double load(long fromMillis, long toMillis) {
        var from = samples.floorEntry(fromMillis);
        var to = samples.ceilingEntry(toMillis);
        if (to == null) {
            sample();
            to = samples.lastEntry();
        }
        if (from == null || to == null || to.getKey() <= from.getKey()) {
            return Double.NaN;
        }
        return (double) (to.getValue() - from.getValue()) / (to.getKey() - from.getKey());
    }

    @Override
    public void close() {
        sampler.shutdownNow();
    }
}
