package io.resflow.trainer.data;

import io.resflow.datasets.ImageShape;
import io.resflow.datasets.LabelledImages;
import io.resflow.runtime.images.ImageCodec;
import io.resflow.runtime.images.ImageFormat;
import io.resflow.runtime.images.ImagePreprocessor;
import io.resflow.runtime.images.ImageSizeException;
import io.resflow.runtime.images.Pixels;
import io.resflow.runtime.images.UndecodableImageException;
import io.resflow.schema.ImageEncoding;
import io.resflow.schema.ImageRecord;
import io.resflow.schema.wire.AvroLimits;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.apache.avro.AvroRuntimeException;
import org.apache.avro.file.DataFileReader;
import org.apache.avro.specific.SpecificDatumReader;

/**
 * Reads Avro container files of {@link ImageRecord}s, the labelled retraining feed the pipeline
 * writes, into one {@link LabelledImages}.
 *
 * <p>JPEG and PNG records are decoded and must match the width, height and channels they claim;
 * RAW_U8 records must hold exactly {@code height x width x channels} bytes. Every image is then
 * converted to the configured size and channel count with the job's own preprocessing ({@link
 * ImagePreprocessor#toShape}), so a model retrains on what it was served. Labels must lie in {@code
 * 0 .. classNames.size()-1}. Records without {@code groundTruthLabel} are refused by default
 * ({@link UnlabelledRecords#REFUSE}); with {@link UnlabelledRecords#SKIP} they are left out and
 * counted in {@link Result#skippedUnlabelled()}. Errors name the file, the record's position and
 * id, and the problem.
 *
 * <pre>{@code
 * ImageRecordFileReader.Result feed = ImageRecordFileReader.builder()
 *         .setClassNames(FashionMnist.CLASS_NAMES)
 *         .setImageSize(28, 28)
 *         .setChannels(1)
 *         .optUnlabelledRecords(UnlabelledRecords.SKIP)
 *         .build()
 *         .read(Path.of("/data/retraining"));   // a file, or a folder of *.avro files
 * LabelledImages images = feed.images();
 * }</pre>
 */
public final class ImageRecordFileReader {

    static {
        // Avro container files go through Avro's own reader, not the wire codec that sets these.
        AvroLimits.apply();
    }

    /** What to do with a record whose {@code groundTruthLabel} is null. */
    public enum UnlabelledRecords {
        /** Fail with an error naming the file and record. */
        REFUSE,
        /** Leave the record out and count it in {@link Result#skippedUnlabelled()}. */
        SKIP
    }

    /**
     * What was read.
     *
     * @param images the labelled images, in file order then record order
     * @param skippedUnlabelled records left out for having no label (always 0 with REFUSE)
     * @param files the files read, in order
     */
    public record Result(LabelledImages images, long skippedUnlabelled, List<Path> files) {}

    private final List<String> classNames;
    private final ImageShape shape;
    private final UnlabelledRecords unlabelled;

    private ImageRecordFileReader(Builder builder) {
        this.classNames = builder.classNames;
        this.shape = new ImageShape(builder.height, builder.width, builder.channels);
        this.unlabelled = builder.unlabelled;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Reads one Avro file, or every {@code *.avro} file (sorted by name) of a folder. */
    public Result read(Path fileOrFolder) throws IOException {
        if (Files.isDirectory(fileOrFolder)) {
            List<Path> files;
            try (Stream<Path> entries = Files.list(fileOrFolder)) {
                files =
                        entries.filter(p -> p.getFileName().toString().endsWith(".avro"))
                                .filter(Files::isRegularFile)
                                .sorted()
                                .toList();
            }
            if (files.isEmpty()) {
                throw new InvalidImageDataException(fileOrFolder, "no .avro files in the folder");
            }
            return read(files);
        }
        return read(List.of(fileOrFolder));
    }

    /** Reads the given Avro files in order. */
    public Result read(List<Path> files) throws IOException {
        if (files.isEmpty()) {
            throw new IllegalArgumentException("no files to read");
        }
        ByteArrayOutputStream pixels = new ByteArrayOutputStream();
        List<Integer> labels = new ArrayList<>();
        long skipped = 0;
        for (Path file : files) {
            skipped += readFile(file, pixels, labels);
        }
        if (labels.isEmpty()) {
            throw new InvalidImageDataException(
                    files.get(0),
                    "no labelled records in "
                            + files.size()
                            + " file(s) ("
                            + skipped
                            + " unlabelled records skipped)");
        }
        String name = files.size() == 1 ? files.get(0).getFileName().toString() : "image-records";
        LabelledImages images =
                new LabelledImages(
                        name,
                        shape,
                        pixels.toByteArray(),
                        labels.stream().mapToInt(Integer::intValue).toArray(),
                        classNames);
        return new Result(images, skipped, List.copyOf(files));
    }

    private long readFile(Path file, ByteArrayOutputStream pixels, List<Integer> labels)
            throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new InvalidImageDataException(file, "no such file");
        }
        long skipped = 0;
        long position = 0;
        DataFileReader<ImageRecord> reader;
        try {
            reader =
                    new DataFileReader<>(
                            file.toFile(), new SpecificDatumReader<>(ImageRecord.class));
        } catch (IOException | AvroRuntimeException e) {
            throw new InvalidImageDataException(
                    file, "not an Avro container file of ImageRecords (" + e.getMessage() + ")", e);
        }
        try (reader) {
            ImageRecord record = null;
            while (hasNext(reader, file, position)) {
                try {
                    record = reader.next(record);
                } catch (AvroRuntimeException e) {
                    throw new InvalidImageDataException(
                            file,
                            "record " + position + " cannot be read (" + e.getMessage() + ")",
                            e);
                }
                Integer label = record.getGroundTruthLabel();
                if (label == null) {
                    if (unlabelled == UnlabelledRecords.REFUSE) {
                        throw new InvalidImageDataException(
                                file,
                                describe(position, record)
                                        + " has no groundTruthLabel (use UnlabelledRecords.SKIP to"
                                        + " leave such records out)");
                    }
                    skipped++;
                } else {
                    if (label < 0 || label >= classNames.size()) {
                        throw new InvalidImageDataException(
                                file,
                                describe(position, record)
                                        + ": label "
                                        + label
                                        + " outside 0.."
                                        + (classNames.size() - 1)
                                        + " ("
                                        + classNames.size()
                                        + " classes)");
                    }
                    pixels.writeBytes(toPixels(file, position, record));
                    labels.add(label);
                }
                position++;
            }
        }
        return skipped;
    }

    private static boolean hasNext(DataFileReader<ImageRecord> reader, Path file, long position)
            throws InvalidImageDataException {
        try {
            return reader.hasNext();
        } catch (AvroRuntimeException e) {
            throw new InvalidImageDataException(
                    file, "corrupt data after record " + position + " (" + e.getMessage() + ")", e);
        }
    }

    private byte[] toPixels(Path file, long position, ImageRecord record)
            throws InvalidImageDataException {
        byte[] bytes = toArray(record.getImageBytes());
        int claimedChannels = record.getChannels();
        if (claimedChannels != 1 && claimedChannels != 3 && claimedChannels != 4) {
            throw new InvalidImageDataException(
                    file,
                    describe(position, record)
                            + ": wrong channel count "
                            + claimedChannels
                            + " (1, 3 or 4 allowed)");
        }
        if (record.getWidth() <= 0 || record.getHeight() <= 0) {
            throw new InvalidImageDataException(
                    file,
                    describe(position, record)
                            + ": size "
                            + record.getWidth()
                            + "x"
                            + record.getHeight()
                            + " is not positive");
        }
        if (record.getEncoding() == ImageEncoding.RAW_U8) {
            long expected = (long) record.getWidth() * record.getHeight() * claimedChannels;
            if (bytes.length != expected) {
                throw new InvalidImageDataException(
                        file,
                        describe(position, record)
                                + ": RAW_U8 image of "
                                + record.getWidth()
                                + "x"
                                + record.getHeight()
                                + "x"
                                + claimedChannels
                                + " needs "
                                + expected
                                + " bytes, has "
                                + bytes.length
                                + " (wrong size or channel count)");
            }
            return ImagePreprocessor.toShape(
                            new Pixels(
                                    new ImageShape(
                                            record.getHeight(), record.getWidth(), claimedChannels),
                                    bytes),
                            shape)
                    .data();
        }
        Pixels image;
        try {
            // The header's size is checked before decoding: a retraining feed holds what cameras
            // sent, and a few bytes can declare an image that fills the heap.
            image =
                    ImageCodec.decode(
                            bytes,
                            ImageFormat.valueOf(record.getEncoding().name()),
                            record.getHeight(),
                            record.getWidth());
        } catch (ImageSizeException e) {
            throw new InvalidImageDataException(
                    file,
                    describe(position, record)
                            + ": claims "
                            + record.getWidth()
                            + "x"
                            + record.getHeight()
                            + " but decodes to "
                            + e.declaredWidth()
                            + "x"
                            + e.declaredHeight());
        } catch (UndecodableImageException e) {
            throw new InvalidImageDataException(
                    file,
                    describe(position, record)
                            + ": "
                            + record.getEncoding()
                            + " unreadable image ("
                            + e.getMessage()
                            + ")",
                    e);
        }
        int decodedChannels = image.shape().channels();
        if (decodedChannels != claimedChannels) {
            throw new InvalidImageDataException(
                    file,
                    describe(position, record)
                            + ": wrong channel count,"
                            + " claims "
                            + claimedChannels
                            + " but the "
                            + record.getEncoding()
                            + " has "
                            + decodedChannels);
        }
        return ImagePreprocessor.toShape(image, shape).data();
    }

    private static String describe(long position, ImageRecord record) {
        return "record " + position + " (id " + record.getId() + ")";
    }

    private static byte[] toArray(ByteBuffer buffer) {
        ByteBuffer copy = buffer.duplicate();
        byte[] bytes = new byte[copy.remaining()];
        copy.get(bytes);
        return bytes;
    }

    /** {@code setX} are required, {@code optX} optional. */
    public static final class Builder {
        private List<String> classNames;
        private int height;
        private int width;
        private int channels;
        private UnlabelledRecords unlabelled = UnlabelledRecords.REFUSE;

        private Builder() {}

        /** The model's classes in label order; labels index this list (required). */
        public Builder setClassNames(List<String> classNames) {
            this.classNames = List.copyOf(classNames);
            return this;
        }

        /** The size every image is resized to (required). */
        public Builder setImageSize(int height, int width) {
            this.height = height;
            this.width = width;
            return this;
        }

        /** 1 (grey) or 3 (RGB); images are converted (required). */
        public Builder setChannels(int channels) {
            this.channels = channels;
            return this;
        }

        /** REFUSE (default) or SKIP records without a ground-truth label. */
        public Builder optUnlabelledRecords(UnlabelledRecords policy) {
            this.unlabelled = java.util.Objects.requireNonNull(policy, "policy");
            return this;
        }

        public ImageRecordFileReader build() {
            if (classNames == null || classNames.isEmpty()) {
                throw new IllegalArgumentException(
                        "class names must be set with setClassNames (the model's labels, in label"
                                + " order)");
            }
            if (height <= 0 || width <= 0) {
                throw new IllegalArgumentException(
                        "image size must be set to positive height and width"
                                + " with setImageSize, got "
                                + height
                                + "x"
                                + width);
            }
            if (channels != 1 && channels != 3) {
                throw new IllegalArgumentException(
                        "channels must be set to 1 (grey) or 3 (RGB) with setChannels, got "
                                + channels);
            }
            return new ImageRecordFileReader(this);
        }
    }
}
