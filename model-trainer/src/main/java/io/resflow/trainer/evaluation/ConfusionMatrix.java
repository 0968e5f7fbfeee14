package io.resflow.trainer.evaluation;

import java.util.Arrays;
import java.util.List;

/**
 * Counts of (actual class, predicted class) pairs; rows are actual classes, columns predictions.
 * Precision, recall and F1 follow the usual definitions; a class that is never predicted has
 * precision 0, one that never occurs recall 0 (scikit-learn's {@code zero_division=0}), so macro
 * averages stay defined.
 *
 * <pre>{@code
 * ConfusionMatrix matrix = new ConfusionMatrix(List.of("cat", "dog"));
 * matrix.add(0, 0);            // a cat predicted as cat
 * matrix.add(1, 0);            // a dog predicted as cat
 * matrix.precision(0);         // 0.5
 * }</pre>
 */
public final class ConfusionMatrix {

    private final List<String> classNames;
    private final long[][] counts;

    public ConfusionMatrix(List<String> classNames) {
        if (classNames.isEmpty()) {
            throw new IllegalArgumentException("a confusion matrix needs at least one class");
        }
        this.classNames = List.copyOf(classNames);
        this.counts = new long[classNames.size()][classNames.size()];
    }

    /** A matrix with the given counts, {@code counts[actual][predicted]}. */
    public static ConfusionMatrix of(List<String> classNames, long[][] counts) {
        ConfusionMatrix matrix = new ConfusionMatrix(classNames);
        if (counts.length != classNames.size()) {
            throw new IllegalArgumentException(
                    "counts has "
                            + counts.length
                            + " rows, need one per class ("
                            + classNames.size()
                            + ")");
        }
        for (int a = 0; a < counts.length; a++) {
            if (counts[a].length != classNames.size()) {
                throw new IllegalArgumentException(
                        "row "
                                + a
                                + " of counts has "
                                + counts[a].length
                                + " columns, need "
                                + classNames.size());
            }
            for (int p = 0; p < counts[a].length; p++) {
                if (counts[a][p] < 0) {
                    throw new IllegalArgumentException("count [" + a + "][" + p + "] is negative");
                }
                matrix.counts[a][p] = counts[a][p];
            }
        }
        return matrix;
    }

    /** Records one example. */
    public void add(int actual, int predicted) {
        checkClass(actual, "actual");
        checkClass(predicted, "predicted");
        counts[actual][predicted]++;
    }

    /** Adds another matrix over the same classes (for example from another device or shard). */
    public void addAll(ConfusionMatrix other) {
        if (!other.classNames.equals(classNames)) {
            throw new IllegalArgumentException(
                    "cannot add a matrix over " + other.classNames + " to one over " + classNames);
        }
        for (int a = 0; a < counts.length; a++) {
            for (int p = 0; p < counts.length; p++) {
                counts[a][p] += other.counts[a][p];
            }
        }
    }

    private void checkClass(int index, String what) {
        if (index < 0 || index >= classNames.size()) {
            throw new IllegalArgumentException(
                    what + " class " + index + " outside 0.." + (classNames.size() - 1));
        }
    }

    public List<String> classNames() {
        return classNames;
    }

    public int numClasses() {
        return classNames.size();
    }

    public long count(int actual, int predicted) {
        return counts[actual][predicted];
    }

    /** A copy of the counts, {@code [actual][predicted]}. */
    public long[][] counts() {
        long[][] copy = new long[counts.length][];
        for (int i = 0; i < counts.length; i++) {
            copy[i] = counts[i].clone();
        }
        return copy;
    }

    public long total() {
        long total = 0;
        for (long[] row : counts) {
            for (long c : row) {
                total += c;
            }
        }
        return total;
    }

    /** How many examples of the class there are (row sum). */
    public long support(int actual) {
        return Arrays.stream(counts[actual]).sum();
    }

    /** How many examples were predicted as the class (column sum). */
    public long predictedCount(int predicted) {
        long sum = 0;
        for (long[] row : counts) {
            sum += row[predicted];
        }
        return sum;
    }

    public long correct() {
        long correct = 0;
        for (int i = 0; i < counts.length; i++) {
            correct += counts[i][i];
        }
        return correct;
    }

    /** Fraction of examples predicted correctly; NaN when empty. */
    public double accuracy() {
        long total = total();
        return total == 0 ? Double.NaN : (double) correct() / total;
    }

    /** Of the examples predicted as the class, the fraction that are; 0 when none were. */
    public double precision(int c) {
        long predicted = predictedCount(c);
        return predicted == 0 ? 0 : (double) counts[c][c] / predicted;
    }

    /** Of the examples of the class, the fraction predicted as it; 0 when there are none. */
    public double recall(int c) {
        long support = support(c);
        return support == 0 ? 0 : (double) counts[c][c] / support;
    }

    /** Harmonic mean of precision and recall; 0 when both are 0. */
    public double f1(int c) {
        double p = precision(c);
        double r = recall(c);
        return p + r == 0 ? 0 : 2 * p * r / (p + r);
    }

    public double macroPrecision() {
        double sum = 0;
        for (int c = 0; c < counts.length; c++) {
            sum += precision(c);
        }
        return sum / counts.length;
    }

    public double macroRecall() {
        double sum = 0;
        for (int c = 0; c < counts.length; c++) {
            sum += recall(c);
        }
        return sum / counts.length;
    }

    public double macroF1() {
        double sum = 0;
        for (int c = 0; c < counts.length; c++) {
            sum += f1(c);
        }
        return sum / counts.length;
    }

    @Override
    public String toString() {
        return "ConfusionMatrix["
                + classNames.size()
                + " classes, "
                + total()
                + " examples, accuracy "
                + accuracy()
                + "]";
    }
}
