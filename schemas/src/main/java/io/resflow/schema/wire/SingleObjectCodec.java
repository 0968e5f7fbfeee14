package io.resflow.schema.wire;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.Serializable;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.message.BadHeaderException;
import org.apache.avro.message.BinaryMessageDecoder;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.message.MissingSchemaException;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;

/**
 * Avro single-object encoding (Avro spec, "Single-object encoding") of one generated record class:
 * a 2-byte marker, the writer schema's 8-byte CRC-64-AVRO fingerprint, then the binary body. The
 * decoder knows every released version of the record ({@link SchemaReleases}) and resolves older
 * writers' records to the current class; anything else fails with a {@link WireFormatException}
 * that names the problem.
 *
 * <p>Thread-safe, and serializable so Flink functions can hold one; the Avro encoder and decoder
 * are rebuilt lazily after deserialization.
 *
 * <pre>{@code
 * SingleObjectCodec<ImageRecord> codec = SingleObjectCodec.of(ImageRecord.class);
 * byte[] wire = codec.encode(record);
 * ImageRecord back = codec.decode(wire);
 * }</pre>
 */
public final class SingleObjectCodec<T extends SpecificRecord> implements Serializable {

    private static final long serialVersionUID = 1L;
    private static final int HEADER_LENGTH = 10;

    static {
        AvroLimits.apply();
    }

    private final Class<T> recordClass;
    private transient volatile Codecs<T> codecs;

    private SingleObjectCodec(Class<T> recordClass) {
        this.recordClass = Objects.requireNonNull(recordClass, "recordClass");
    }

    public static <T extends SpecificRecord> SingleObjectCodec<T> of(Class<T> recordClass) {
        SingleObjectCodec<T> codec = new SingleObjectCodec<>(recordClass);
        codec.codecs(); // fail fast on a class without released schemas
        return codec;
    }

    public Class<T> recordClass() {
        return recordClass;
    }

    /** The releases this codec decodes, oldest first; the last is what it writes. */
    public List<SchemaRelease> releases() {
        return codecs().releases;
    }

    public byte[] encode(T record) {
        try {
            ByteBuffer buffer = codecs().encoder.encode(record);
            byte[] bytes = new byte[buffer.remaining()];
            buffer.get(bytes);
            return bytes;
        } catch (IOException e) {
            throw new IllegalStateException(
                    "Encoding " + recordClass.getSimpleName() + " failed", e);
        }
    }

    public T decode(byte[] bytes) {
        Codecs<T> c = codecs();
        return decode(c.decoder, recordClass.getSimpleName(), c.knownVersions, bytes);
    }

    /**
     * A reader of only the named fields of this record. Avro skips the others without copying them,
     * so reading a frame's capture time does not copy its image.
     *
     * <pre>{@code
     * SingleObjectProjection times = SingleObjectCodec.of(ImageRecord.class).projection("captureTime");
     * long captured = (Long) times.decode(wire).get("captureTime");
     * }</pre>
     */
    public SingleObjectProjection projection(String... fieldNames) {
        return new SingleObjectProjection(this, fieldNames);
    }

    /** A decoder into {@code reader} of what any of {@code releases} wrote. */
    static <R> BinaryMessageDecoder<R> decoderOfEveryRelease(
            GenericData model, Schema reader, List<SchemaRelease> releases) {
        BinaryMessageDecoder<R> decoder = new BinaryMessageDecoder<>(model, reader);
        for (SchemaRelease release : releases) {
            decoder.addSchema(release.schema());
        }
        return decoder;
    }

    /**
     * Decodes with any of the releases' decoders, turning Avro's many failures into a {@link
     * WireFormatException}.
     */
    static <R> R decode(
            BinaryMessageDecoder<R> decoder,
            String recordName,
            String knownVersions,
            byte[] bytes) {
        Objects.requireNonNull(bytes, "bytes");
        try {
            // Avro reads the body from the stream byte by byte (a direct decoder), so what is left
            // is what
            // follows the record: a record with something after it is not one record.
            ByteArrayInputStream in = new ByteArrayInputStream(bytes);
            R record = decoder.decode(in, null);
            if (in.available() > 0) {
                long fingerprint = fingerprintOf(bytes);
                throw new WireFormatException(
                        WireFormatException.Problem.CORRUPT_PAYLOAD,
                        fingerprint,
                        "Corrupt "
                                + recordName
                                + " body ("
                                + bytes.length
                                + " bytes, schema "
                                + WireFormatException.hex(fingerprint)
                                + "): "
                                + in.available()
                                + " bytes after the end of the record",
                        null);
            }
            return record;
        } catch (WireFormatException e) {
            throw e;
        } catch (BadHeaderException e) {
            throw new WireFormatException(
                    WireFormatException.Problem.NOT_SINGLE_OBJECT_ENCODED,
                    null,
                    "Not an Avro single-object encoded "
                            + recordName
                            + ": "
                            + describe(bytes)
                            + " (expected the marker C3 01 and an 8-byte schema fingerprint)",
                    e);
        } catch (MissingSchemaException e) {
            long fingerprint = fingerprintOf(bytes);
            throw new WireFormatException(
                    WireFormatException.Problem.UNKNOWN_SCHEMA_FINGERPRINT,
                    fingerprint,
                    "Unknown schema fingerprint "
                            + WireFormatException.hex(fingerprint)
                            + " for "
                            + recordName
                            + ": the writer used a schema that is none of the "
                            + "released versions this reader knows "
                            + knownVersions
                            + "; release it under io/resflow/schema/releases or upgrade the reader",
                    e);
        } catch (IOException | RuntimeException e) {
            // Corrupt lengths inside an Avro body surface as AvroRuntimeException,
            // IndexOutOfBounds,
            // NegativeArraySize, UnsupportedOperation (a length over 2 GB) and the like; none may
            // escape raw.
            long fingerprint = fingerprintOf(bytes);
            throw new WireFormatException(
                    WireFormatException.Problem.CORRUPT_PAYLOAD,
                    fingerprint,
                    "Corrupt "
                            + recordName
                            + " body ("
                            + bytes.length
                            + " bytes, schema "
                            + WireFormatException.hex(fingerprint)
                            + "): "
                            + e,
                    e);
        }
    }

    private static String describe(byte[] bytes) {
        if (bytes.length < HEADER_LENGTH) {
            return bytes.length + " bytes, shorter than the 10-byte header";
        }
        return String.format("%d bytes starting %02X %02X", bytes.length, bytes[0], bytes[1]);
    }

    private static long fingerprintOf(byte[] bytes) {
        // Single-object headers store the fingerprint little-endian after the 2-byte marker.
        return ByteBuffer.wrap(bytes, 2, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
    }

    /** The compiled schema, the one this codec writes. */
    Schema schema() {
        return codecs().current;
    }

    String knownVersions() {
        return codecs().knownVersions;
    }

    private Codecs<T> codecs() {
        Codecs<T> c = codecs;
        if (c == null) {
            synchronized (this) {
                c = codecs;
                if (c == null) {
                    c = new Codecs<>(recordClass);
                    codecs = c;
                }
            }
        }
        return c;
    }

    /** The Avro machinery, rebuilt per JVM. */
    private static final class Codecs<T> {
        final Schema current;
        final List<SchemaRelease> releases;
        final String knownVersions;
        final BinaryMessageEncoder<T> encoder;
        final BinaryMessageDecoder<T> decoder;

        Codecs(Class<T> recordClass) {
            SpecificData model = SpecificData.getForClass(recordClass);
            this.current = model.getSchema(recordClass);
            this.releases = SchemaReleases.of(current.getFullName());
            SchemaRelease newest = releases.get(releases.size() - 1);
            if (newest.fingerprint()
                    != new SchemaRelease(current.getFullName(), 0, current).fingerprint()) {
                throw new IllegalStateException(
                        "The compiled "
                                + current.getFullName()
                                + " is not its newest release "
                                + newest
                                + ": freeze it as a new release file");
            }
            this.knownVersions =
                    releases.stream()
                            .map(r -> "v" + r.version() + " " + r.fingerprintHex())
                            .collect(Collectors.joining(", ", "[", "]"));
            this.encoder = new BinaryMessageEncoder<>(model, current);
            this.decoder = decoderOfEveryRelease(model, current, releases);
        }
    }
}
