package dev.trainer.autodiff;

import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import dev.trainer.onnx.Attributes;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/** Max and average pooling, windowed and global. */
final class PoolingGradients {

    /** Windows of up to this many positions spread a global average's gradient by a product (up to 16x16). */
    private static final long SMALL_WINDOW = 256;

    private PoolingGradients() {
    }

    static void register(Map<String, GradientRule> rules) {
        // Each window's dy goes to the window's first maximum (PyTorch's and ORT's choice among ties).
        rules.put("MaxPool", g -> g.dx(0, () -> {
            if (g.attr("storage_order", 0L) != 0) {
                throw new dev.trainer.ModelException(g.describe() + ": column-major storage_order has no gradient rule");
            }
            return g.attr("ceil_mode", 0L) == 0 && Im2Col.hasCol2Im(g.xType(0)) ? maxPoolByWindows(g) : maxPoolByIndices(g);
        }));
        // dy spread evenly over each window: a depthwise transposed convolution with a kernel of
        // ones, after dividing dy by each window's divisor (its size, or its unpadded part).
        rules.put("AveragePool", g -> g.dx(0, () -> {
            long[] kernel = g.attrInts("kernel_shape", null);
            ConvolutionGeometry geometry = ConvolutionGeometry.of(g, kernel);
            long channels = g.staticDims(0, 1)[1];
            long windowSize = Arrays.stream(kernel).reduce(1, Math::multiplyExact);
            boolean padded = Arrays.stream(geometry.pads()).anyMatch(p -> p != 0);
            Value scaled = g.attr("count_include_pad", 0L) == 1 || !padded
                    ? g.dy().mul(1.0 / windowSize)
                    : g.dy().div(validFraction(g, geometry, kernel).mul(windowSize));
            int elementType = g.dy().elementType();
            return g.builder().op("ConvTranspose",
                    List.of(scaled, g.builder().ones(elementType, ConvolutionGradients.concat(new long[] {channels, 1}, kernel))),
                    Attributes.ofInt("group", channels),
                    Attributes.ofInts("strides", geometry.strides()),
                    Attributes.ofInts("dilations", geometry.dilations()),
                    Attributes.ofInts("pads", geometry.pads()),
                    Attributes.ofInts("kernel_shape", kernel),
                    Attributes.ofInts("output_padding", geometry.outputPadding()));
        }));
        // y = mean over the spatial axes: dx = dy / (spatial size), broadcast back
        // dx = dy / (window size), spread over the window. With a small static window, as one product
        // [N * C, 1] x [1, window] of 1 / window: ORT's Expand from [N, C, 1, 1] (and Div on it)
        // goes one element at a time, 4-6x slower at a CNN's 2x2 and 4x4 maps (OpFormsBenchmark).
        rules.put("GlobalAveragePool", g -> g.dx(0, () -> {
            Value shape = g.shapeOf(g.x(0));
            long[] dims = g.xType(0).dims();
            long window = 1;
            for (int a = 2; a < dims.length && window > 0; a++) {
                window = dims[a] < 0 ? -1 : window * dims[a];
            }
            if (window > 0 && window <= SMALL_WINDOW) {
                double[] share = new double[(int) window];
                Arrays.fill(share, 1.0 / window);
                Value spread = g.builder().constant(g.dy().elementType(), new long[] {1, window}, share);
                return g.dy().reshape(-1, 1).matmul(spread).reshape(shape);
            }
            Value count = shape.slice(0, 2, Long.MAX_VALUE).product().cast(g.dy().elementType());
            return g.dy().div(count).expand(shape);
        }));
    }

    /** The unpadded fraction of each window: average pooling of ones with padding counted. */
    private static Value validFraction(NodeGradient g, ConvolutionGeometry geometry, long[] kernel) {
        Value ones = g.shapeOf(g.x(0)).constantOfShape(1, g.dy().elementType());
        return g.builder().op("AveragePool", List.of(ones),
                Attributes.ofInts("kernel_shape", kernel),
                Attributes.ofInts("strides", geometry.strides()),
                Attributes.ofInts("pads", geometry.pads()),
                Attributes.ofInt("ceil_mode", g.attr("ceil_mode", 0L)),
                Attributes.ofInt("count_include_pad", 1));
    }

    /**
     * The windows of x (padded with -inf) as a tensor [N, C, window, out...], the first maximum of
     * each by ArgMax, dy placed there and the windows summed back into the image (Col2Im). Cheaper
     * than asking the forward MaxPool for its indices: ORT's MaxPool with an Indices output runs a
     * generic kernel about 15 times slower than the plain one (ResNet-18's 3×3 pool at 32×64×32×32:
     * 36 ms against 2.2 ms).
     */
    private static Value maxPoolByWindows(NodeGradient g) {
        long[] kernel = g.attrInts("kernel_shape", null);
        ConvolutionGeometry geometry = ConvolutionGeometry.of(g, kernel);
        int spatial = kernel.length;
        long taps = Arrays.stream(kernel).reduce(1, Math::multiplyExact);
        long positions = Arrays.stream(geometry.outputSize()).reduce(1, Math::multiplyExact);
        Value windows = Im2Col.stacked(Im2Col.windows(g.x(0), geometry, Double.NEGATIVE_INFINITY), 2);
        Value first = g.builder().op("ArgMax", TensorProto.DataType.INT64_VALUE, List.of(windows),
                Attributes.ofInt("axis", 2), Attributes.ofInt("keepdims", 1));
        long[] tapShape = new long[3 + spatial];
        Arrays.fill(tapShape, 1);
        tapShape[2] = taps;
        Value tap = g.builder().ints(ConvolutionGradients.range(0, (int) taps)).reshape(tapShape);
        Value columns = first.equal(tap).where(g.dy().unsqueeze(2), g.dy().scalar(0));
        return Im2Col.col2im(columns.reshape(0, -1, positions), geometry);
    }

    /** The forward MaxPool also emits the flat index of each maximum; dy is scattered (added) there. */
    private static Value maxPoolByIndices(NodeGradient g) {
        Value indices = maxPoolIndices(g);
        Value shape = g.shapeOf(g.x(0));
        Value zeros = shape.product().unsqueeze(0).constantOfShape(0, g.dy().elementType());
        Value flat = g.builder().op("ScatterElements",
                List.of(zeros, indices.reshape(-1), g.dy().reshape(-1)),
                Attributes.ofInt("axis", 0), Attributes.ofString("reduction", "add"));
        return flat.reshape(shape);
    }

    /** Makes the forward MaxPool emit its indices too, and returns them. */
    private static Value maxPoolIndices(NodeGradient g) {
        NodeProto node = g.node();
        String indices = node.getOutputCount() > 1 && !node.getOutput(1).isEmpty()
                ? node.getOutput(1)
                : node.getOutput(0) + "::indices";
        if (node.getOutputCount() < 2 || node.getOutput(1).isEmpty()) {
            NodeProto.Builder withIndices = node.toBuilder().clearOutput().addOutput(node.getOutput(0)).addOutput(indices);
            g.builder().replaceForwardNode(node, withIndices.build());
        }
        return new Value(g.builder(), indices, TensorProto.DataType.INT64_VALUE);
    }
}
