package io.resflow.pipeline.scoring;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One {@link BatchScorer} per model, device and batching setting in this JVM (a TaskManager),
 * shared by every slot that asks for it and closed when the last one lets go. One copy of the model
 * per device instead of one per slot saves memory, and shared batches fill faster.
 *
 * <p>On a Flink cluster the registry lives in the job's class loader, so two jobs never share a
 * model; DJL and its native libraries belong in Flink's {@code lib/} so they load once per JVM.
 */
public final class SharedBatchScorers {

    private static final Logger LOG = LoggerFactory.getLogger(SharedBatchScorers.class);

    private static final Map<String, Entry> SCORERS = new HashMap<>();

    /**
     * The model versions {@link #SCORERS} serves, replaced under its lock whenever it changes and
     * read without it: a metrics scrape must not wait for a model to load or a scorer to drain.
     */
    private static volatile Set<ModelVersion> served = Set.of();

    private record ModelVersion(String name, String version) {}

    private static final class Entry {
        final BatchScorer scorer;
        int users;

        Entry(BatchScorer scorer) {
            this.scorer = scorer;
        }
    }

    /** A use of a shared scorer; closing it releases the scorer (the last release closes it). */
    public static final class Lease implements AutoCloseable {
        private final String key;
        private final BatchScorer scorer;
        private boolean closed;

        private Lease(String key, BatchScorer scorer) {
            this.key = key;
            this.scorer = scorer;
        }

        public BatchScorer scorer() {
            return scorer;
        }

        @Override
        public void close() {
            synchronized (SCORERS) {
                if (closed) {
                    return;
                }
                closed = true;
                Entry entry = SCORERS.get(key);
                if (entry != null && entry.scorer == scorer && --entry.users == 0) {
                    SCORERS.remove(key);
                    updateServed();
                    LOG.info("Closing shared scorer {}", key);
                    scorer.close();
                }
            }
        }
    }

    private SharedBatchScorers() {}

    /**
     * The scorer for {@code key}, created with {@code factory} by the first caller. Creation
     * happens under the registry lock so two slots never load the same model twice.
     */
    public static Lease acquire(String key, Supplier<BatchScorer> factory) {
        synchronized (SCORERS) {
            Entry entry = SCORERS.get(key);
            if (entry == null) {
                LOG.info("Loading shared scorer {}", key);
                entry = new Entry(factory.get());
                SCORERS.put(key, entry);
                updateServed();
            }
            entry.users++;
            return new Lease(key, entry.scorer);
        }
    }

    /**
     * Whether a scorer of this job in this JVM has loaded and warmed up the named model version: a
     * scorer is registered only once its warm-up has passed, and removed when its last user closes.
     */
    public static boolean serves(String modelName, String modelVersion) {
        return served.contains(new ModelVersion(modelName, modelVersion));
    }

    /** Called under the registry lock after every change. */
    private static void updateServed() {
        Set<ModelVersion> versions = new HashSet<>();
        for (Entry entry : SCORERS.values()) {
            versions.add(
                    new ModelVersion(
                            entry.scorer.model().metadata().name(),
                            entry.scorer.model().metadata().version()));
        }
        served = Set.copyOf(versions);
    }

    /** How many scorers are loaded in this JVM (for tests and metrics). */
    public static int loadedCount() {
        synchronized (SCORERS) {
            return SCORERS.size();
        }
    }
}
