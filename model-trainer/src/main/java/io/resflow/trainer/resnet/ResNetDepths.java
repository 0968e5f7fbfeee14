package io.resflow.trainer.resnet;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * Which depths exist for which layout, and how many units each stage gets. Refuses anything else
 * with a message that lists the valid depths.
 */
final class ResNetDepths {

    /** 2015 Table 1 (18, 34 basic; 50, 101, 152 bottleneck) and the 2016 paper's ResNet-200. */
    private static final Map<Integer, int[]> IMAGENET_BASIC = new LinkedHashMap<>();

    private static final Map<Integer, int[]> IMAGENET_BOTTLENECK = new LinkedHashMap<>();

    /** Depths the papers trained on CIFAR-10 (2015 Table 6, 2016 Tables 2-4 and 6). */
    private static final int[] CIFAR_BASIC_EXAMPLES = {8, 14, 20, 26, 32, 44, 56, 110, 1202};

    private static final int[] CIFAR_BOTTLENECK_EXAMPLES = {11, 20, 29, 56, 110, 164, 1001};

    static {
        IMAGENET_BASIC.put(18, new int[] {2, 2, 2, 2});
        IMAGENET_BASIC.put(34, new int[] {3, 4, 6, 3});
        IMAGENET_BOTTLENECK.put(50, new int[] {3, 4, 6, 3});
        IMAGENET_BOTTLENECK.put(101, new int[] {3, 4, 23, 3});
        IMAGENET_BOTTLENECK.put(152, new int[] {3, 8, 36, 3});
        IMAGENET_BOTTLENECK.put(200, new int[] {3, 24, 36, 3});
    }

    private ResNetDepths() {}

    /** ImageNet layout for the depths of 2015 Table 1 (and 200), CIFAR layout for all others. */
    static NetworkStyle defaultStyle(int depth) {
        return IMAGENET_BASIC.containsKey(depth) || IMAGENET_BOTTLENECK.containsKey(depth)
                ? NetworkStyle.IMAGENET
                : NetworkStyle.CIFAR;
    }

    /**
     * The unit the papers use at this depth: ImageNet by table; CIFAR bottleneck for 9n+2 depths
     * from 164 up (ResNet-164, ResNet-1001 of the 2016 paper), else basic for 6n+2, else bottleneck
     * for 9n+2.
     */
    static UnitKind defaultUnit(NetworkStyle style, int depth) {
        if (style == NetworkStyle.IMAGENET) {
            if (IMAGENET_BASIC.containsKey(depth)) {
                return UnitKind.BASIC;
            }
            if (IMAGENET_BOTTLENECK.containsKey(depth)) {
                return UnitKind.BOTTLENECK;
            }
            throw new IllegalArgumentException(
                    "depth "
                            + depth
                            + " is not valid for an ImageNet-style ResNet; valid depths: "
                            + join(IMAGENET_BASIC.keySet())
                            + " (basic units), "
                            + join(IMAGENET_BOTTLENECK.keySet())
                            + " (bottleneck units)");
        }
        boolean basic = depth >= 8 && (depth - 2) % 6 == 0;
        boolean bottleneck = depth >= 11 && (depth - 2) % 9 == 0;
        if (bottleneck && depth >= 164) {
            return UnitKind.BOTTLENECK;
        }
        if (basic) {
            return UnitKind.BASIC;
        }
        if (bottleneck) {
            return UnitKind.BOTTLENECK;
        }
        throw new IllegalArgumentException(
                "depth "
                        + depth
                        + " is not valid for a CIFAR-style ResNet: basic units need depth 6n+2 ("
                        + join(CIFAR_BASIC_EXAMPLES)
                        + ", ...; nearest "
                        + nearest(depth, 6, 8)
                        + "), bottleneck units 9n+2 ("
                        + join(CIFAR_BOTTLENECK_EXAMPLES)
                        + ", ...; nearest "
                        + nearest(depth, 9, 11)
                        + ")");
    }

    /** Units per stage for this layout, unit and depth. */
    static int[] unitsPerStage(NetworkStyle style, UnitKind unit, int depth) {
        if (style == NetworkStyle.IMAGENET) {
            Map<Integer, int[]> table =
                    unit == UnitKind.BASIC ? IMAGENET_BASIC : IMAGENET_BOTTLENECK;
            int[] units = table.get(depth);
            if (units == null) {
                Map<Integer, int[]> other =
                        unit == UnitKind.BASIC ? IMAGENET_BOTTLENECK : IMAGENET_BASIC;
                throw new IllegalArgumentException(
                        "depth "
                                + depth
                                + " is not valid for an ImageNet-style ResNet with "
                                + unit.tag()
                                + " units; valid depths: "
                                + join(table.keySet())
                                + (other.containsKey(depth)
                                        ? " (depth "
                                                + depth
                                                + " exists with "
                                                + otherUnit(unit).tag()
                                                + " units)"
                                        : ""));
            }
            return units.clone();
        }
        int perLayer = unit.convolutions() * 3;
        int min = perLayer + 2;
        if (depth < min || (depth - 2) % perLayer != 0) {
            int[] examples =
                    unit == UnitKind.BASIC ? CIFAR_BASIC_EXAMPLES : CIFAR_BOTTLENECK_EXAMPLES;
            throw new IllegalArgumentException(
                    "depth "
                            + depth
                            + " is not valid for a CIFAR-style ResNet with "
                            + unit.tag()
                            + " units: it must be "
                            + perLayer
                            + "n+2 with n >= 1 (3 stages of n units with "
                            + unit.convolutions()
                            + " convolutions each, plus stem and classifier), i.e. "
                            + join(examples)
                            + ", ...; nearest valid: "
                            + nearest(depth, perLayer, min));
        }
        int n = (depth - 2) / perLayer;
        return new int[] {n, n, n};
    }

    private static UnitKind otherUnit(UnitKind unit) {
        return unit == UnitKind.BASIC ? UnitKind.BOTTLENECK : UnitKind.BASIC;
    }

    /** The valid depths {@code step*n+2} just below and above {@code depth}. */
    private static String nearest(int depth, int step, int min) {
        List<Integer> near = new ArrayList<>();
        int below = depth - Math.floorMod(depth - 2, step);
        if (below >= min && below != depth) {
            near.add(below);
        }
        int above = below + step;
        near.add(Math.max(above, min));
        return near.stream().distinct().map(String::valueOf).collect(Collectors.joining(" or "));
    }

    private static String join(Iterable<Integer> values) {
        List<String> parts = new ArrayList<>();
        values.forEach(v -> parts.add(String.valueOf(v)));
        return String.join(", ", parts);
    }

    private static String join(int[] values) {
        return IntStream.of(values).mapToObj(String::valueOf).collect(Collectors.joining(", "));
    }
}
