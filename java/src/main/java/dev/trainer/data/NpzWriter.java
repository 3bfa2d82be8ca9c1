package dev.trainer.data;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * Writes named arrays to an .npz file, as {@code numpy.savez_compressed} does: a zip with one
 * deflated {@code NAME.npy} per array, which {@code numpy.load} reads back by name. The file is
 * complete only once {@link #close()} returns.
 */
public final class NpzWriter implements AutoCloseable {

    private final ZipOutputStream zip;
    private final Set<String> names = new HashSet<>();

    /** Creates or truncates {@code file}; the caller must close the writer. */
    public NpzWriter(Path file) throws IOException {
        this(Files.newOutputStream(file));
    }

    /** Writes into {@code out}, which {@link #close()} closes. */
    public NpzWriter(OutputStream out) {
        this.zip = new ZipOutputStream(out);
    }

    /** Adds a float32 array called {@code name}. */
    public void writeFloats(String name, long[] shape, float[] values) throws IOException {
        startEntry(name);
        NpyWriter.writeFloats(zip, shape, values);
        zip.closeEntry();
    }

    /** Adds an int64 array called {@code name}. */
    public void writeLongs(String name, long[] shape, long[] values) throws IOException {
        startEntry(name);
        NpyWriter.writeLongs(zip, shape, values);
        zip.closeEntry();
    }

    private void startEntry(String name) throws IOException {
        if (!names.add(name)) {
            throw new IllegalArgumentException("array '" + name + "' is already written");
        }
        zip.putNextEntry(new ZipEntry(name + ".npy"));
    }

    /** Finishes the zip and closes the file. */
    @Override
    public void close() throws IOException {
        zip.close();
    }
}
