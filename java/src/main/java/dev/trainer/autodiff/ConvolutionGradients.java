package dev.trainer.autodiff;

import dev.trainer.onnx.Attributes;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Conv with groups, strides, pads and dilations, in standard ops only.
 * dx is the transposed convolution of dy with the same weights. dw correlates x with dy: with the
 * batch moved into the channel axis, it is itself a grouped Conv whose "kernel" is dy, whose stride
 * is the forward dilation and whose dilation is the forward stride.
 */
final class ConvolutionGradients {

    private ConvolutionGradients() {
    }

    static void register(Map<String, GradientRule> rules) {
        rules.put("Conv", g -> {
            long[] wDims = g.staticDims(1, 0);
            long[] kernel = Arrays.copyOfRange(wDims, 2, wDims.length);
            ConvolutionGeometry geometry = ConvolutionGeometry.of(g, kernel);
            long groups = g.attr("group", 1L);
            g.dx(0, () -> g.builder().op("ConvTranspose", List.of(g.dy(), g.x(1)),
                    Attributes.ofInt("group", groups),
                    Attributes.ofInts("strides", geometry.strides()),
                    Attributes.ofInts("dilations", geometry.dilations()),
                    Attributes.ofInts("pads", geometry.pads()),
                    Attributes.ofInts("kernel_shape", kernel),
                    Attributes.ofInts("output_padding", geometry.outputPadding())));
            g.dx(1, () -> weightGradient(g, geometry, groups, wDims));
            g.dx(2, () -> g.dy().sum(allButChannelAxis(g.yType(0).rank()), false));
        });
    }

    private static Value weightGradient(NodeGradient g, ConvolutionGeometry geometry, long groups, long[] wDims) {
        int spatial = geometry.kernel().length;
        long inPerGroup = wDims[1];
        long[] spatialIn = geometry.inputSize();
        // x [N, G*Ci, S...] -> [Ci, G*N, S...], channel index g*N + n
        Value x = g.x(0).reshape(concat(new long[] {0, groups, inPerGroup}, spatialIn))
                .transpose(concat(new long[] {2, 1, 0}, range(3, 3 + spatial)))
                .reshape(concat(new long[] {inPerGroup, -1}, spatialIn));
        // dy [N, G*Co, S'...] -> [G*Co, N, S'...]
        Value dy = g.dy().transpose(concat(new long[] {1, 0}, range(2, 2 + spatial)));
        Value correlation = g.builder().op("Conv", List.of(x, dy),
                Attributes.ofInt("group", groups),
                Attributes.ofInts("strides", geometry.dilations()),
                Attributes.ofInts("dilations", geometry.strides()),
                Attributes.ofInts("pads", geometry.pads()));
        // [Ci, G*Co, K'...] with K' >= K (the floor in the forward size): keep the first K
        Value trimmed = correlation;
        for (int i = 0; i < spatial; i++) {
            trimmed = trimmed.slice(2 + i, 0, geometry.kernel()[i]);
        }
        return trimmed.transpose(concat(new long[] {1, 0}, range(2, 2 + spatial)));
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
