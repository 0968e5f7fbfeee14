package io.resflow.runtime.images;

import java.util.Optional;

/**
 * The encodings {@link ImageCodec} reads and writes. The constant names are those of the wire
 * format's {@code ImageEncoding} (schemas), so callers map with {@code
 * ImageFormat.valueOf(encoding.name())}; model-runtime stays free of Avro. {@code RAW_U8} is no
 * format: its bytes are already {@link Pixels}.
 */
public enum ImageFormat {
    PNG("png"),
    JPEG("jpeg");

    private static final byte[] PNG_SIGNATURE = {
        (byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'
    };

    private final String imageIoName;

    ImageFormat(String imageIoName) {
        this.imageIoName = imageIoName;
    }

    /** The name ImageIO knows the format by. */
    String imageIoName() {
        return imageIoName;
    }

    /**
     * The format these bytes start like (PNG's signature, JPEG's start-of-image marker), or empty,
     * for files whose encoding nothing else states, such as a folder's images.
     */
    public static Optional<ImageFormat> detect(byte[] bytes) {
        if (startsWith(bytes, PNG_SIGNATURE)) {
            return Optional.of(PNG);
        }
        if (startsWith(bytes, new byte[] {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF})) {
            return Optional.of(JPEG);
        }
        return Optional.empty();
    }

    static boolean startsWith(byte[] bytes, byte[] prefix) {
        if (bytes.length < prefix.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if (bytes[i] != prefix[i]) {
                return false;
            }
        }
        return true;
    }
}
