package io.resflow.schema.wire;

import org.apache.avro.SystemLimitException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Bounds on what one length or count inside an Avro body may make the decoder allocate, set before
 * Avro first reads them. Avro allocates a string, bytes or collection of the length the data
 * declares before it reads the data, and by default allows 2^31 - 9 of each: a 15-byte record
 * declaring a 2 GB id took the whole heap of the TaskManager that read it. No ResFlow record comes
 * near these bounds (Kafka records are at most 16 MiB), so only corrupt data meets them, as a
 * {@link WireFormatException}.
 *
 * <p>Avro reads its limits from system properties once, when its {@code SystemLimitException} class
 * loads (once per class loader); one already set (on the command line) is left alone. The
 * properties are the JVM's, so other code in it that decodes Avro gets the same bounds.
 */
public final class AvroLimits {

    private static final Logger LOG = LoggerFactory.getLogger(AvroLimits.class);

    /** Largest string or bytes value: four times the largest Kafka record ResFlow sends. */
    static final int MAX_BYTES = 64 << 20;

    /** Most items in one array or map (a frame's headers, a prediction's top classes). */
    static final int MAX_ITEMS = 1 << 20;

    private AvroLimits() {}

    /** Idempotent; call before any Avro decoding ({@link SingleObjectCodec} does). */
    public static void apply() {
        setUnlessSet(SystemLimitException.MAX_BYTES_LENGTH_PROPERTY, MAX_BYTES);
        setUnlessSet(SystemLimitException.MAX_STRING_LENGTH_PROPERTY, MAX_BYTES);
        setUnlessSet(SystemLimitException.MAX_COLLECTION_LENGTH_PROPERTY, MAX_ITEMS);
        try {
            SystemLimitException.checkMaxBytesLength(Integer.MAX_VALUE - 16L);
            LOG.warn(
                    "Avro accepts values of up to 2 GB in this JVM (its limits were fixed before"
                            + " ResFlow set {}={}); a corrupt length in a record can take the heap",
                    SystemLimitException.MAX_BYTES_LENGTH_PROPERTY,
                    MAX_BYTES);
        } catch (SystemLimitException expected) {
            // The bounds are in force.
        }
    }

    private static void setUnlessSet(String property, int value) {
        if (System.getProperty(property) == null) {
            System.setProperty(property, Integer.toString(value));
        }
    }
}
