package io.resflow.runtime.metadata;

import io.resflow.datasets.ImageShape;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * What a model's input looks like and how callers prepare pixels for it.
 *
 * <p>Callers multiply 0..255 pixel values by {@link #pixelScale()} and lay a batch out as {@link
 * #layout()} ([n, channels, height, width]). The per-channel {@link #mean()} and {@link #std()}
 * normalisation happens inside the graph; they are recorded for information and for the trainer.
 *
 * <pre>{@code
 * InputSpec input = InputSpec.builder()
 *         .setHeight(28).setWidth(28).setChannels(1)
 *         .setPixelScale(1f / 255)
 *         .setMean(0.2860f).setStd(0.3530f)
 *         .build();
 * }</pre>
 */
public final class InputSpec implements Serializable {

    /** Batch, channels, height, width: the only layout ResFlow models take. */
    public static final String LAYOUT_NCHW = "NCHW";

    public static final String DTYPE_FLOAT32 = "float32";

    private static final long serialVersionUID = 1L;

    private final ImageShape shape;
    private final String layout;
    private final String dtype;
    private final float pixelScale;
    private final float[] mean;
    private final float[] std;

    private InputSpec(Builder builder) {
        this.shape = builder.shape;
        this.layout = builder.layout;
        this.dtype = builder.dtype;
        this.pixelScale = builder.pixelScale;
        this.mean = builder.mean.clone();
        this.std = builder.std.clone();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The height, width and channels of one input image. */
    public ImageShape shape() {
        return shape;
    }

    /** Always {@value #LAYOUT_NCHW}. */
    public String layout() {
        return layout;
    }

    /** Always {@value #DTYPE_FLOAT32}. */
    public String dtype() {
        return dtype;
    }

    /**
     * The factor callers multiply 0..255 pixel values by before feeding them (1/255 for ResFlow
     * models).
     */
    public float pixelScale() {
        return pixelScale;
    }

    /** Per-channel mean subtracted inside the graph, after scaling (a copy). */
    public float[] mean() {
        return mean.clone();
    }

    /**
     * Per-channel standard deviation divided by inside the graph, after subtracting the mean (a
     * copy).
     */
    public float[] std() {
        return std.clone();
    }

    /** e.g. "1x28x28 NCHW float32". */
    public String describeShape() {
        return shape().channels()
                + "x"
                + shape().height()
                + "x"
                + shape().width()
                + " "
                + layout
                + " "
                + dtype;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof InputSpec that
                && shape.equals(that.shape)
                && layout.equals(that.layout)
                && dtype.equals(that.dtype)
                && Float.compare(pixelScale, that.pixelScale) == 0
                && Arrays.equals(mean, that.mean)
                && Arrays.equals(std, that.std);
    }

    @Override
    public int hashCode() {
        return Objects.hash(
                shape, layout, dtype, pixelScale, Arrays.hashCode(mean), Arrays.hashCode(std));
    }

    @Override
    public String toString() {
        return describeShape()
                + ", pixelScale "
                + pixelScale
                + ", mean "
                + Arrays.toString(mean)
                + ", std "
                + Arrays.toString(std);
    }

    /** Builds an {@link InputSpec}; {@link #build()} checks every field. */
    public static final class Builder {
        private Integer heightOrNull;
        private Integer widthOrNull;
        private Integer channelsOrNull;
        private Float pixelScaleOrNull;
        private float[] meanOrNull;
        private float[] stdOrNull;
        private String layout = LAYOUT_NCHW;
        private String dtype = DTYPE_FLOAT32;
        // filled by build() after validation
        private ImageShape shape;
        private float pixelScale;
        private float[] mean;
        private float[] std;

        private Builder() {}

        /** Height, width and channels at once. */
        public Builder setShape(ImageShape shape) {
            return setHeight(shape.height()).setWidth(shape.width()).setChannels(shape.channels());
        }

        public Builder setHeight(int height) {
            this.heightOrNull = height;
            return this;
        }

        public Builder setWidth(int width) {
            this.widthOrNull = width;
            return this;
        }

        public Builder setChannels(int channels) {
            this.channelsOrNull = channels;
            return this;
        }

        /** The factor callers multiply 0..255 pixel values by; 1/255 for ResFlow models. */
        public Builder setPixelScale(float pixelScale) {
            this.pixelScaleOrNull = pixelScale;
            return this;
        }

        /** One value per channel. */
        public Builder setMean(float... mean) {
            this.meanOrNull = mean == null ? null : mean.clone();
            return this;
        }

        /** One positive value per channel. */
        public Builder setStd(float... std) {
            this.stdOrNull = std == null ? null : std.clone();
            return this;
        }

        /** Defaults to {@value #LAYOUT_NCHW}, the only layout allowed. */
        public Builder optLayout(String layout) {
            this.layout = layout;
            return this;
        }

        /** Defaults to {@value #DTYPE_FLOAT32}, the only type allowed. */
        public Builder optDtype(String dtype) {
            this.dtype = dtype;
            return this;
        }

        /**
         * @throws IllegalArgumentException naming every missing or wrong field and what is allowed
         */
        public InputSpec build() {
            List<String> problems = new ArrayList<>();
            int height = positive(problems, "input.height", heightOrNull);
            int width = positive(problems, "input.width", widthOrNull);
            int channels = positive(problems, "input.channels", channelsOrNull);
            if (height > 0 && width > 0 && channels > 0) {
                try {
                    shape = new ImageShape(height, width, channels);
                } catch (IllegalArgumentException e) {
                    problems.add("input: " + e.getMessage());
                }
            }
            if (!LAYOUT_NCHW.equals(layout)) {
                problems.add(
                        "input.layout is '"
                                + layout
                                + "'; only '"
                                + LAYOUT_NCHW
                                + "' is supported");
            }
            if (!DTYPE_FLOAT32.equals(dtype)) {
                problems.add(
                        "input.dtype is '"
                                + dtype
                                + "'; only '"
                                + DTYPE_FLOAT32
                                + "' is supported");
            }
            if (pixelScaleOrNull == null) {
                problems.add(
                        "input.pixelScale is missing (the factor for 0..255 pixel values, e.g."
                                + " 1/255)");
            } else if (!(pixelScaleOrNull > 0) || pixelScaleOrNull.isInfinite()) {
                problems.add(
                        "input.pixelScale must be a positive finite number, got "
                                + pixelScaleOrNull);
            } else {
                pixelScale = pixelScaleOrNull;
            }
            mean = perChannel(problems, "input.mean", meanOrNull, false);
            std = perChannel(problems, "input.std", stdOrNull, true);
            if (!problems.isEmpty()) {
                throw new IllegalArgumentException(String.join("; ", problems));
            }
            return new InputSpec(this);
        }

        private static int positive(List<String> problems, String field, Integer value) {
            if (value == null) {
                problems.add(field + " is missing");
                return 0;
            }
            if (value <= 0) {
                problems.add(field + " must be 1 or more, got " + value);
            }
            return value;
        }

        private float[] perChannel(
                List<String> problems, String field, float[] values, boolean mustBePositive) {
            if (values == null) {
                problems.add(field + " is missing (one value per channel)");
                return new float[0];
            }
            if (channelsOrNull != null && channelsOrNull > 0 && values.length != channelsOrNull) {
                problems.add(
                        field
                                + " has "
                                + values.length
                                + " value(s) but input.channels is "
                                + channelsOrNull
                                + "; give one value per channel");
            }
            for (float value : values) {
                if (!Float.isFinite(value) || (mustBePositive && value <= 0)) {
                    problems.add(
                            field
                                    + " must hold "
                                    + (mustBePositive ? "positive " : "")
                                    + "finite numbers, got "
                                    + Arrays.toString(values));
                    break;
                }
            }
            return values;
        }
    }
}
