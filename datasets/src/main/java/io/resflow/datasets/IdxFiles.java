package io.resflow.datasets;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;

/**
 * Reads IDX files, the format of MNIST and Fashion-MNIST (http://yann.lecun.com/exdb/mnist/): a
 * big-endian magic number {@code 0x0000 <type> <dims>}, one int per dimension, then the data.
 * Gzip-compressed files (as Debian ships them) are recognised by their own magic bytes, not by the
 * file name.
 */
final class IdxFiles {

    private static final int UNSIGNED_BYTE = 0x08;

    private IdxFiles() {}

    /** An IDX array of unsigned bytes with its dimensions. */
    record UnsignedByteArray(int[] dimensions, byte[] data) {}

    static UnsignedByteArray readUnsignedBytes(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new IOException(file + ": no such file");
        }
        try (DataInputStream in =
                new DataInputStream(new BufferedInputStream(open(file), 1 << 16))) {
            int magic;
            try {
                magic = in.readInt();
            } catch (EOFException e) {
                throw new IOException(file + ": empty file, expected an IDX header", e);
            }
            int type = (magic >>> 8) & 0xFF;
            int dims = magic & 0xFF;
            if ((magic >>> 16) != 0 || dims == 0 || dims > 4) {
                throw new IOException(
                        String.format(
                                "%s: not an IDX file (magic number 0x%08x; IDX starts with 0x0000,"
                                        + " a type byte and 1 to 4 dimensions)",
                                file, magic));
            }
            if (type != UNSIGNED_BYTE) {
                throw new IOException(
                        String.format(
                                "%s: IDX element type 0x%02x is not supported; images and labels"
                                        + " are unsigned bytes (0x08)",
                                file, type));
            }
            int[] dimensions = new int[dims];
            long total = 1;
            for (int i = 0; i < dims; i++) {
                dimensions[i] = in.readInt();
                if (dimensions[i] <= 0) {
                    throw new IOException(file + ": dimension " + i + " is " + dimensions[i]);
                }
                total *= dimensions[i];
                // Checked as it grows: four dimensions near 2^31 would overflow a long.
                if (total > Integer.MAX_VALUE - 8) {
                    throw new IOException(
                            file
                                    + ": dimensions "
                                    + java.util.Arrays.toString(
                                            java.util.Arrays.copyOf(dimensions, i + 1))
                                    + " hold more elements than one array");
                }
            }
            byte[] data = new byte[(int) total];
            try {
                in.readFully(data);
            } catch (EOFException e) {
                throw new IOException(
                        file + ": truncated, the header promises " + total + " bytes of data", e);
            }
            // Reading on to the end also makes a gzip stream check its CRC, which stopping here
            // would skip.
            int more;
            try {
                more = in.read();
            } catch (java.util.zip.ZipException e) {
                throw new IOException(
                        file + ": the gzip data is corrupt (" + e.getMessage() + ")", e);
            }
            if (more != -1) {
                throw new IOException(
                        file
                                + ": more data than the "
                                + total
                                + " bytes its header promises (not the"
                                + " file the header describes)");
            }
            return new UnsignedByteArray(dimensions, data);
        }
    }

    private static InputStream open(Path file) throws IOException {
        InputStream raw = new BufferedInputStream(Files.newInputStream(file));
        raw.mark(2);
        int b0 = raw.read();
        int b1 = raw.read();
        raw.reset();
        boolean gzip = b0 == 0x1f && b1 == 0x8b;
        return gzip ? new GZIPInputStream(raw, 1 << 16) : raw;
    }
}
