package io.resflow.trainer.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.resflow.schema.ImageEncoding;
import io.resflow.schema.ImageRecord;
import io.resflow.trainer.data.ImageRecordFileReader.UnlabelledRecords;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.apache.avro.file.DataFileWriter;
import org.apache.avro.specific.SpecificDatumWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageRecordFileReaderTest {

    private static final List<String> CLASSES = List.of("zero", "one", "two");

    @TempDir Path dir;

    private static ImageRecord record(
            String id, ImageEncoding encoding, int w, int h, int c, byte[] bytes, Integer label) {
        return ImageRecord.newBuilder()
                .setId(id)
                .setSource("camera-1")
                .setCaptureTime(Instant.ofEpochMilli(1_700_000_000_000L))
                .setEncoding(encoding)
                .setWidth(w)
                .setHeight(h)
                .setChannels(c)
                .setImageBytes(ByteBuffer.wrap(bytes))
                .setGroundTruthLabel(label)
                .build();
    }

    private static ImageRecord raw(String id, int value, Integer label) {
        byte[] bytes = new byte[4 * 4];
        java.util.Arrays.fill(bytes, (byte) value);
        return record(id, ImageEncoding.RAW_U8, 4, 4, 1, bytes, label);
    }

    private static Path write(Path file, ImageRecord... records) throws IOException {
        try (DataFileWriter<ImageRecord> writer =
                new DataFileWriter<>(new SpecificDatumWriter<>(ImageRecord.class))) {
            writer.create(ImageRecord.getClassSchema(), file.toFile());
            for (ImageRecord r : records) {
                writer.append(r);
            }
        }
        return file;
    }

    private static ImageRecordFileReader reader(UnlabelledRecords policy) {
        return ImageRecordFileReader.builder()
                .setClassNames(CLASSES)
                .setImageSize(4, 4)
                .setChannels(1)
                .optUnlabelledRecords(policy)
                .build();
    }

    @Test
    void readsPngJpegAndRawRecords() throws Exception {
        Path file =
                write(
                        dir.resolve("feed.avro"),
                        record(
                                "png",
                                ImageEncoding.PNG,
                                4,
                                4,
                                1,
                                TestImages.encode(TestImages.grey(4, 4, 90), "png"),
                                2),
                        record(
                                "jpg",
                                ImageEncoding.JPEG,
                                8,
                                8,
                                3,
                                TestImages.encode(TestImages.rgb(8, 8, 128, 128, 128), "jpg"),
                                1),
                        raw("raw", 33, 0));

        ImageRecordFileReader.Result result = reader(UnlabelledRecords.REFUSE).read(file);

        assertThat(result.skippedUnlabelled()).isZero();
        assertThat(result.images().size()).isEqualTo(3);
        assertThat(result.images().classNames()).isEqualTo(CLASSES);
        assertThat(
                        List.of(
                                result.images().label(0),
                                result.images().label(1),
                                result.images().label(2)))
                .containsExactly(2, 1, 0);
        assertThat(result.images().image(0)).containsOnly((byte) 90);
        assertThat(result.images().pixel(1, 0)).isBetween(124, 132); // JPEG is lossy
        assertThat(result.images().image(2)).containsOnly((byte) 33);
    }

    @Test
    void unlabelledRecordsAreRefusedByDefault() throws Exception {
        Path file = write(dir.resolve("feed.avro"), raw("a", 1, 0), raw("no-label", 2, null));

        assertThatThrownBy(() -> reader(UnlabelledRecords.REFUSE).read(file))
                .isInstanceOf(InvalidImageDataException.class)
                .hasMessageContaining(file.toString())
                .hasMessageContaining("record 1 (id no-label) has no groundTruthLabel");
    }

    @Test
    void unlabelledRecordsCanBeSkippedAndCounted() throws Exception {
        write(dir.resolve("a.avro"), raw("a", 1, 0), raw("b", 2, null));
        write(dir.resolve("b.avro"), raw("c", 3, null), raw("d", 4, 2));
        Files.writeString(dir.resolve("notes.txt"), "ignored: not .avro");

        ImageRecordFileReader.Result result = reader(UnlabelledRecords.SKIP).read(dir);

        assertThat(result.files())
                .extracting(p -> p.getFileName().toString())
                .containsExactly("a.avro", "b.avro");
        assertThat(result.skippedUnlabelled()).isEqualTo(2);
        assertThat(result.images().size()).isEqualTo(2);
        assertThat(result.images().label(1)).isEqualTo(2);
    }

    @Test
    void labelOutsideTheClassesNamesRecordAndFile() throws Exception {
        Path file = write(dir.resolve("feed.avro"), raw("ok", 1, 0), raw("bad-label", 2, 3));

        assertThatThrownBy(() -> reader(UnlabelledRecords.REFUSE).read(file))
                .hasMessageContaining(file.toString())
                .hasMessageContaining("record 1 (id bad-label): label 3 outside 0..2");
    }

    @Test
    void rawRecordWithWrongChannelCountIsAnError() throws Exception {
        Path file =
                write(
                        dir.resolve("feed.avro"),
                        record("short", ImageEncoding.RAW_U8, 4, 4, 3, new byte[16], 0));

        assertThatThrownBy(() -> reader(UnlabelledRecords.REFUSE).read(file))
                .hasMessageContaining(file.toString())
                .hasMessageContaining("needs 48 bytes, has 16")
                .hasMessageContaining("channel count");
    }

    @Test
    void encodedImageMustMatchItsClaims() throws Exception {
        byte[] png = TestImages.encode(TestImages.grey(4, 4, 9), "png");
        Path sizes =
                write(dir.resolve("sizes.avro"), record("big", ImageEncoding.PNG, 8, 8, 1, png, 0));
        Path channels =
                write(
                        dir.resolve("channels.avro"),
                        record("rgb", ImageEncoding.PNG, 4, 4, 3, png, 0));
        Path garbage =
                write(
                        dir.resolve("garbage.avro"),
                        record("junk", ImageEncoding.JPEG, 4, 4, 3, new byte[] {9, 9, 9}, 0));

        assertThatThrownBy(() -> reader(UnlabelledRecords.REFUSE).read(sizes))
                .hasMessageContaining("sizes.avro")
                .hasMessageContaining("claims 8x8 but decodes to 4x4");
        assertThatThrownBy(() -> reader(UnlabelledRecords.REFUSE).read(channels))
                .hasMessageContaining("channels.avro")
                .hasMessageContaining("wrong channel count, claims 3");
        assertThatThrownBy(() -> reader(UnlabelledRecords.REFUSE).read(garbage))
                .hasMessageContaining("garbage.avro")
                .hasMessageContaining("id junk")
                .hasMessageContaining("unreadable image");
    }

    @Test
    void fileThatIsNotAvroIsNamed() throws Exception {
        Path file = dir.resolve("feed.avro");
        Files.writeString(file, "this is not an Avro container");

        assertThatThrownBy(() -> reader(UnlabelledRecords.REFUSE).read(file))
                .isInstanceOf(InvalidImageDataException.class)
                .hasMessageContaining(file.toString())
                .hasMessageContaining("not an Avro container file");
    }

    @Test
    void folderWithoutAvroFilesIsAnError() {
        assertThatThrownBy(() -> reader(UnlabelledRecords.REFUSE).read(dir))
                .hasMessageContaining("no .avro files");
    }

    @Test
    void builderSaysWhatIsMissing() {
        assertThatThrownBy(
                        () ->
                                ImageRecordFileReader.builder()
                                        .setImageSize(4, 4)
                                        .setChannels(1)
                                        .build())
                .hasMessageContaining("setClassNames");
    }
}
