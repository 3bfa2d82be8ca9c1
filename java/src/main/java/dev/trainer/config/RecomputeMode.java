package dev.trainer.config;

/**
 * How much of the forward pass the backward graph computes again instead of keeping it from the
 * forward ({@code --recompute}): memory against step time. Either way the gradients are the same
 * up to float32 rounding (ONNX Runtime may fuse the recomputed ops differently).
 */
public enum RecomputeMode implements OptionValue {
    /**
     * No activation checkpointing: the forward keeps every value the backward reads, except cheap
     * elementwise chains (an exported GELU or LayerNorm), which cost nothing to run again.
     */
    NONE,
    /**
     * Activation checkpointing: only the values between segments of the graph (a transformer's
     * hidden state between layers, a ResNet's between blocks) and what cannot run twice (active
     * Dropout, random ops) are kept; the backward runs the rest of the forward again: less memory
     * between forward and backward for up to one more forward pass per step (all-MiniLM-L6-v2 at
     * batch 32 × 128: peak RSS −7 %, step +9 %).
     */
    SEGMENTS;

    /** {@code none} or {@code segments}, the {@code --recompute} values. */
    public static RecomputeMode parse(String text) {
        return Specs.constant("--recompute", text, values(), RecomputeMode::spec);
    }

    @Override
    public String spec() {
        return Specs.lowerHyphenated(this);
    }
}
