package io.resflow.runtime.images;

import io.resflow.datasets.ImageShape;
import java.util.Arrays;
import java.util.Objects;

/**
 * One 8-bit image, row-major HWC: grey (1 channel), RGB (3) or RGBA (4). What {@link ImageCodec}
 * decodes, what a {@code RAW_U8} record carries, and, at the model's shape, what the trainer's
 * datasets hold.
 *
 * @param shape height, width and 1, 3 or 4 channels
 * @param data {@code shape.values()} bytes, 0..255 each
 */
public record Pixels(ImageShape shape, byte[] data) {

    /**
     * @throws IllegalArgumentException not 1, 3 or 4 channels, or not as many bytes as the shape
     *     needs
     */
    public Pixels {
        Objects.requireNonNull(shape, "shape");
        Objects.requireNonNull(data, "data");
        int channels = shape.channels();
        if (channels != 1 && channels != 3 && channels != 4) {
            throw new IllegalArgumentException("images have 1, 3 or 4 channels, got " + channels);
        }
        if (data.length != shape.values()) {
            throw new IllegalArgumentException(
                    shape + " needs " + shape.values() + " bytes, got " + data.length);
        }
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Pixels that
                && shape.equals(that.shape)
                && Arrays.equals(data, that.data);
    }

    @Override
    public int hashCode() {
        return 31 * shape.hashCode() + Arrays.hashCode(data);
    }

    @Override
    public String toString() {
        return "Pixels[" + shape + "]";
    }
}
