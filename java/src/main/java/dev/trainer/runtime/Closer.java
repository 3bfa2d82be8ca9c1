package dev.trainer.runtime;

/** Closing several native resources in order, each even when one before it fails. */
final class Closer {

    private Closer() {
    }

    /** Closes each non-null resource in order; the first failure is rethrown once all were tried. */
    static void closeAll(AutoCloseable... resources) {
        RuntimeException failure = null;
        for (AutoCloseable r : resources) {
            if (r == null) {
                continue;
            }
            try {
                r.close();
            } catch (Exception e) {
                if (failure == null) {
                    failure = new IllegalStateException("closing the training session failed", e);
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
    }
}
