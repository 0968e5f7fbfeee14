package io.resflow.schema.wire;

import io.resflow.schema.ImageRecord;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.message.BinaryMessageEncoder;

/**
 * A 28x28 grey frame as a writer of the first ImageRecord release sent it: no label, no headers.
 */
final class ImageRecordV1 {

    private ImageRecordV1() {}

    static byte[] wire(
            String id, String source, long captureTimeMillis, String encoding, byte[] image) {
        Schema v1 = SchemaReleases.of(ImageRecord.getClassSchema().getFullName()).get(0).schema();
        GenericRecord old = new GenericData.Record(v1);
        old.put("id", id);
        old.put("source", source);
        old.put("captureTime", captureTimeMillis);
        old.put("encoding", new GenericData.EnumSymbol(v1.getField("encoding").schema(), encoding));
        old.put("width", 28);
        old.put("height", 28);
        old.put("channels", 1);
        old.put("imageBytes", ByteBuffer.wrap(image));
        try {
            return new BinaryMessageEncoder<GenericRecord>(GenericData.get(), v1)
                    .encode(old)
                    .array();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
