package io.resflow.pipeline.hostile;

import io.resflow.datasets.ImageShape;
import io.resflow.datasets.LabelledImages;
import io.resflow.pipeline.kafka.KafkaRecordLimits;
import io.resflow.runtime.images.ImageCodec;
import io.resflow.runtime.images.ImageFormat;
import io.resflow.runtime.images.Pixels;
import io.resflow.schema.ErrorKind;
import io.resflow.schema.ImageEncoding;
import io.resflow.schema.ImageRecord;
import io.resflow.schema.wire.SingleObjectCodec;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.apache.kafka.common.record.AbstractRecords;
import org.apache.kafka.common.record.CompressionType;
import org.apache.kafka.common.record.Record;
import org.apache.kafka.common.record.RecordBatch;

/**
 * Bad inputs for the images topic, each with what the job must make of it (issue 17, "hostile
 * frames"): truncated JPEG, PNG and RAW frames, flipped bits in envelopes, headers and bodies,
 * records whose shape or encoding lie, impossible dimensions, decompression bombs, values at and
 * over Kafka's record limit, non-Avro bytes, unknown fingerprints, empty keys and values, and valid
 * frames among them. Everything comes from one seeded {@link Random}: the same seed gives the same
 * inputs, so a failure can be replayed.
 *
 * <pre>{@code
 * List<HostileFrames.Input> inputs = new HostileFrames(17, fashionMnistTest).generate();
 * }</pre>
 */
public final class HostileFrames {

    /** What an input is. */
    public enum Kind {
        VALID,
        TRUNCATED_JPEG,
        TRUNCATED_PNG,
        TRUNCATED_RAW,
        TRUNCATED_AVRO,
        BIT_FLIP_ENVELOPE,
        BIT_FLIP_PNG_HEADER,
        BIT_FLIP_PNG_BODY,
        BIT_FLIP_JPEG_HEADER,
        BIT_FLIP_JPEG_BODY,
        LYING_SIZE,
        LYING_CHANNELS,
        IMPOSSIBLE_DIMENSIONS,
        PNG_BOMB,
        JPEG_BOMB,
        FORMAT_IN_ANOTHERS_NAME,
        AT_RECORD_LIMIT,
        OVER_RECORD_LIMIT,
        NOT_AVRO,
        UNKNOWN_FINGERPRINT,
        EMPTY_KEY,
        EMPTY_VALUE
    }

    /**
     * What the job must make of an input: one dead letter of one of {@code deadLetterKinds} whose
     * message contains {@code messageContains} (when not null), or, when {@code mayLabel}, one
     * label; {@code refusedByKafka}: the producer or broker refuses it, so it never reaches the
     * job.
     */
    public record Expected(
            Set<ErrorKind> deadLetterKinds,
            String messageContains,
            boolean mayLabel,
            boolean refusedByKafka) {

        static Expected deadLetter(ErrorKind kind, String messageContains) {
            return new Expected(EnumSet.of(kind), messageContains, false, false);
        }

        static Expected deadLetter(Set<ErrorKind> kinds) {
            return new Expected(kinds, null, false, false);
        }

        static Expected label() {
            return new Expected(EnumSet.noneOf(ErrorKind.class), null, true, false);
        }

        /** A damaged frame that may still decode whole (nothing in JPEG detects every bit flip). */
        static Expected labelOr(Set<ErrorKind> kinds) {
            return new Expected(kinds, null, true, false);
        }

        static Expected refused() {
            return new Expected(EnumSet.noneOf(ErrorKind.class), null, false, true);
        }
    }

    /**
     * One Kafka record to send.
     *
     * @param imageId the id inside the record when it is a readable ImageRecord, else null; unique
     * @param key null for no key
     * @param value null for a tombstone
     */
    public record Input(Kind kind, String imageId, byte[] key, byte[] value, Expected expected) {}

    private static final int TRUNCATIONS_PER_FRAME = 40;

    private final Random random;
    private final LabelledImages images;
    private final SingleObjectCodec<ImageRecord> codec = SingleObjectCodec.of(ImageRecord.class);
    private final List<Input> inputs = new ArrayList<>();
    private int next;

    /**
     * @param images grey frames (Fashion-MNIST's test set) the inputs are made from; at least 20
     */
    public HostileFrames(long seed, LabelledImages images) {
        if (images.size() < 20) {
            throw new IllegalArgumentException("at least 20 images, got " + images.size());
        }
        this.random = new Random(seed);
        this.images = images;
    }

    /** All inputs, shuffled by the seed, valid ones among them. */
    public List<Input> generate() {
        inputs.clear();
        for (int i = 0; i < 60; i++) {
            add(Kind.VALID, frame(ImageEncoding.values()[i % 3], i), Expected.label());
        }
        truncations();
        bitFlips();
        lies();
        bombs();
        limits();
        notAvro();
        emptyKeysAndValues();
        List<Input> shuffled = new ArrayList<>(inputs);
        java.util.Collections.shuffle(shuffled, random);
        return shuffled;
    }

    private void truncations() {
        for (ImageEncoding encoding : ImageEncoding.values()) {
            for (int f = 0; f < 3; f++) {
                Frame frame = frame(encoding, random.nextInt(images.size()));
                int length = frame.image.length;
                for (int t = 0; t < TRUNCATIONS_PER_FRAME; t++) {
                    // Every length class: in the signature, in the headers, in the data, the last
                    // byte.
                    int cut =
                            t == 0
                                    ? length - 1
                                    : t < 8 ? t : random.nextInt(Math.max(1, length - 1));
                    Frame cutShort = frame.withImage(Arrays.copyOf(frame.image, cut));
                    switch (encoding) {
                        case JPEG ->
                                add(
                                        Kind.TRUNCATED_JPEG,
                                        cutShort,
                                        Expected.deadLetter(
                                                ErrorKind.UNDECODABLE_IMAGE, "truncated"));
                        case PNG ->
                                add(
                                        Kind.TRUNCATED_PNG,
                                        cutShort,
                                        Expected.deadLetter(
                                                ErrorKind.UNDECODABLE_IMAGE, "truncated"));
                        case RAW_U8 ->
                                add(
                                        Kind.TRUNCATED_RAW,
                                        cutShort,
                                        Expected.deadLetter(ErrorKind.WRONG_SHAPE, "truncated"));
                    }
                }
            }
        }
        // The Avro record itself cut short: the envelope or the body ends early.
        for (int i = 0; i < 40; i++) {
            Frame frame = frame(ImageEncoding.PNG, random.nextInt(images.size()));
            byte[] value = codec.encode(frame.record());
            int cut = i < 10 ? i : 10 + random.nextInt(value.length - 10);
            addValue(
                    Kind.TRUNCATED_AVRO,
                    null,
                    frame.key(),
                    Arrays.copyOf(value, cut),
                    Expected.deadLetter(ErrorKind.CORRUPT_RECORD, null));
        }
    }

    private void bitFlips() {
        for (int i = 0; i < 50; i++) {
            Frame frame = frame(ImageEncoding.values()[i % 3], random.nextInt(images.size()));
            byte[] value = codec.encode(frame.record());
            flip(value, random.nextInt(10)); // the marker and the schema fingerprint
            addValue(
                    Kind.BIT_FLIP_ENVELOPE,
                    null,
                    frame.key(),
                    value,
                    Expected.deadLetter(
                            EnumSet.of(ErrorKind.CORRUPT_RECORD, ErrorKind.UNKNOWN_SCHEMA)));
        }
        for (int i = 0; i < 100; i++) {
            Frame png = frame(ImageEncoding.PNG, random.nextInt(images.size()));
            byte[] header = png.image.clone();
            flip(header, random.nextInt(33)); // signature and IHDR
            add(
                    Kind.BIT_FLIP_PNG_HEADER,
                    png.withImage(header),
                    Expected.deadLetter(
                            EnumSet.of(ErrorKind.UNDECODABLE_IMAGE, ErrorKind.WRONG_SHAPE)));
            byte[] body = png.image.clone();
            flip(body, 33 + random.nextInt(body.length - 33));
            add(
                    Kind.BIT_FLIP_PNG_BODY,
                    png.withImage(body),
                    Expected.deadLetter(ErrorKind.UNDECODABLE_IMAGE, "corrupt"));
        }
        for (int i = 0; i < 100; i++) {
            Frame jpeg = frame(ImageEncoding.JPEG, random.nextInt(images.size()));
            int scan = startOfScan(jpeg.image);
            byte[] header = jpeg.image.clone();
            flip(header, random.nextInt(scan));
            add(
                    Kind.BIT_FLIP_JPEG_HEADER,
                    jpeg.withImage(header),
                    Expected.labelOr(
                            EnumSet.of(ErrorKind.UNDECODABLE_IMAGE, ErrorKind.WRONG_SHAPE)));
            byte[] body = jpeg.image.clone();
            flip(body, scan + random.nextInt(body.length - scan));
            add(
                    Kind.BIT_FLIP_JPEG_BODY,
                    jpeg.withImage(body),
                    Expected.labelOr(
                            EnumSet.of(ErrorKind.UNDECODABLE_IMAGE, ErrorKind.WRONG_SHAPE)));
        }
    }

    private void lies() {
        for (int i = 0; i < 90; i++) {
            ImageEncoding encoding = ImageEncoding.values()[i % 3];
            Frame frame = frame(encoding, random.nextInt(images.size()));
            int by = 1 + random.nextInt(20);
            Frame lying =
                    i % 2 == 0
                            ? frame.withShape(frame.height, frame.width + by, frame.channels)
                            : frame.withShape(frame.height + by, frame.width, frame.channels);
            add(
                    Kind.LYING_SIZE,
                    lying,
                    Expected.deadLetter(
                            ErrorKind.WRONG_SHAPE,
                            encoding == ImageEncoding.RAW_U8 ? "needs" : "the record claims"));
        }
        for (int i = 0; i < 30; i++) {
            ImageEncoding encoding = ImageEncoding.values()[i % 3];
            Frame frame = frame(encoding, random.nextInt(images.size()));
            int channels = new int[] {0, 2, 3, 4, 5, -1}[i % 6];
            Expected expected =
                    channels == 0 || channels == 2 || channels < 0 || channels > 4
                            ? Expected.deadLetter(ErrorKind.WRONG_SHAPE, "impossible shape")
                            : encoding == ImageEncoding.RAW_U8
                                    ? Expected.deadLetter(ErrorKind.WRONG_SHAPE, "needs")
                                    // A PNG or JPEG says its channels itself; the claim is not
                                    // used.
                                    : Expected.label();
            add(
                    Kind.LYING_CHANNELS,
                    frame.withShape(frame.height, frame.width, channels),
                    expected);
        }
        int[][] dimensions = {
            {0, 28},
            {28, 0},
            {0, 0},
            {-1, 28},
            {28, -1},
            {-28, -28},
            {Integer.MIN_VALUE, 28},
            {28, Integer.MAX_VALUE},
            {Integer.MAX_VALUE, Integer.MAX_VALUE},
            {4097, 4097},
            {100_000, 1},
            {1, 20_000_000},
            {65_536, 65_536},
            {46_341, 46_341}
        };
        for (int i = 0; i < dimensions.length * 3; i++) {
            int[] hw = dimensions[i / 3];
            Frame frame = frame(ImageEncoding.values()[i % 3], random.nextInt(images.size()));
            // A 100000x1 frame is possible (any aspect), just not this one.
            boolean possible = hw[0] > 0 && hw[1] > 0 && (long) hw[0] * hw[1] <= 4096 * 4096;
            add(
                    Kind.IMPOSSIBLE_DIMENSIONS,
                    frame.withShape(hw[0], hw[1], frame.channels),
                    Expected.deadLetter(
                            ErrorKind.WRONG_SHAPE, possible ? null : "impossible shape"));
        }
        // One format inside another's name.
        for (int i = 0; i < 60; i++) {
            ImageEncoding actual = ImageEncoding.values()[i % 3];
            ImageEncoding claimed = ImageEncoding.values()[(i + 1 + (i / 3) % 2) % 3];
            Frame frame = frame(actual, random.nextInt(images.size()));
            Expected expected =
                    claimed == ImageEncoding.RAW_U8
                            ? Expected.deadLetter(ErrorKind.WRONG_SHAPE, "needs")
                            : Expected.deadLetter(ErrorKind.UNDECODABLE_IMAGE, null);
            add(Kind.FORMAT_IN_ANOTHERS_NAME, frame.withEncoding(claimed), expected);
        }
    }

    private void bombs() {
        // Headers declaring huge images, in records claiming the frame's size or the huge one.
        for (int i = 0; i < 20; i++) {
            int huge = 20_000 + random.nextInt(40_000);
            Frame png = frame(ImageEncoding.PNG, random.nextInt(images.size()));
            byte[] bomb = pngDeclaring(png.image, huge, huge);
            add(
                    Kind.PNG_BOMB,
                    png.withImage(bomb),
                    Expected.deadLetter(ErrorKind.WRONG_SHAPE, "header says"));
            add(
                    Kind.PNG_BOMB,
                    png.withImage(bomb).withShape(huge, huge, 1),
                    Expected.deadLetter(ErrorKind.WRONG_SHAPE, "impossible shape"));
            Frame jpeg = frame(ImageEncoding.JPEG, random.nextInt(images.size()));
            byte[] jpegBomb = jpegDeclaring(jpeg.image, huge, huge);
            add(
                    Kind.JPEG_BOMB,
                    jpeg.withImage(jpegBomb),
                    Expected.deadLetter(ErrorKind.WRONG_SHAPE, "header says"));
            add(
                    Kind.JPEG_BOMB,
                    jpeg.withImage(jpegBomb).withShape(huge, huge, 1),
                    Expected.deadLetter(ErrorKind.WRONG_SHAPE, "impossible shape"));
        }
        // Real bombs: a few kilobytes that truly decode to 16.7 million pixels, the job's limit,
        // and one over it. At the limit they are frames like any other, just large.
        byte[] blank = new byte[4096 * 4096];
        Pixels atLimit = new Pixels(new ImageShape(4096, 4096, 1), blank);
        for (ImageFormat format : ImageFormat.values()) {
            byte[] encoded = ImageCodec.encode(atLimit, format, 0.5f);
            Kind kind = format == ImageFormat.PNG ? Kind.PNG_BOMB : Kind.JPEG_BOMB;
            ImageEncoding encoding = ImageEncoding.valueOf(format.name());
            add(kind, new Frame(id(), encoding, 4096, 4096, 1, encoded, 0), Expected.label());
            add(
                    kind,
                    new Frame(id(), encoding, 4096, 4097, 1, encoded, 0),
                    Expected.deadLetter(ErrorKind.WRONG_SHAPE, "impossible shape"));
        }
    }

    private void limits() {
        int max = KafkaRecordLimits.MAX_RECORD_BYTES;
        byte[] key = "camera-limit".getBytes(StandardCharsets.UTF_8);
        int largestValue = largestValue(key, max);
        // At the limit: the largest value Kafka carries, an ImageRecord whose RAW pixels are far
        // too many, and bytes that are no record at all.
        Frame raw = frame(ImageEncoding.RAW_U8, 0);
        int overhead = codec.encode(raw.withImage(new byte[max - 1000]).record()).length;
        overhead -= max - 1000;
        Frame padded = raw.withImage(new byte[largestValue - overhead]);
        byte[] atLimit = codec.encode(padded.record());
        if (atLimit.length != largestValue) {
            throw new IllegalStateException(atLimit.length + " != " + largestValue);
        }
        addValue(
                Kind.AT_RECORD_LIMIT,
                padded.id,
                key,
                atLimit,
                Expected.deadLetter(ErrorKind.WRONG_SHAPE, "needs 784 bytes"));
        byte[] garbage = garbage(largestValue);
        addValue(
                Kind.AT_RECORD_LIMIT,
                null,
                key,
                garbage,
                Expected.deadLetter(ErrorKind.CORRUPT_RECORD, "Not an Avro"));
        // Just over: Kafka refuses them, the job never sees them.
        addValue(Kind.OVER_RECORD_LIMIT, null, key, garbage(largestValue + 1), Expected.refused());
        addValue(Kind.OVER_RECORD_LIMIT, null, key, garbage(max + 1), Expected.refused());
    }

    /** The largest value Kafka's producer sends with {@code key} under a {@code max} limit. */
    static int largestValue(byte[] key, int max) {
        int value = max;
        while (AbstractRecords.estimateSizeInBytesUpperBound(
                        RecordBatch.CURRENT_MAGIC_VALUE,
                        CompressionType.NONE,
                        key,
                        new byte[value],
                        Record.EMPTY_HEADERS)
                > max) {
            value -= 1;
        }
        return value;
    }

    private void notAvro() {
        for (int i = 0; i < 40; i++) {
            int length = i < 10 ? 1 + i : 1 + random.nextInt(5_000);
            addValue(
                    Kind.NOT_AVRO,
                    null,
                    key(),
                    garbage(length),
                    Expected.deadLetter(ErrorKind.CORRUPT_RECORD, "Not an Avro"));
        }
        Frame png = frame(ImageEncoding.PNG, 1);
        for (byte[] value :
                List.of(
                        png.image,
                        "{\"id\":\"x\",\"width\":28}".getBytes(StandardCharsets.UTF_8),
                        "hello".getBytes(StandardCharsets.UTF_8),
                        new byte[] {(byte) 0xC3},
                        new byte[] {(byte) 0xC3, 0x02, 1, 2, 3, 4, 5, 6, 7, 8, 9})) {
            addValue(
                    Kind.NOT_AVRO,
                    null,
                    key(),
                    value,
                    Expected.deadLetter(ErrorKind.CORRUPT_RECORD, null));
        }
        for (int i = 0; i < 40; i++) {
            Frame frame = frame(ImageEncoding.values()[i % 3], random.nextInt(images.size()));
            byte[] value = codec.encode(frame.record());
            byte[] fingerprint = new byte[8];
            random.nextBytes(fingerprint);
            System.arraycopy(fingerprint, 0, value, 2, 8);
            addValue(
                    Kind.UNKNOWN_FINGERPRINT,
                    null,
                    frame.key(),
                    value,
                    Expected.deadLetter(ErrorKind.UNKNOWN_SCHEMA, "Unknown schema fingerprint"));
        }
    }

    private void emptyKeysAndValues() {
        for (int i = 0; i < 6; i++) {
            Frame frame = frame(ImageEncoding.values()[i % 3], random.nextInt(images.size()));
            addValue(
                    Kind.EMPTY_KEY,
                    frame.id,
                    i % 2 == 0 ? new byte[0] : null,
                    codec.encode(frame.record()),
                    Expected.label());
        }
        for (int i = 0; i < 6; i++) {
            addValue(
                    Kind.EMPTY_VALUE,
                    null,
                    i % 2 == 0 ? key() : new byte[0],
                    i < 3 ? new byte[0] : null,
                    Expected.deadLetter(ErrorKind.CORRUPT_RECORD, null));
        }
        // A readable record with an empty image, and with an empty source and id.
        for (ImageEncoding encoding : ImageEncoding.values()) {
            Frame frame = frame(encoding, random.nextInt(images.size()));
            add(
                    Kind.EMPTY_VALUE,
                    frame.withImage(new byte[0]),
                    encoding == ImageEncoding.RAW_U8
                            ? Expected.deadLetter(ErrorKind.WRONG_SHAPE, "truncated")
                            : Expected.deadLetter(ErrorKind.UNDECODABLE_IMAGE, null));
        }
        Frame blankId = frame(ImageEncoding.PNG, 2);
        ImageRecord record = blankId.record();
        record.setId("");
        record.setSource("");
        addValue(Kind.EMPTY_KEY, "", new byte[0], codec.encode(record), Expected.label());
    }

    // ---- frames ----

    /** A valid frame's parts, to be damaged before it is sent. */
    private record Frame(
            String id,
            ImageEncoding encoding,
            int height,
            int width,
            int channels,
            byte[] image,
            int label) {

        Frame withId(String newId) {
            return new Frame(newId, encoding, height, width, channels, image, label);
        }

        Frame withImage(byte[] bytes) {
            return new Frame(id, encoding, height, width, channels, bytes, label);
        }

        Frame withShape(int h, int w, int c) {
            return new Frame(id, encoding, h, w, c, image, label);
        }

        Frame withEncoding(ImageEncoding e) {
            return new Frame(id, e, height, width, channels, image, label);
        }

        byte[] key() {
            return source().getBytes(StandardCharsets.UTF_8);
        }

        String source() {
            return "hostile-camera-" + Math.floorMod(id.hashCode(), 3);
        }

        ImageRecord record() {
            return ImageRecord.newBuilder()
                    .setId(id)
                    .setSource(source())
                    .setCaptureTime(Instant.now())
                    .setEncoding(encoding)
                    .setWidth(width)
                    .setHeight(height)
                    .setChannels(channels)
                    .setImageBytes(ByteBuffer.wrap(image))
                    .setGroundTruthLabel(label)
                    .setHeaders(Map.of())
                    .build();
        }
    }

    private Frame frame(ImageEncoding encoding, int index) {
        int h = images.shape().height();
        int w = images.shape().width();
        byte[] pixels = new byte[h * w];
        for (int k = 0; k < pixels.length; k++) {
            pixels[k] = (byte) images.pixel(index, k);
        }
        byte[] image =
                encoding == ImageEncoding.RAW_U8
                        ? pixels
                        : ImageCodec.encode(
                                new Pixels(new ImageShape(h, w, 1), pixels),
                                ImageFormat.valueOf(encoding.name()),
                                0.9f);
        return new Frame(id(), encoding, h, w, 1, image, images.label(index));
    }

    private String id() {
        return String.format("hostile-%05d", next++);
    }

    private byte[] key() {
        return ("hostile-camera-" + random.nextInt(3)).getBytes(StandardCharsets.UTF_8);
    }

    /** Adds {@code frame} under an id of its own: several inputs are made from one frame. */
    private void add(Kind kind, Frame frame, Expected expected) {
        Frame own = frame.withId(id());
        addValue(kind, own.id, own.key(), codec.encode(own.record()), expected);
    }

    private void addValue(Kind kind, String imageId, byte[] key, byte[] value, Expected e) {
        inputs.add(new Input(kind, imageId, key, value, e));
    }

    private void flip(byte[] bytes, int at) {
        bytes[at] ^= (byte) (1 << random.nextInt(8));
    }

    /** Random bytes that never start like an Avro single-object record (marker C3 01). */
    private byte[] garbage(int length) {
        byte[] bytes = new byte[length];
        random.nextBytes(bytes);
        bytes[0] = (byte) random.nextInt(0xC3);
        return bytes;
    }

    /** Where a JPEG's entropy-coded data starts: after its first start-of-scan segment. */
    static int startOfScan(byte[] jpeg) {
        int pos = 2;
        while (pos + 4 <= jpeg.length) {
            int marker = jpeg[pos + 1] & 0xFF;
            int length = (jpeg[pos + 2] & 0xFF) << 8 | (jpeg[pos + 3] & 0xFF);
            if (marker == 0xDA) {
                return pos + 2 + length;
            }
            pos += 2 + length;
        }
        throw new IllegalArgumentException("no start of scan");
    }

    /** {@code png} with its IHDR declaring another size, its CRC made right again. */
    static byte[] pngDeclaring(byte[] png, int height, int width) {
        byte[] copy = png.clone();
        ByteBuffer b = ByteBuffer.wrap(copy);
        b.putInt(16, width).putInt(20, height);
        java.util.zip.CRC32 crc = new java.util.zip.CRC32();
        crc.update(copy, 12, 17);
        b.putInt(29, (int) crc.getValue());
        return copy;
    }

    /** {@code jpeg} with its frame header (SOF0) declaring another size (at most 65535). */
    static byte[] jpegDeclaring(byte[] jpeg, int height, int width) {
        byte[] copy = jpeg.clone();
        int pos = 2;
        while (pos + 9 <= copy.length) {
            int marker = copy[pos + 1] & 0xFF;
            int length = (copy[pos + 2] & 0xFF) << 8 | (copy[pos + 3] & 0xFF);
            if (marker == 0xC0) {
                ByteBuffer.wrap(copy)
                        .putShort(pos + 5, (short) height)
                        .putShort(pos + 7, (short) width);
                return copy;
            }
            pos += 2 + length;
        }
        throw new IllegalArgumentException("no SOF0 frame header");
    }
}
