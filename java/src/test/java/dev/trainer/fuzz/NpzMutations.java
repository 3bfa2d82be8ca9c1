package dev.trainer.fuzz;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;

/**
 * Damage to an .npz file at the zip's level (headers, CRCs, sizes, compression methods, an
 * array's bytes) and rewrites of its arrays into other well-formed ones (another dtype, shape or
 * byte order, non-finite or out-of-range values, a missing or doubled array).
 */
final class NpzMutations {

    private static final int LOCAL = 0x04034b50;
    private static final int CENTRAL = 0x02014b50;
    private static final String[] DTYPES = {"<f8", "<f2", "|i1", "|u1", "|b1", "<i4", ">f4", ">i8", "<U4", "|O", "<c8",
            "f4", "<f16", ""};
    private static final String[] SHAPES = {"()", "(0,)", "(0, 64)", "(5, 64)", "(4, 8, 8)", "(4, 63)", "(4,)", "(-4, 64)",
            "(4, 64, 1)", "(99999999999, 64)", "(4, 9223372036854775807)", "(4,64", "[4, 64]", "(4, 'a')"};

    private NpzMutations() {
    }

    static List<Mutation> all() {
        List<Mutation> all = new ArrayList<>(ByteMutations.all());
        all.addAll(List.of(
                Mutation.corruption("flip a byte of a local header", (b, r) -> inRecord(b, r, LOCAL, 30)),
                Mutation.corruption("flip a byte of the central directory", (b, r) -> inRecord(b, r, CENTRAL, 46)),
                Mutation.corruption("change a CRC", (b, r) -> field(b, r, r.nextBoolean() ? LOCAL : CENTRAL, "crc")),
                Mutation.corruption("change a size", (b, r) -> field(b, r, r.nextBoolean() ? LOCAL : CENTRAL, "size")),
                Mutation.corruption("change a compression method", (b, r) -> field(b, r, r.nextBoolean() ? LOCAL : CENTRAL,
                        "method")),
                Mutation.corruption("flip a byte of an array's data", NpzMutations::flipArrayByte),
                Mutation.rewrite("another dtype", (b, r) -> rewriteHeader(b, r, "descr", DTYPES)),
                Mutation.rewrite("another shape", (b, r) -> rewriteHeader(b, r, "shape", SHAPES)),
                Mutation.rewrite("Fortran order", (b, r) -> rewriteHeader(b, r, "fortran_order", new String[] {"True", "1"})),
                Mutation.rewrite("non-finite or huge values", NpzMutations::oddValues),
                Mutation.rewrite("drop an array", (b, r) -> entries(b, r, (e, rr) -> e.remove(pick(e, rr)))),
                Mutation.rewrite("rename an array", (b, r) -> entries(b, r, (e, rr) -> e.put("x" + pick(e, rr),
                        e.remove(pick(e, rr))))),
                Mutation.rewrite("store instead of deflate", (b, r) -> entries(b, r, (e, rr) -> { }))));
        return all;
    }

    /** The entries of an NPZ file, by name, in order. */
    static Map<String, byte[]> read(byte[] npz) {
        Map<String, byte[]> entries = new LinkedHashMap<>();
        try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(npz))) {
            for (ZipEntry e = in.getNextEntry(); e != null; e = in.getNextEntry()) {
                entries.put(e.getName(), in.readAllBytes());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return entries;
    }

    /** An NPZ file of these entries, stored (as numpy.savez) or deflated (as savez_compressed). */
    static byte[] write(Map<String, byte[]> entries, boolean stored) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream out = new ZipOutputStream(bytes)) {
            for (Map.Entry<String, byte[]> e : entries.entrySet()) {
                ZipEntry entry = new ZipEntry(e.getKey());
                if (stored) {
                    CRC32 crc = new CRC32();
                    crc.update(e.getValue());
                    entry.setMethod(ZipEntry.STORED);
                    entry.setSize(e.getValue().length);
                    entry.setCompressedSize(e.getValue().length);
                    entry.setCrc(crc.getValue());
                }
                out.putNextEntry(entry);
                out.write(e.getValue());
                out.closeEntry();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /** An .npy array: version 1.0, the header dict padded to 64 bytes, then the raw data. */
    static byte[] npy(String descr, String shape, byte[] data) {
        return npyWithDict("{'descr': '" + descr + "', 'fortran_order': False, 'shape': " + shape + ", }", data);
    }

    private interface EntryEdit {
        void apply(Map<String, byte[]> entries, SplittableRandom random);
    }

    private static byte[] entries(byte[] npz, SplittableRandom random, EntryEdit edit) {
        Map<String, byte[]> entries = readOrNull(npz);
        if (entries == null || entries.isEmpty()) {
            return npz;
        }
        edit.apply(entries, random);
        return write(entries, random.nextBoolean());
    }

    private static Map<String, byte[]> readOrNull(byte[] npz) {
        try {
            return read(npz);
        } catch (UncheckedIOException | IllegalArgumentException e) {
            return null;
        }
    }

    private static String pick(Map<String, byte[]> entries, SplittableRandom random) {
        List<String> names = new ArrayList<>(entries.keySet());
        return names.get(random.nextInt(names.size()));
    }

    /** One array's header with {@code key}'s value replaced, its data left as it was. */
    private static byte[] rewriteHeader(byte[] npz, SplittableRandom random, String key, String[] values) {
        return entries(npz, random, (entries, r) -> {
            String name = pick(entries, r);
            byte[] array = entries.get(name);
            if (array.length < 10) {
                return;
            }
            int length = (array[8] & 0xff) | (array[9] & 0xff) << 8;
            String dict = new String(array, 10, Math.min(length, array.length - 10), StandardCharsets.ISO_8859_1);
            String value = values[r.nextInt(values.length)];
            String replaced = dict.replaceFirst("'" + key + "': ('[^']*'|\\([^)]*\\)|True|False)",
                    "'" + key + "': " + (key.equals("descr") ? "'" + value + "'" : value));
            byte[] data = java.util.Arrays.copyOfRange(array, Math.min(array.length, 10 + length), array.length);
            String inner = replaced.substring(0, replaced.lastIndexOf('}') + 1);
            entries.put(name, npyWithDict(inner, data));
        });
    }

    /** An .npy array with this header dict, padded to a multiple of 64 bytes with the prefix. */
    private static byte[] npyWithDict(String dict, byte[] data) {
        int padded = (10 + dict.length() + 1 + 63) / 64 * 64 - 10;
        String header = dict + " ".repeat(padded - dict.length() - 1) + "\n";
        ByteBuffer b = ByteBuffer.allocate(10 + padded + data.length).order(ByteOrder.LITTLE_ENDIAN);
        b.put(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0}).putShort((short) padded)
                .put(header.getBytes(StandardCharsets.ISO_8859_1)).put(data);
        return b.array();
    }

    /** Some elements of an array set to NaN, an infinity, a huge float or an out-of-range integer. */
    private static byte[] oddValues(byte[] npz, SplittableRandom random) {
        return entries(npz, random, (entries, r) -> {
            String name = pick(entries, r);
            byte[] array = entries.get(name).clone();
            if (array.length < 10) {
                return;
            }
            int start = 10 + ((array[8] & 0xff) | (array[9] & 0xff) << 8);
            ByteBuffer data = ByteBuffer.wrap(array).order(ByteOrder.LITTLE_ENDIAN);
            for (int k = 0; k < 3 && start + 8 <= array.length; k++) {
                int at = start + r.nextInt((array.length - start) / 4) * 4;
                if (at + 8 > array.length) {
                    continue;
                }
                switch (r.nextInt(5)) {
                    case 0 -> data.putFloat(at, Float.NaN);
                    case 1 -> data.putFloat(at, Float.NEGATIVE_INFINITY);
                    case 2 -> data.putFloat(at, 3e38f);
                    case 3 -> data.putLong(at, Long.MIN_VALUE);
                    default -> data.putLong(at, Integer.MAX_VALUE + 1L);
                }
            }
            entries.put(name, array);
        });
    }

    private static byte[] flipArrayByte(byte[] npz, SplittableRandom random) {
        List<Integer> arrays = offsets(npz, new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'});
        if (arrays.isEmpty()) {
            return ByteMutations.flipBits(npz, random, 1);
        }
        int at = arrays.get(random.nextInt(arrays.size())) + 10 + random.nextInt(200);
        byte[] b = npz.clone();
        if (at < b.length) {
            b[at] ^= (byte) (1 << random.nextInt(8));
        }
        return b;
    }

    private static byte[] inRecord(byte[] npz, SplittableRandom random, int signature, int length) {
        List<Integer> records = signatures(npz, signature);
        if (records.isEmpty()) {
            return npz;
        }
        byte[] b = npz.clone();
        int at = records.get(random.nextInt(records.size())) + 4 + random.nextInt(length - 4);
        if (at < b.length) {
            b[at] = (byte) random.nextInt(256);
        }
        return b;
    }

    /** A field of a local header or central directory record set to a random value. */
    private static byte[] field(byte[] npz, SplittableRandom random, int signature, String field) {
        List<Integer> records = signatures(npz, signature);
        if (records.isEmpty()) {
            return npz;
        }
        boolean local = signature == LOCAL;
        int offset = switch (field) {
            case "crc" -> local ? 14 : 16;
            case "size" -> (local ? 18 : 20) + (random.nextBoolean() ? 4 : 0);
            default -> local ? 8 : 10;
        };
        int at = records.get(random.nextInt(records.size())) + offset;
        byte[] b = npz.clone();
        ByteBuffer view = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
        if (field.equals("method") && at + 2 <= b.length) {
            view.putShort(at, (short) new int[] {0, 8, 1, 12, 14, 99}[random.nextInt(6)]);
        } else if (at + 4 <= b.length) {
            view.putInt(at, random.nextBoolean() ? random.nextInt() : view.getInt(at) + random.nextInt(-8, 9));
        }
        return b;
    }

    private static List<Integer> signatures(byte[] bytes, int signature) {
        byte[] pattern = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(signature).array();
        return offsets(bytes, pattern);
    }

    private static List<Integer> offsets(byte[] bytes, byte[] pattern) {
        List<Integer> found = new ArrayList<>();
        for (int i = 0; i + pattern.length <= bytes.length; i++) {
            if (java.util.Arrays.equals(bytes, i, i + pattern.length, pattern, 0, pattern.length)) {
                found.add(i);
            }
        }
        return found;
    }
}
