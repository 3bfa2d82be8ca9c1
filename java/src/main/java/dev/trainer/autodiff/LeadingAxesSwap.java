package dev.trainer.autodiff;

/**
 * Swaps the first two axes of a value {@code [A, B, S...]} into {@code [B, A, S...]}, the move
 * between a batch-first image and the channel-first rows of a convolution's matrix product. ORT's
 * Transpose moves such an axis one block of S at a time: at 2 × 2 maps 450 µs for 73 k floats
 * (MobileNetV3's 576 channels, batch 32). Where S is small, two transposes of whole rows do the
 * same 6-8× faster: [A, B·S] → [B·S, A] → [B, S, A] → [B, A, S]; from 64 positions on the one
 * Transpose is faster (measured at 8 × 8 and 16 × 16: 0.5× and 0.2×).
 */
final class LeadingAxesSwap {

    /** Positions per block up to which the two row transposes are faster (4 × 4). */
    private static final long SMALL_BLOCK = 16;

    private LeadingAxesSwap() {
    }

    /**
     * {@code v}, of shape {@code [a, b, spatial...]} or any shape with those elements in that order,
     * as {@code [b, a, spatial...]}; {@code a} or {@code b} may be -1 (a symbolic batch), not both.
     */
    static Value swap(Value v, long a, long b, long[] spatial) {
        long block = 1;
        for (long s : spatial) {
            block = Math.multiplyExact(block, s);
        }
        if (a < 0 && b < 0) {
            throw new IllegalArgumentException("at most one of the swapped axes may be symbolic");
        }
        if (block > SMALL_BLOCK) {
            return v.reshape(ConvolutionGradients.concat(new long[] {a, b}, spatial))
                    .transpose(ConvolutionGradients.concat(new long[] {1, 0}, ConvolutionGradients.range(2, 2 + spatial.length)));
        }
        Value rows = v.reshape(a, b < 0 ? -1 : b * block).transpose(1, 0);
        Value swapped = block == 1 ? rows : rows.reshape(b, block, a).transpose(0, 2, 1);
        return swapped.reshape(ConvolutionGradients.concat(new long[] {b, a}, spatial));
    }
}
