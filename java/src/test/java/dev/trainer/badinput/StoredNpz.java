package dev.trainer.badinput;

import dev.trainer.data.NpzWriter;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;

/**
 * NPZ files as {@code numpy.savez} writes them: every array stored, not deflated. A flipped bit
 * in a stored array is caught by nothing but the zip's CRC-32, where deflate's own checks would
 * usually catch it in a compressed one.
 */
public final class StoredNpz {

    private StoredNpz() {
    }

    /** The same arrays as an NPZ file, each entry stored uncompressed, in order. */
    public static byte[] of(Path npz) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipFile in = new ZipFile(npz.toFile()); ZipOutputStream out = new ZipOutputStream(bytes)) {
            for (ZipEntry entry : in.stream().toList()) {
                byte[] data;
                try (InputStream stream = in.getInputStream(entry)) {
                    data = stream.readAllBytes();
                }
                CRC32 crc = new CRC32();
                crc.update(data);
                ZipEntry stored = new ZipEntry(entry.getName());
                stored.setMethod(ZipEntry.STORED);
                stored.setSize(data.length);
                stored.setCompressedSize(data.length);
                stored.setCrc(crc.getValue());
                out.putNextEntry(stored);
                out.write(data);
                out.closeEntry();
            }
        }
        return bytes.toByteArray();
    }

    /**
     * A stored NPZ of four digits samples whose first array has one byte of its data changed
     * after the zip recorded its CRC: every structure intact, one pixel a different number.
     */
    static byte[] withFlippedDataByte() throws IOException {
        Path deflated = Files.createTempFile("trainer-digits", ".npz");
        try {
            try (NpzWriter npz = new NpzWriter(deflated)) {
                npz.writeFloats("input", new long[] {4, 64}, new float[4 * 64]);
                npz.writeLongs("labels", new long[] {4}, new long[] {0, 1, 2, 3});
            }
            byte[] stored = of(deflated);
            int array = indexOf(stored, "NUMPY".getBytes(StandardCharsets.US_ASCII));
            stored[array + 200] ^= 0x40;
            return stored;
        } finally {
            Files.delete(deflated);
        }
    }

    /** Where {@code pattern} first occurs in {@code bytes}. */
    static int indexOf(byte[] bytes, byte[] pattern) {
        for (int i = 0; i + pattern.length <= bytes.length; i++) {
            if (java.util.Arrays.equals(bytes, i, i + pattern.length, pattern, 0, pattern.length)) {
                return i;
            }
        }
        throw new IllegalArgumentException("pattern not found");
    }
}
