package io.resflow.schema.wire;

import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;

/** One frozen, released version of a record schema, as kept under {@code releases/}. */
public record SchemaRelease(String recordName, int version, Schema schema) {

    /**
     * The CRC-64-AVRO fingerprint of the parsing canonical form: what single-object headers carry.
     */
    public long fingerprint() {
        return SchemaNormalization.parsingFingerprint64(schema);
    }

    public String fingerprintHex() {
        return WireFormatException.hex(fingerprint());
    }

    @Override
    public String toString() {
        return recordName + " v" + version + " (" + fingerprintHex() + ")";
    }
}
