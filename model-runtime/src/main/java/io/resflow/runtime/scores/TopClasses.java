package io.resflow.runtime.scores;

/**
 * The highest-scoring classes of one row of class scores (probabilities or logits). Ties go to the
 * lower class index, so every caller (the pipeline's labels, the parity gate, evaluation, the tests
 * that compare them) picks the same class for the same row.
 */
public final class TopClasses {

    private TopClasses() {}

    /** The index of the highest score; the lowest such index on a tie. */
    public static int argMax(float[] scores) {
        if (scores.length == 0) {
            throw new IllegalArgumentException("no scores");
        }
        int best = 0;
        for (int i = 1; i < scores.length; i++) {
            if (scores[i] > scores[best]) {
                best = i;
            }
        }
        return best;
    }

    /**
     * The indices of the {@code k} highest scores, best first. A selection pass per rank: {@code k}
     * is a handful and rows are a model's classes, where this beats sorting.
     *
     * @throws IllegalArgumentException unless {@code 1 <= k <= scores.length}
     */
    public static int[] topIndices(float[] scores, int k) {
        if (k < 1 || k > scores.length) {
            throw new IllegalArgumentException(
                    "k must be between 1 and " + scores.length + ", was " + k);
        }
        int[] top = new int[k];
        boolean[] taken = new boolean[scores.length];
        for (int rank = 0; rank < k; rank++) {
            int best = -1;
            for (int j = 0; j < scores.length; j++) {
                if (!taken[j] && (best < 0 || scores[j] > scores[best])) {
                    best = j;
                }
            }
            taken[best] = true;
            top[rank] = best;
        }
        return top;
    }
}
