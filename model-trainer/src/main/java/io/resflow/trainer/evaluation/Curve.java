package io.resflow.trainer.evaluation;

import java.util.List;

/**
 * One named line of a chart, for example a run's training error against iterations.
 *
 * @param dashed drawn dashed; He et al. (2015) Fig. 6 draws training error dashed and test error
 *     bold
 */
public record Curve(String name, List<Double> x, List<Double> y, boolean dashed) {

    public Curve {
        if (x.size() != y.size()) {
            throw new IllegalArgumentException(
                    "curve '"
                            + name
                            + "' has "
                            + x.size()
                            + " x values but "
                            + y.size()
                            + " y values");
        }
        x = List.copyOf(x);
        y = List.copyOf(y);
    }

    public static Curve solid(String name, List<Double> x, List<Double> y) {
        return new Curve(name, x, y, false);
    }

    public static Curve dashed(String name, List<Double> x, List<Double> y) {
        return new Curve(name, x, y, true);
    }

    /** The same curve with every y multiplied, e.g. by 100 for percent. */
    public Curve scaledY(double factor) {
        return new Curve(name, x, y.stream().map(v -> v * factor).toList(), dashed);
    }

    public boolean isEmpty() {
        return x.isEmpty();
    }
}
