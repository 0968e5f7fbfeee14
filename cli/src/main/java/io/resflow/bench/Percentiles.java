package io.resflow.bench;

import java.util.Arrays;

/** Nearest-rank percentiles of sorted samples, as the demo and the benchmark report them. */
public final class Percentiles {

    private Percentiles() {}

    /** The nearest-rank {@code q}-quantile (0..1) of ascending {@code sorted}; 0 when empty. */
    public static double of(long[] sorted, double q) {
        if (sorted.length == 0) {
            return 0;
        }
        int index = (int) Math.ceil(q * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
    }

    /**
     * The median of {@code values} (the mean of the middle two for an even count); NaN when empty.
     */
    public static double median(double[] values) {
        if (values.length == 0) {
            return Double.NaN;
        }
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int mid = sorted.length / 2;
        return sorted.length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }
}
