package io.resflow.pipeline.deployment;

import io.resflow.pipeline.records.ModelVersion;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One scoring subtask's serving version and the one it loads beside it. The caller asks for a
 * version ({@link #target}); it loads in the background while the serving one keeps scoring, and
 * the next {@link #poll} after it is ready switches: frames before it go to the old version, frames
 * after it to the new, and the old handle is closed (its last frames hold their own handles in the
 * scorer, so it is released after its last batch). Pure and single-threaded: the caller (the task
 * thread) calls every method; only the loading runs elsewhere.
 *
 * @param <H> a loaded version's handle (a lease on a shared scorer), closed when let go
 */
public final class ModelSwitch<H extends AutoCloseable> {

    private static final Logger LOG = LoggerFactory.getLogger(ModelSwitch.class);

    /** What changed at a {@link #poll}. */
    public sealed interface Event {}

    /** {@code to} serves from now on, after loading and warming up for {@code loadMillis}. */
    public record Switched(ModelVersion from, ModelVersion to, long loadMillis) implements Event {}

    /** {@code version} could not be loaded or warmed up; the serving version stays. */
    public record Failed(ModelVersion version, Throwable cause) implements Event {}

    private record Loading<H>(
            ModelVersion version, CompletableFuture<H> handle, long startMillis) {}

    private final Function<ModelVersion, CompletableFuture<H>> loader;
    private final LongSupplier clock;
    private ModelVersion serving;
    private H servingHandle;
    private Loading<H> loading;
    private final List<Loading<H>> abandoned = new ArrayList<>();

    /**
     * @param loader starts loading a version (on another thread) and completes with its handle
     * @param clock milliseconds, for the load time reported
     */
    public ModelSwitch(Function<ModelVersion, CompletableFuture<H>> loader, LongSupplier clock) {
        this.loader = loader;
        this.clock = clock;
    }

    /** Starts serving {@code version}, loaded by the caller (at the subtask's start). */
    public void start(ModelVersion version, H handle) {
        if (serving != null) {
            throw new IllegalStateException("already serving " + serving);
        }
        this.serving = Objects.requireNonNull(version);
        this.servingHandle = Objects.requireNonNull(handle);
    }

    /** The version that scores the next frame. */
    public ModelVersion serving() {
        return serving;
    }

    /** The version being loaded to replace it, if any. */
    public ModelVersion loading() {
        return loading == null ? null : loading.version();
    }

    /**
     * Asks for {@code version} to serve: nothing happens if it serves or loads already; otherwise
     * it starts loading (a load of another version is abandoned, its handle closed when it ends).
     */
    public void target(ModelVersion version) {
        if (loading != null) {
            if (loading.version().equals(version)) {
                return;
            }
            abandoned.add(loading);
            loading = null;
        }
        if (version.equals(serving)) {
            return;
        }
        loading = new Loading<>(version, loader.apply(version), clock.getAsLong());
    }

    /** Switches to a loaded version, or reports a failed load; never waits for a load. */
    public List<Event> poll() {
        closeAbandoned();
        if (loading == null || !loading.handle().isDone()) {
            return List.of();
        }
        Loading<H> done = loading;
        loading = null;
        H handle;
        try {
            handle = done.handle().join();
        } catch (RuntimeException e) {
            return List.of(new Failed(done.version(), e));
        }
        ModelVersion from = serving;
        close(servingHandle, from);
        serving = done.version();
        servingHandle = handle;
        return List.of(new Switched(from, serving, clock.getAsLong() - done.startMillis()));
    }

    /** Closes what it holds; a load still running is closed when it ends. */
    public void close() {
        if (loading != null) {
            abandoned.add(loading);
            loading = null;
        }
        for (Loading<H> load : abandoned) {
            load.handle().thenAccept(h -> close(h, load.version()));
        }
        abandoned.clear();
        if (servingHandle != null) {
            close(servingHandle, serving);
            servingHandle = null;
        }
    }

    private void closeAbandoned() {
        abandoned.removeIf(
                load -> {
                    if (!load.handle().isDone()) {
                        return false;
                    }
                    if (!load.handle().isCompletedExceptionally()) {
                        close(load.handle().join(), load.version());
                    }
                    return true;
                });
    }

    private static void close(AutoCloseable handle, ModelVersion version) {
        try {
            handle.close();
        } catch (Exception e) {
            LOG.warn("Closing {} failed: {}", version, e.toString());
        }
    }
}
