package io.resflow.pipeline.classify.functions;

import static org.assertj.core.api.Assertions.assertThat;

import io.resflow.datasets.ImageShape;
import io.resflow.pipeline.records.DeadLetterRecord;
import io.resflow.pipeline.records.DecodedImage;
import io.resflow.pipeline.records.RawFrame;
import io.resflow.pipeline.replay.Frame;
import io.resflow.runtime.images.ImageCodec;
import io.resflow.runtime.images.ImageFormat;
import io.resflow.runtime.images.Pixels;
import io.resflow.schema.ErrorKind;
import io.resflow.schema.ImageEncoding;
import io.resflow.schema.ImageRecord;
import io.resflow.schema.wire.SingleObjectCodec;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.Test;

/**
 * Records that used to fail the task (and restart the job into them for good) become dead letters.
 */
class DecodeImagesTest {

    @Test
    void aGoodFramePassesAndPoisonRecordsBecomeDeadLetters() throws Exception {
        byte[] good = CaptureTimesTest.recordCapturedAt(Instant.parse("2026-11-23T10:00:00Z"));
        // Java's usual "unset": event-time windows throw on it.
        byte[] unsetTime = CaptureTimesTest.recordCapturedAt(Instant.ofEpochMilli(Long.MIN_VALUE));
        // A valid header, then an id declaring 2^31 - 101 bytes (Avro's zig-zag varint): Avro used
        // to allocate them first.
        byte[] hugeId = Arrays.copyOf(good, 15);
        System.arraycopy(
                new byte[] {(byte) 0xB6, (byte) 0xFE, (byte) 0xFF, (byte) 0xFF, (byte) 0x0F},
                0,
                hugeId,
                10,
                5);

        try (OneInputStreamOperatorTestHarness<RawFrame, DecodedImage> harness =
                ProcessFunctionTestHarnesses.forProcessFunction(new DecodeImages())) {
            // Each with the event time the source gives it.
            for (RawFrame frame : List.of(frame(good, 0), frame(unsetTime, 1), frame(hugeId, 2))) {
                harness.processElement(
                        new StreamRecord<>(frame, new CaptureTimes().extractTimestamp(frame, 0L)));
            }

            assertThat(harness.extractOutputValues())
                    .extracting(DecodedImage::id)
                    .containsExactly("f");
            ConcurrentLinkedQueue<StreamRecord<DeadLetterRecord>> dead =
                    harness.getSideOutput(DecodeImages.DEAD_LETTERS);
            List<DeadLetterRecord> letters = dead.stream().map(StreamRecord::getValue).toList();
            assertThat(letters).extracting(d -> d.original().offset()).containsExactly(1L, 2L);
            assertThat(letters)
                    .allSatisfy(d -> assertThat(d.errorKind()).isEqualTo(ErrorKind.CORRUPT_RECORD));
            assertThat(letters.get(0).message()).contains("capture time " + Long.MIN_VALUE + " ms");
            assertThat(letters.get(1).message()).contains("Corrupt ImageRecord body");
        }
    }

    @Test
    void aPngWhoseHeaderDeclaresAnotherSizeIsAWrongShapeDeadLetterNamingBoth() throws Exception {
        byte[] png =
                ImageCodec.encode(
                        new Pixels(new ImageShape(28, 28, 1), new byte[28 * 28]),
                        ImageFormat.PNG,
                        0.9f);
        // IHDR's width and height rewritten: a few hundred bytes that would decode to 400 MB.
        byte[] bomb = png.clone();
        java.nio.ByteBuffer.wrap(bomb).putInt(16, 20_000).putInt(20, 20_000);
        byte[] value =
                SingleObjectCodec.of(ImageRecord.class)
                        .encode(
                                new Frame(bomb, ImageEncoding.PNG, 28, 28, 1, null)
                                        .toRecord(
                                                "bomb",
                                                "camera-0",
                                                Instant.parse("2026-11-23T10:00:00Z")));

        try (OneInputStreamOperatorTestHarness<RawFrame, DecodedImage> harness =
                ProcessFunctionTestHarnesses.forProcessFunction(new DecodeImages())) {
            RawFrame frame = frame(value, 0);
            harness.processElement(
                    new StreamRecord<>(frame, new CaptureTimes().extractTimestamp(frame, 0L)));

            assertThat(harness.extractOutputValues()).isEmpty();
            DeadLetterRecord letter =
                    harness.getSideOutput(DecodeImages.DEAD_LETTERS).peek().getValue();
            assertThat(letter.errorKind()).isEqualTo(ErrorKind.WRONG_SHAPE);
            assertThat(letter.message())
                    .isEqualTo("the record claims 28x28 but its PNG header says 20000x20000");
        }
    }

    @Test
    void everyEncodingButRawIsAnImageFormatOfTheSameName() {
        // DecodeImages and the replay map the wire's encodings to the codec's formats by name.
        for (ImageEncoding encoding : ImageEncoding.values()) {
            if (encoding != ImageEncoding.RAW_U8) {
                assertThat(ImageFormat.valueOf(encoding.name()).name()).isEqualTo(encoding.name());
            }
        }
    }

    private static RawFrame frame(byte[] value, long offset) {
        return new RawFrame(null, value, "images", 0, offset, 1_800_000_000_000L);
    }
}
