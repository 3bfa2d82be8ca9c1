package dev.trainer.autodiff;

import java.util.Arrays;
import java.util.Map;

/**
 * Conv with groups, strides, pads and dilations, in standard ops only: dx is the transposed
 * convolution of dy with the same weights, dW the correlation of x with dy, each in the form
 * {@link ConvolutionForms} picks for the node's shape (which may rewrite the forward Conv too);
 * the bias gradient sums dy over all but the channel axis.
 */
final class ConvolutionGradients {

    private ConvolutionGradients() {
    }

    static void register(Map<String, GradientRule> rules) {
        rules.put("Conv", g -> {
            ConvolutionForms conv = ConvolutionForms.of(g);
            conv.rewriteForward();
            g.dx(0, conv::inputGradient);
            g.dx(1, conv::weightGradient);
            g.dx(2, () -> g.dy().sum(allButChannelAxis(g.yType(0).rank()), false));
        });
    }

    static long[] allButChannelAxis(int rank) {
        long[] axes = new long[rank - 1];
        axes[0] = 0;
        for (int a = 2; a < rank; a++) {
            axes[a - 1] = a;
        }
        return axes;
    }

    static long[] range(int from, int to) {
        long[] r = new long[to - from];
        for (int i = from; i < to; i++) {
            r[i - from] = i;
        }
        return r;
    }

    static long[] concat(long[] a, long[] b) {
        long[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
