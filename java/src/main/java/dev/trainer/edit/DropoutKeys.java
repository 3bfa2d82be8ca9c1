package dev.trainer.edit;

import dev.trainer.data.Seeds;

/**
 * The {@link DropoutActivation#KEYS} of one forward pass: two 32-bit keys per active Dropout node,
 * a pure function of (seed, draw, node), where the draw numbers the training forward passes
 * (the step, and the micro-batch within it).
 */
public final class DropoutKeys {

    private DropoutKeys() {
    }

    /** The keys, node by node: {@code [k1 of node 0, k2 of node 0, k1 of node 1, ...]}. */
    public static int[] of(long seed, long draw, int nodes) {
        int[] keys = new int[2 * nodes];
        for (int node = 0; node < nodes; node++) {
            long key = Seeds.derive(seed ^ Seeds.DROPOUT, draw, node);
            keys[2 * node] = (int) key;
            keys[2 * node + 1] = (int) (key >>> 32);
        }
        return keys;
    }
}
