package dev.trainer.autodiff;

import dev.trainer.ModelException;
import java.util.Arrays;

/**
 * The window geometry of a Conv or pooling node with explicit pads, and the {@code output_padding}
 * that makes a ConvTranspose over the output give back the input's spatial size exactly.
 */
record ConvolutionGeometry(long[] inputSize, long[] outputSize, long[] kernel, long[] strides,
                           long[] dilations, long[] pads) {

    /** Reads strides, dilations and pads (resolving {@code auto_pad}) for spatial sizes known statically. */
    static ConvolutionGeometry of(NodeGradient g, long[] kernel) {
        int spatial = kernel.length;
        long[] xDims = g.staticDims(0, 2);
        long[] yDims = g.yType(0).dims();
        long[] in = Arrays.copyOfRange(xDims, 2, 2 + spatial);
        long[] out = Arrays.copyOfRange(yDims, 2, 2 + spatial);
        long[] strides = g.attrInts("strides", filled(spatial, 1));
        long[] dilations = g.attrInts("dilations", filled(spatial, 1));
        long[] pads = g.attrInts("pads", new long[2 * spatial]);
        String autoPad = g.attr("auto_pad", "NOTSET");
        if (autoPad.startsWith("SAME")) {
            pads = new long[2 * spatial];
            for (int i = 0; i < spatial; i++) {
                long target = Math.ceilDiv(in[i], strides[i]);
                long total = Math.max(0, (target - 1) * strides[i] + (kernel[i] - 1) * dilations[i] + 1 - in[i]);
                long small = total / 2;
                pads[i] = autoPad.equals("SAME_UPPER") ? small : total - small;
                pads[i + spatial] = total - pads[i];
            }
        } else if (autoPad.equals("VALID")) {
            pads = new long[2 * spatial];
        }
        for (int i = 0; i < spatial; i++) {
            if (out[i] < 0) {
                throw new ModelException(g.describe() + " needs static spatial output sizes for its gradient, has "
                        + g.yType(0).shapeString());
            }
        }
        return new ConvolutionGeometry(in, out, kernel, strides, dilations, pads);
    }

    /** output_padding of the transposed convolution from the output back to the input size. */
    long[] outputPadding() {
        long[] padding = new long[kernel.length];
        for (int i = 0; i < kernel.length; i++) {
            long covered = strides[i] * (outputSize[i] - 1) + (kernel[i] - 1) * dilations[i] + 1
                    - pads[i] - pads[i + kernel.length];
            padding[i] = inputSize[i] - covered;
            if (padding[i] < 0 || padding[i] >= Math.max(strides[i], dilations[i])) {
                throw new ModelException("cannot invert the window geometry of axis " + (i + 2)
                        + " (input " + inputSize[i] + ", output " + outputSize[i] + ")");
            }
        }
        return padding;
    }

    static long[] filled(int n, long value) {
        long[] a = new long[n];
        Arrays.fill(a, value);
        return a;
    }
}
