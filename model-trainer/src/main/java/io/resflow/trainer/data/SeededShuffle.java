package io.resflow.trainer.data;

import ai.djl.training.dataset.RandomAccessDataset;
import ai.djl.training.dataset.Sampler;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.SplittableRandom;

/**
 * A random order of a dataset's indices that depends only on (seed, epoch). DJL's own {@code
 * RandomSampler} draws from a process-wide generator, so its order depends on everything else that
 * used it; this one lets a run be repeated and a resumed run see the same batches.
 */
public final class SeededShuffle implements Sampler.SubSampler {

    private final long seed;
    private final int epoch;

    public SeededShuffle(long seed, int epoch) {
        this.seed = seed;
        this.epoch = epoch;
    }

    /** A well-mixed seed for one (seed, epoch, index) triple. */
    static long mix(long seed, long epoch, long index) {
        return new SplittableRandom(
                        seed
                                ^ 0x9E3779B97F4A7C15L * (epoch + 1)
                                ^ 0xC2B2AE3D27D4EB4FL * (index + 1))
                .nextLong();
    }

    @Override
    public Iterator<Long> sample(RandomAccessDataset dataset) {
        int size = Math.toIntExact(dataset.size());
        int[] order = new int[size];
        for (int i = 0; i < size; i++) {
            order[i] = i;
        }
        SplittableRandom random = new SplittableRandom(mix(seed, epoch, -1));
        for (int i = size - 1; i > 0; i--) { // Fisher-Yates
            int j = random.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        return new Iterator<>() {
            private int next;

            @Override
            public boolean hasNext() {
                return next < size;
            }

            @Override
            public Long next() {
                if (next >= size) {
                    throw new NoSuchElementException();
                }
                return (long) order[next++];
            }
        };
    }
}
