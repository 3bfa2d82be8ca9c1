package dev.trainer.train;

import java.io.PrintStream;

/**
 * A one-line progress bar for the current epoch (steps, ETA, loss, learning rate, samples/s),
 * redrawn in place on an interactive terminal; silent otherwise, so that CI logs keep only the
 * per-epoch lines.
 */
final class Progress {

    private static final int WIDTH = 24;
    /** Redraw at most this often: the bar must not cost the loop anything measurable. */
    private static final long REDRAW_NANOS = 200_000_000L;

    private final PrintStream out;
    private final boolean enabled;
    private long epochStart;
    private long lastDraw;
    private long samples;

    Progress(PrintStream out, boolean interactive) {
        this.out = out;
        this.enabled = interactive;
    }

    /** Whether this JVM writes to a terminal a person is watching. */
    static boolean interactive() {
        return System.console() != null && System.console().isTerminal();
    }

    void startEpoch() {
        epochStart = System.nanoTime();
        lastDraw = 0;
        samples = 0;
    }

    void step(int epoch, int done, int total, double loss, double lr, int batchSize) {
        samples += batchSize;
        long now = System.nanoTime();
        if (!enabled || (now - lastDraw < REDRAW_NANOS && done < total)) {
            return;
        }
        lastDraw = now;
        double elapsed = (now - epochStart) / 1e9;
        double eta = done == 0 ? 0 : elapsed * (total - done) / done;
        int filled = total == 0 ? WIDTH : (int) ((long) WIDTH * done / total);
        out.printf("\repoch %d [%s%s] %d/%d  eta %.0fs  loss %.4f  lr %.3g  %.0f samples/s ", epoch,
                "=".repeat(filled), " ".repeat(WIDTH - filled), done, total, eta, loss, lr, samples / Math.max(elapsed, 1e-9));
        out.flush();
    }

    /** Clears the bar before the epoch's summary line. */
    void endEpoch() {
        if (enabled) {
            out.print("\r\033[2K");
            out.flush();
        }
    }
}
