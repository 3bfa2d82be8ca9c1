package dev.trainer.evaluate;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where a command will write, checked before it does any work: a predict over a million rows or
 * a range test should not run to the end to find that its output cannot be written. A folder is
 * proven writable by making (and removing) a file in it, since permission bits lie to root and
 * about read-only mounts.
 */
public final class OutputPaths {

    private OutputPaths() {
    }

    /**
     * A file to be written (replaced if it exists).
     *
     * @param option the option that names it, for the message, e.g. {@code --plot}
     * @throws IllegalArgumentException when it is a folder, or its folder is missing or not writable
     */
    public static void requireWritableFile(String option, Path file) {
        Path target = file.toAbsolutePath();
        if (Files.isDirectory(target)) {
            throw new IllegalArgumentException(option + " " + file + " is a folder; give a file name in it");
        }
        Path folder = target.getParent();
        if (!Files.exists(folder)) {
            throw new IllegalArgumentException(option + " " + file + ": the folder " + folder + " does not exist");
        }
        requireWritableFolder(option, file, folder);
    }

    /**
     * A folder to be created if missing and then filled.
     *
     * @throws IllegalArgumentException when it is a file, or it (or the nearest folder above it
     *         that exists) cannot be written
     */
    public static void requireCreatableFolder(String option, Path dir) {
        Path target = dir.toAbsolutePath();
        if (Files.exists(target) && !Files.isDirectory(target)) {
            throw new IllegalArgumentException(option + " " + dir + " is a file, not a folder");
        }
        Path existing = target;
        while (!Files.exists(existing)) {
            existing = existing.getParent();
        }
        requireWritableFolder(option, dir, existing);
    }

    private static void requireWritableFolder(String option, Path given, Path folder) {
        if (!Files.isDirectory(folder)) {
            throw new IllegalArgumentException(option + " " + given + ": " + folder + " is a file, not a folder");
        }
        try {
            Files.delete(Files.createTempFile(folder, ".trainer-", ".probe"));
        } catch (AccessDeniedException e) {
            throw new IllegalArgumentException(option + " " + given + ": cannot write in " + folder + " (permission denied)");
        } catch (FileSystemException e) {
            throw new IllegalArgumentException(option + " " + given + ": cannot write in " + folder
                    + (e.getReason() == null ? "" : " (" + e.getReason() + ")"));
        } catch (IOException e) {
            throw new IllegalArgumentException(option + " " + given + ": cannot write in " + folder + " (" + e + ")");
        }
    }
}
