package dev.trainer.io;

import java.io.BufferedOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * Writes a file so that readers, and a process killed at any moment, see either the previous file
 * or the complete new one: the content goes to a temporary file beside the target ({@code .NAME.tmp},
 * same folder, so same file system), which is flushed to disk, renamed over the target, and the
 * folder's entry flushed too (SQLite's and Lucene's recipe). A failure removes the temporary file
 * and leaves the target as it was. Every file trainer writes goes through here.
 *
 * <p>Failures are {@link UncheckedIOException}s whose message names the file and the reason in one
 * line ({@code cannot write runs/x/model.onnx: No space left on device}).
 */
public final class AtomicFile {

    /** What goes into the file. */
    @FunctionalInterface
    public interface Content {
        void writeTo(OutputStream out) throws IOException;
    }

    private AtomicFile() {
    }

    /** Writes the file from {@code content}. */
    public static void write(Path file, Content content) {
        try (Staged staged = stage(file, content)) {
            staged.commit();
        }
    }

    public static void writeBytes(Path file, byte[] bytes) {
        write(file, out -> out.write(bytes));
    }

    public static void writeString(Path file, String text) {
        writeBytes(file, text.getBytes(StandardCharsets.UTF_8));
    }

    /** Copies {@code from} into {@code to}, atomically. */
    public static void copy(Path from, Path to) {
        write(to, out -> Files.copy(from, out));
    }

    /**
     * Writes the content into the temporary file and flushes it to disk, without touching the
     * target yet: for files that must be put in place together (a model and its data file).
     * Close the result; a staged file that was not committed is deleted.
     */
    public static Staged stage(Path file, Content content) {
        Path target = file.toAbsolutePath();
        Path tmp = temporary(target);
        try {
            try (FileChannel channel = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING);
                 OutputStream out = new BufferedOutputStream(Channels.newOutputStream(channel), 1 << 16)) {
                content.writeTo(new KeptOpen(out));
                out.flush();
                channel.force(true);
            }
            return new Staged(target, tmp);
        } catch (IOException e) {
            deleteQuietly(tmp);
            throw failure(target, e);
        } catch (RuntimeException | Error e) {
            deleteQuietly(tmp);
            throw e;
        }
    }

    /** The content's stream: a writer that closes it (a zip, a print writer) must not close the file before it is flushed to disk. */
    private static final class KeptOpen extends FilterOutputStream {

        KeptOpen(OutputStream out) {
            super(out);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
        }

        @Override
        public void close() throws IOException {
            flush();
        }
    }

    /** The temporary file a write of {@code target} uses. */
    public static Path temporary(Path target) {
        return target.resolveSibling("." + target.getFileName() + ".tmp");
    }

    /** A written, flushed temporary file waiting to be renamed over its target. */
    public static final class Staged implements AutoCloseable {

        private final Path target;
        private final Path tmp;
        private boolean committed;

        private Staged(Path target, Path tmp) {
            this.target = target;
            this.tmp = tmp;
        }

        /** Renames the temporary file over the target and flushes the folder. */
        public void commit() {
            try {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                committed = true;
                syncFolder(target.getParent());
            } catch (IOException e) {
                throw failure(target, e);
            }
        }

        /** Deletes the temporary file unless it was committed. */
        @Override
        public void close() {
            if (!committed) {
                deleteQuietly(tmp);
            }
        }
    }

    /**
     * Flushes a folder's entries (a rename, a new or deleted file) to disk. Some file systems
     * cannot open a folder for this; there the rename is as durable as they make it.
     */
    public static void syncFolder(Path folder) {
        try (FileChannel channel = FileChannel.open(folder, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException ignored) {
            // see above: nothing more can be done
        }
    }

    /** {@code cannot write FILE: REASON}, one line. */
    public static UncheckedIOException failure(Path file, IOException e) {
        return new UncheckedIOException("cannot write " + file + ": " + reason(e), e);
    }

    /** What went wrong, in words, without the paths the exception repeats. */
    public static String reason(IOException e) {
        return switch (e) {
            case AccessDeniedException a -> "permission denied";
            case NoSuchFileException n -> "no such folder " + parentOf(n.getFile());
            case NotDirectoryException n -> "not a folder: " + n.getFile();
            case FileAlreadyExistsException f -> "a file or folder is in the way: " + f.getFile();
            case FileSystemException f when f.getReason() != null -> f.getReason();
            default -> e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        };
    }

    private static String parentOf(String file) {
        Path parent = file == null ? null : Path.of(file).getParent();
        return parent == null ? String.valueOf(file) : parent.toString();
    }

    private static void deleteQuietly(Path path) {
        try {
            Files.deleteIfExists(path);
        } catch (IOException ignored) {
            // a stale temporary file is harmless: the next write of the same target replaces it
        }
    }
}
