package dev.trainer.autodiff;

import dev.trainer.onnx.Attributes;
import dev.trainer.onnx.ValueType;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * One Conv node's input and weight gradients, each in the standard-op form ONNX Runtime runs
 * fastest at the node's shape. Over the window positions of its input (im2col, {@link Im2Col}),
 * a convolution is a matrix product: y = W · patches(x) with W as [Co, Ci·k] and patches(x) as
 * [Ci·k, N·out], so dW = dy · patches(x)ᵀ and dx = col2im(Wᵀ · dy), each one product over the
 * whole batch. ORT's ConvTranspose, and its Conv in the correlation form of dW (batch folded into
 * the channels, dy as the kernel), run one product per image (or per input channel) instead: as
 * fast where those products are wide, several times slower where an image has few output
 * positions or the kernel few taps.
 *
 * <p>Measured on ResNet-18's convolutions at 64 × 64, batch 32, one ORT thread, CPU ms per run
 * (ConvTranspose / Gemm + Col2Im for dx, correlation / patches + Gemm for dW):
 * 7×7 stem (1024 positions) dW 18.5 / 28.5; 3×3 at 16×16 dx 13.5 / 19.5, dW 32.5 / 20.5; at 8×8
 * dx 13 / 16.5, dW 23 / 17; at 4×4 dx 23.5 / 16.5, dW 22 / 15.5; at 2×2 dx 110.5 / 18.5,
 * dW 29.5 / 16.5; 1×1 stride 2 dW 10 / 1.5. The forward Conv, as Conv / patches + Gemm: 16×16
 * 10 / 21.5; 4×4 10.5 / 18; 2×2 28 / 15. Hence the thresholds below. Depthwise Convs on small
 * images run as a small dense matrix per channel ({@link DepthwiseConvolution}).
 */
final class ConvolutionForms {

    /** Output positions per image from which ORT's per-image ConvTranspose is as fast as one batched product. */
    static final long MANY_POSITIONS = 64;
    /** Kernel taps from which the correlation form of dW is faster than explicit patches (a 7×7 stem). */
    static final long MANY_TAPS = 25;
    /** Output positions per image below which the forward Conv is faster as one product over the batch. */
    static final long FEW_POSITIONS = 16;

    private final NodeGradient g;
    private final ConvolutionGeometry geometry;
    private final long groups;
    private final long[] wDims;
    private Value dyColumns;
    private Value forwardPatches;

    private ConvolutionForms(NodeGradient g, ConvolutionGeometry geometry, long groups, long[] wDims) {
        this.g = g;
        this.geometry = geometry;
        this.groups = groups;
        this.wDims = wDims;
    }

    static ConvolutionForms of(NodeGradient g) {
        long[] wDims = g.staticDims(1, 0);
        long[] kernel = Arrays.copyOfRange(wDims, 2, wDims.length);
        return new ConvolutionForms(g, ConvolutionGeometry.of(g, kernel), g.attr("group", 1L), wDims);
    }

    /**
     * Where the weights train and images have few output positions, rewrites the forward Conv as
     * y = W · patches(x) over the whole batch, and keeps the patches for dW; a depthwise Conv as a
     * matrix per channel ({@link DepthwiseConvolution}).
     */
    void rewriteForward() {
        if (!g.needs(1)) {
            return;
        }
        GraphBuilder forward = g.builder().forwardBuilder(g.node());
        if (depthwiseByMatrices()) {
            Value bias = g.hasInput(2) ? inForward(forward, g.x(2)) : null;
            g.builder().rewriteForwardNode(g.node(), forward,
                    depthwise().forward(inForward(forward, g.x(0)), inForward(forward, g.x(1)), bias));
            return;
        }
        if (groups != 1 || outputPositions() >= FEW_POSITIONS) {
            return;
        }
        Value patches = patches(inForward(forward, g.x(0)));
        List<Value> operands = new ArrayList<>(List.of(inForward(forward, g.x(1)).reshape(wDims[0], -1), patches));
        if (g.hasInput(2)) {
            operands.add(inForward(forward, g.x(2)).reshape(wDims[0], 1));
        }
        Value y = LeadingAxesSwap.swap(forward.op("Gemm", operands), wDims[0], -1, geometry.outputSize());
        g.builder().rewriteForwardNode(g.node(), forward, y);
        forwardPatches = g.builder().fromForward(patches,
                new ValueType(g.xType(0).elementType(), new long[] {wDims[1] * taps(), -1}));
    }

    /** dx: col2im(Wᵀ · dy) for images with few output positions (depthwise: Mᵀ · dy), else ORT's ConvTranspose. */
    Value inputGradient() {
        if (depthwiseByMatrices()) {
            return depthwise().inputGradient(g.dy(), g.x(1));
        }
        boolean batched = groups == 1 && outputPositions() < MANY_POSITIONS && (pointwise() || Im2Col.hasCol2Im(g.xType(0)));
        return batched ? inputGradientByColumns() : transposedConvolution();
    }

    /**
     * dW: dy · patches(x)ᵀ, except for kernels of many taps and grouped Convs (the correlation
     * form); depthwise on small images (dy · xᵀ) · S.
     */
    Value weightGradient() {
        if (depthwiseByMatrices()) {
            return depthwise().weightGradient(g.x(0), g.dy(), wDims);
        }
        if (groups > 1 && wDims[0] == groups && wDims[1] == 1 && taps() < MANY_TAPS) {
            return depthwiseWeightGradientByTaps();
        }
        return groups == 1 && taps() < MANY_TAPS ? weightGradientByPatches() : correlation();
    }

    /**
     * Depthwise dW, one kernel tap at a time: the sum over the batch and the output positions of
     * dy times the tap's window of x. ORT's grouped correlation runs one small product per
     * channel: 12.8 ms against 9.6 ms for MobileNetV3's three 3x3 depthwise Convs on 8x8 to 16x16
     * outputs (ORT's profile, one thread).
     */
    private Value depthwiseWeightGradientByTaps() {
        long[] sumAxes = ConvolutionGradients.allButChannelAxis(g.xType(0).rank());
        List<Value> taps = Im2Col.windows(g.x(0), geometry, 0).stream()
                .map(window -> g.dy().mul(window).sum(sumAxes, false).unsqueeze(1))
                .toList();
        return taps.getFirst().concat(1, taps.subList(1, taps.size()).toArray(Value[]::new)).reshape(wDims);
    }

    private Value inputGradientByColumns() {
        long inChannels = wDims[1];
        Value columns = g.builder().op("Gemm", List.of(g.x(1).reshape(wDims[0], -1), dyColumns()),
                Attributes.ofInt("transA", 1));
        if (pointwise()) {
            return LeadingAxesSwap.swap(columns, inChannels, -1, geometry.inputSize());
        }
        Value perImage = LeadingAxesSwap.swap(columns, inChannels * taps(), -1, new long[] {outputPositions()});
        return Im2Col.col2im(perImage, geometry);
    }

    private Value weightGradientByPatches() {
        Value patches = forwardPatches != null ? forwardPatches : patches(g.x(0));
        return g.builder().op("Gemm", List.of(dyColumns(), patches), Attributes.ofInt("transB", 1)).reshape(wDims);
    }

    /** The window positions of x as [Ci · taps, N · out]: channel and tap as rows, the batch's output positions as columns. */
    private Value patches(Value x) {
        Value channelsMajor = LeadingAxesSwap.swap(x, -1, wDims[1], geometry.inputSize());
        Value stacked = pointwise() ? channelsMajor : Im2Col.stacked(Im2Col.windows(channelsMajor, geometry, 0), 1);
        return stacked.reshape(wDims[1] * taps(), -1);
    }

    private static Value inForward(GraphBuilder forward, Value v) {
        return new Value(forward, v.name(), v.elementType());
    }

    /** dy as [Co, N · out]: channels first, the batch's output positions as columns. */
    private Value dyColumns() {
        if (dyColumns == null) {
            dyColumns = LeadingAxesSwap.swap(g.dy(), -1, wDims[0], geometry.outputSize()).reshape(wDims[0], -1);
        }
        return dyColumns;
    }

    /** The transposed convolution of dy with the same weights. */
    private Value transposedConvolution() {
        return g.builder().op("ConvTranspose", List.of(g.dy(), g.x(1)),
                Attributes.ofInt("group", groups),
                Attributes.ofInts("strides", geometry.strides()),
                Attributes.ofInts("dilations", geometry.dilations()),
                Attributes.ofInts("pads", geometry.pads()),
                Attributes.ofInts("kernel_shape", geometry.kernel()),
                Attributes.ofInts("output_padding", geometry.outputPadding()));
    }

    /**
     * dW as a correlation of x with dy: with the batch moved into the channel axis, a grouped Conv
     * whose "kernel" is dy, whose stride is the forward dilation and whose dilation is the forward stride.
     */
    private Value correlation() {
        int spatial = geometry.kernel().length;
        long inPerGroup = wDims[1];
        long[] spatialIn = geometry.inputSize();
        // x [N, G*Ci, S...] -> [Ci, G*N, S...], channel index g*N + n
        Value x = g.x(0).reshape(ConvolutionGradients.concat(new long[] {0, groups, inPerGroup}, spatialIn))
                .transpose(ConvolutionGradients.concat(new long[] {2, 1, 0}, ConvolutionGradients.range(3, 3 + spatial)))
                .reshape(ConvolutionGradients.concat(new long[] {inPerGroup, -1}, spatialIn));
        // dy [N, G*Co, S'...] -> [G*Co, N, S'...]
        Value correlation = g.builder().op("Conv", List.of(x, g.dy().transpose(channelsFirst())),
                Attributes.ofInt("group", groups),
                Attributes.ofInts("strides", geometry.dilations()),
                Attributes.ofInts("dilations", geometry.strides()),
                Attributes.ofInts("pads", geometry.pads()));
        // [Ci, G*Co, K'...] with K' >= K (the floor in the forward size): keep the first K
        Value trimmed = correlation;
        for (int i = 0; i < spatial; i++) {
            trimmed = trimmed.slice(2 + i, 0, geometry.kernel()[i]);
        }
        return trimmed.transpose(channelsFirst());
    }

    /** The permutation that swaps the first two axes (batch and channels). */
    private long[] channelsFirst() {
        return ConvolutionGradients.concat(new long[] {1, 0}, ConvolutionGradients.range(2, 2 + geometry.kernel().length));
    }

    /**
     * A depthwise Conv (a channel per group) on images small enough for a dense matrix per channel
     * ({@link DepthwiseConvolution}): at most 16 output and 64 input positions (a 4 × 4 image).
     */
    private boolean depthwiseByMatrices() {
        long inPositions = Arrays.stream(geometry.inputSize()).reduce(1, Math::multiplyExact);
        return groups > 1 && wDims[0] == groups && wDims[1] == 1 && outputPositions() <= 16 && inPositions <= 64;
    }

    private DepthwiseConvolution depthwise() {
        return new DepthwiseConvolution(geometry, groups);
    }

    private boolean pointwise() {
        return taps() == 1 && Arrays.stream(geometry.strides()).allMatch(s -> s == 1)
                && Arrays.stream(geometry.pads()).allMatch(p -> p == 0);
    }

    private long taps() {
        return Arrays.stream(geometry.kernel()).reduce(1, Math::multiplyExact);
    }

    private long outputPositions() {
        return Arrays.stream(geometry.outputSize()).reduce(1, Math::multiplyExact);
    }
}
