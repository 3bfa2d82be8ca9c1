package dev.trainer.autodiff;

/**
 * Which forward values the backward graph computes again rather than reading them from the stash:
 * the trade between step time and the memory a step holds between its forward and backward runs.
 */
public enum Recompute {
    /**
     * Cheap elementwise chains (an exported GELU or LayerNorm) from values the backward has anyway;
     * never adds to the stash, costs next to nothing.
     */
    CHEAP_CHAINS,
    /**
     * Activation checkpointing: only the values that cut the forward graph in two (a transformer's
     * hidden state between layers, a ResNet's between blocks) and what cannot run twice (random
     * ops, active Dropout) are stashed; everything else the backward needs is computed again from
     * them. The stash shrinks to the checkpoints; the backward runs most of the forward again
     * (about a third more step time). Nodes of an older model whose op changed its signature or
     * meaning by the backward graph's opset (Unsqueeze, Softmax, ReduceMean... before 13 or 18) are
     * not run again but stashed: MiniLM's opset-11 export keeps 366 of its 510 MiB of stash.
     */
    SEGMENTS
}
