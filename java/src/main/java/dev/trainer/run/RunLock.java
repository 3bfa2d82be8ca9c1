package dev.trainer.run;

import dev.trainer.CheckpointException;
import dev.trainer.io.AtomicFile;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * One writer per run folder: an operating-system lock on {@code DIR/.lock}, which the system
 * releases when the process dies however it dies, so a killed run never leaves the folder locked.
 * The file names the holder (its process id and command line) for the error a second process
 * gets. The file itself stays; only the lock on it matters.
 */
final class RunLock implements AutoCloseable {

    private static final int MAX_COMMAND = 300;

    private final FileChannel channel;
    private final FileLock lock;

    private RunLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    /**
     * Takes the folder's lock.
     *
     * @throws CheckpointException naming the holder when another process (or run) holds it
     * @throws java.io.UncheckedIOException when the lock file cannot be written
     */
    static RunLock acquire(RunFolder folder) {
        Path file = folder.lock();
        FileChannel channel = null;
        try {
            channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
            FileLock lock = tryLock(channel);
            if (lock == null) {
                String holder = new String(Files.readAllBytes(file), StandardCharsets.UTF_8).strip();
                channel.close();
                throw inUse(folder, holder);
            }
            channel.truncate(0);
            channel.write(ByteBuffer.wrap(holder().getBytes(StandardCharsets.UTF_8)), 0);
            channel.force(true);
            return new RunLock(channel, lock);
        } catch (IOException e) {
            closeQuietly(channel);
            throw AtomicFile.failure(file, e);
        }
    }

    /**
     * Checks that no other process holds the folder's lock now, by taking and dropping it.
     *
     * @throws CheckpointException naming the holder when one does
     */
    static void requireFree(RunFolder folder) {
        Path file = folder.lock();
        if (!Files.isRegularFile(file)) {
            return;
        }
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            FileLock lock = tryLock(channel);
            if (lock == null) {
                throw inUse(folder, new String(Files.readAllBytes(file), StandardCharsets.UTF_8).strip());
            }
            lock.release();
        } catch (IOException e) {
            throw AtomicFile.failure(file, e);
        }
    }

    private static FileLock tryLock(FileChannel channel) throws IOException {
        try {
            return channel.tryLock();
        } catch (OverlappingFileLockException e) {
            return null; // this very process holds it: another run into the same folder
        }
    }

    private static CheckpointException inUse(RunFolder folder, String holder) {
        return new CheckpointException(folder.dir() + " is in use by "
                + (holder.isEmpty() ? "another process" : holder) + "; wait for it to end or stop it");
    }

    /** {@code process 1234 (java ... fine-tune ...)}. */
    private static String holder() {
        ProcessHandle self = ProcessHandle.current();
        String command = self.info().commandLine().orElse("trainer");
        if (command.length() > MAX_COMMAND) {
            command = command.substring(0, MAX_COMMAND) + "...";
        }
        return "process " + self.pid() + " (" + command + ")\n";
    }

    @Override
    public void close() {
        try {
            lock.release();
        } catch (IOException ignored) {
            // closing the channel releases it too
        }
        closeQuietly(channel);
    }

    private static void closeQuietly(FileChannel channel) {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException ignored) {
                // nothing was written that needs it
            }
        }
    }
}
