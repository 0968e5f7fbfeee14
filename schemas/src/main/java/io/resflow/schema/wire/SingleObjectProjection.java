package io.resflow.schema.wire;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.message.BinaryMessageDecoder;

/**
 * Some fields of a record on the wire, read from any released version: Avro resolves each writer
 * schema to a reader schema holding only those fields and skips the rest in place, so a large
 * {@code bytes} field that is not asked for is never copied. The whole body is still walked, and
 * bytes that {@link SingleObjectCodec#decode} refuses fail here the same way.
 *
 * <p>Fields come back as Avro's generic values: a {@code timestamp-millis} as its {@code Long}, a
 * string as a {@code Utf8}. Thread-safe and serializable, like the codec it comes from.
 */
public final class SingleObjectProjection implements Serializable {

    private static final long serialVersionUID = 1L;

    private final SingleObjectCodec<?> codec;
    private final List<String> fieldNames;
    private transient volatile BinaryMessageDecoder<GenericRecord> decoder;

    SingleObjectProjection(SingleObjectCodec<?> codec, String... fieldNames) {
        this.codec = Objects.requireNonNull(codec, "codec");
        this.fieldNames = List.of(fieldNames);
        if (this.fieldNames.isEmpty()) {
            throw new IllegalArgumentException("A projection needs at least one field");
        }
        decoder(); // fail fast on a field the record does not have
    }

    /** The projected record, with only the named fields. */
    public GenericRecord decode(byte[] bytes) {
        return SingleObjectCodec.decode(
                decoder(), codec.recordClass().getSimpleName(), codec.knownVersions(), bytes);
    }

    private BinaryMessageDecoder<GenericRecord> decoder() {
        BinaryMessageDecoder<GenericRecord> d = decoder;
        if (d == null) {
            synchronized (this) {
                d = decoder;
                if (d == null) {
                    d =
                            SingleObjectCodec.decoderOfEveryRelease(
                                    GenericData.get(),
                                    readerSchema(codec.schema(), fieldNames),
                                    codec.releases());
                    decoder = d;
                }
            }
        }
        return d;
    }

    private static Schema readerSchema(Schema full, List<String> fieldNames) {
        List<Schema.Field> fields = new ArrayList<>();
        for (String name : fieldNames) {
            Schema.Field field = full.getField(name);
            if (field == null) {
                throw new IllegalArgumentException(full.getName() + " has no field '" + name + "'");
            }
            fields.add(new Schema.Field(field, field.schema()));
        }
        // Same full name as the writers', or Avro would not resolve them to it.
        return Schema.createRecord(
                full.getName(), full.getDoc(), full.getNamespace(), false, fields);
    }
}
