package dev.trainer.events;

import java.io.PrintStream;

/**
 * A one-line progress bar for the current epoch (steps, ETA, loss, learning rate, samples/s),
 * redrawn in place; the {@link ConsoleListener} draws it only on an interactive terminal, so that
 * CI logs keep only the per-epoch lines.
 */
final class ProgressBar {

    private static final int WIDTH = 24;
    /** Redraw at most this often: the bar must not cost the loop anything measurable. */
    private static final long REDRAW_NANOS = 200_000_000L;

    private final PrintStream out;
    private int epoch;
    private int batches;
    private int done;
    private long epochStart;
    private long lastDraw;
    private long samples;

    ProgressBar(PrintStream out) {
        this.out = out;
    }

    void startEpoch(int epochNumber, int batchCount) {
        epoch = epochNumber;
        batches = batchCount;
        done = 0;
        epochStart = System.nanoTime();
        lastDraw = 0;
        samples = 0;
    }

    void step(double loss, double lr, int batchSize) {
        done++;
        samples += batchSize;
        long now = System.nanoTime();
        if (now - lastDraw < REDRAW_NANOS && done < batches) {
            return;
        }
        lastDraw = now;
        double elapsed = (now - epochStart) / 1e9;
        double eta = done == 0 ? 0 : elapsed * (batches - done) / done;
        int filled = batches == 0 ? WIDTH : (int) Math.min(WIDTH, (long) WIDTH * done / batches);
        out.printf("\repoch %d [%s%s] %d/%d  eta %.0fs  loss %.4f  lr %.3g  %.0f samples/s ", epoch,
                "=".repeat(filled), " ".repeat(WIDTH - filled), done, batches, eta, loss, lr,
                samples / Math.max(elapsed, 1e-9));
        out.flush();
    }

    /** Clears the bar before the epoch's summary line. */
    void clear() {
        out.print("\r\033[2K");
        out.flush();
    }
}
