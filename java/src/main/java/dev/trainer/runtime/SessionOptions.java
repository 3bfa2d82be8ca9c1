package dev.trainer.runtime;

/**
 * How a training session runs its graphs.
 *
 * @param dropout whether the model's Dropout nodes are active in training steps
 * @param seed    seeds the Dropout masks
 * @param threads ONNX Runtime's intra-op threads; 0 for its default (one per core). Small graphs
 *                often run faster on one thread: their ops are too short to share.
 */
public record SessionOptions(boolean dropout, long seed, int threads) {

    /** Dropout inactive, ONNX Runtime's default threads. */
    public static final SessionOptions DEFAULT = new SessionOptions(false, 0, 0);

    public SessionOptions {
        if (threads < 0) {
            throw new IllegalArgumentException("--threads must be >= 0, got " + threads);
        }
    }
}
