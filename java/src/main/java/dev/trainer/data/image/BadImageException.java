package dev.trainer.data.image;

import java.nio.file.Path;

/**
 * An image file that cannot be decoded: unknown format, truncated or corrupt. The message is
 * one line naming the file. Checked, so that a loader decides whether to fail or skip.
 */
public final class BadImageException extends Exception {

    public BadImageException(Path file, String problem) {
        super(file + ": " + problem);
    }

    public BadImageException(Path file, String problem, Throwable cause) {
        super(file + ": " + problem, cause);
    }
}
