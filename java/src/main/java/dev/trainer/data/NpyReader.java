package dev.trainer.data;

import dev.trainer.DataException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Reads numpy's .npy format, versions 1.0, 2.0 and 3.0: a magic string, a version, a header
 * length (two bytes in 1.0, four later), a Python dict literal with {@code descr},
 * {@code fortran_order} and {@code shape}, then the raw elements.
 */
final class NpyReader {

    /** The six bytes every .npy file starts with. */
    static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};

    private NpyReader() {
    }

    /**
     * Reads one array from {@code in}, leaving the stream after its last element.
     *
     * @param where what to call the array in error messages, e.g. {@code data.npz: array 'x'}
     * @param size  the bytes the stream holds, header included, or -1 when unknown: a header that
     *              claims more is refused before anything is allocated for the data
     */
    static NpyArray read(InputStream in, String where, long size) throws IOException {
        byte[] prefix = in.readNBytes(MAGIC.length + 2);
        if (prefix.length < MAGIC.length + 2 || !Arrays.equals(prefix, 0, MAGIC.length, MAGIC, 0, MAGIC.length)) {
            throw new DataException(where + " is not an .npy array: it lacks the numpy magic bytes");
        }
        int major = prefix[6] & 0xff;
        int lengthBytes = switch (major) {
            case 1 -> 2;
            case 2, 3 -> 4;
            default -> throw new DataException(where + " uses .npy format version " + major + "." + (prefix[7] & 0xff)
                    + "; supported: 1.0, 2.0, 3.0");
        };
        ByteBuffer length = ByteBuffer.wrap(readExactly(in, lengthBytes, where)).order(ByteOrder.LITTLE_ENDIAN);
        long headerLength = lengthBytes == 2 ? length.getShort() & 0xffff : length.getInt() & 0xffffffffL;
        if (headerLength > 1 << 20) {
            throw new DataException(where + " claims a header of " + headerLength + " bytes");
        }
        String header = new String(readExactly(in, (int) headerLength, where),
                major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);

        NpyDtype dtype = NpyDtype.parse(stringValue(header, "descr", where), where);
        if (booleanValue(header, "fortran_order", where)) {
            throw new DataException(where + " is stored in Fortran order; save np.ascontiguousarray(arr) instead");
        }
        long[] shape = tupleValue(header, "shape", where);
        long elementCount = Shapes.elementCount(shape);
        if (elementCount > Integer.MAX_VALUE / dtype.bytes()) {
            throw new DataException(where + " of shape " + Shapes.format(shape) + " is over 2 GiB; split it");
        }
        long headerBytes = MAGIC.length + 2 + lengthBytes + headerLength;
        if (size >= 0 && headerBytes + elementCount * dtype.bytes() != size) {
            throw new DataException(where + " is corrupt: its header says shape " + Shapes.format(shape) + " of "
                    + dtype.descr() + " (" + elementCount * dtype.bytes() + " bytes), but it holds "
                    + Math.max(0, size - headerBytes) + " bytes of data");
        }
        byte[] data = readExactly(in, (int) elementCount * dtype.bytes(), where);
        return new NpyArray(dtype, shape, ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN));
    }

    private static byte[] readExactly(InputStream in, int count, String where) throws IOException {
        byte[] bytes = in.readNBytes(count);
        if (bytes.length < count) {
            throw new DataException(where + " is truncated: " + bytes.length + " of " + count + " bytes");
        }
        return bytes;
    }

    /** The text just after {@code 'key':} in the header dict, or an error naming the key. */
    private static int valueStart(String header, String key, String where) {
        int at = header.indexOf("'" + key + "'");
        if (at < 0) {
            at = header.indexOf("\"" + key + "\"");
        }
        int colon = at < 0 ? -1 : header.indexOf(':', at + key.length() + 2);
        if (colon < 0) {
            throw new DataException(where + " has no '" + key + "' in its header: " + Excerpt.of(header.strip()));
        }
        int start = colon + 1;
        while (start < header.length() && header.charAt(start) == ' ') {
            start++;
        }
        return start;
    }

    private static String stringValue(String header, String key, String where) {
        int start = valueStart(header, key, where);
        char quote = start < header.length() ? header.charAt(start) : ' ';
        int end = quote == '\'' || quote == '"' ? header.indexOf(quote, start + 1) : -1;
        if (end < 0) {
            throw new DataException(where + " has a structured or unreadable '" + key + "' in its header: "
                    + Excerpt.of(header.strip()));
        }
        return header.substring(start + 1, end);
    }

    private static boolean booleanValue(String header, String key, String where) {
        int start = valueStart(header, key, where);
        if (header.startsWith("True", start)) {
            return true;
        }
        if (header.startsWith("False", start)) {
            return false;
        }
        throw new DataException(where + " has an unreadable '" + key + "' in its header: " + Excerpt.of(header.strip()));
    }

    private static long[] tupleValue(String header, String key, String where) {
        int start = valueStart(header, key, where);
        int end = header.indexOf(')', start);
        if (start >= header.length() || header.charAt(start) != '(' || end < 0) {
            throw new DataException(where + " has an unreadable '" + key + "' in its header: " + Excerpt.of(header.strip()));
        }
        List<Long> dims = new ArrayList<>();
        for (String dim : header.substring(start + 1, end).split(",")) {
            dim = dim.strip();
            if (dim.endsWith("L")) {
                dim = dim.substring(0, dim.length() - 1);
            }
            if (!dim.isEmpty()) {
                try {
                    long parsed = Long.parseLong(dim);
                    if (parsed < 0) {
                        throw new NumberFormatException("negative");
                    }
                    dims.add(parsed);
                } catch (NumberFormatException notADimension) {
                    throw new DataException(where + " has an unreadable '" + key + "' in its header: "
                            + Excerpt.of(header.strip()));
                }
            }
        }
        return dims.stream().mapToLong(Long::longValue).toArray();
    }
}
