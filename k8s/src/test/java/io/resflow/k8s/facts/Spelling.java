package io.resflow.k8s.facts;

import java.util.Collection;
import java.util.Comparator;
import java.util.Optional;

/** "Did you mean ...?" for names that are almost right. */
public final class Spelling {

    private Spelling() {}

    /** The candidate closest to {@code name}, if it is close enough to be a likely misspelling. */
    public static Optional<String> nearest(String name, Collection<String> candidates) {
        return candidates.stream()
                .min(Comparator.comparingInt(c -> distance(name, c)))
                .filter(best -> distance(name, best) <= Math.max(3, name.length() / 5));
    }

    /** Levenshtein distance. */
    static int distance(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                current[j] =
                        Math.min(
                                Math.min(current[j - 1] + 1, previous[j] + 1),
                                previous[j - 1] + cost);
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.length()];
    }
}
