package dev.trainer.autodiff;

import ai.onnx.proto.OnnxMl.TensorProto;
import dev.trainer.onnx.Attributes;
import dev.trainer.onnx.ValueType;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The windows of a convolution or pooling as a tensor of their own (im2col), and back (col2im),
 * in standard ops: one strided Slice per window position, and ONNX's Col2Im (opset 18), which sums
 * overlapping windows into the image. With them a convolution over the whole batch is one large
 * matrix product rather than one small product per image.
 */
final class Im2Col {

    private Im2Col() {
    }

    /**
     * The window positions of {@code x} ([A, B, spatial...], spatial axes last, as given by
     * {@code geometry}), padded with {@code padValue}: one [A, B, out...] tensor per kernel position,
     * in row-major kernel order.
     */
    static List<Value> windows(Value x, ConvolutionGeometry geometry, double padValue) {
        int spatial = geometry.kernel().length;
        long[] pads = geometry.pads();
        Value padded = x;
        if (Arrays.stream(pads).anyMatch(p -> p != 0)) {
            long[] all = new long[2 * (spatial + 2)];
            for (int i = 0; i < spatial; i++) {
                all[2 + i] = pads[i];
                all[spatial + 4 + i] = pads[spatial + i];
            }
            padded = x.b().op("Pad", List.of(x, x.b().ints(all), x.scalar(padValue)));
        }
        long[] axes = ConvolutionGradients.range(2, 2 + spatial);
        List<Value> windows = new ArrayList<>();
        long[] position = new long[spatial];
        do {
            long[] starts = new long[spatial];
            long[] ends = new long[spatial];
            for (int i = 0; i < spatial; i++) {
                starts[i] = position[i] * geometry.dilations()[i];
                ends[i] = starts[i] + geometry.strides()[i] * (geometry.outputSize()[i] - 1) + 1;
            }
            windows.add(padded.slice(x.b().ints(starts), x.b().ints(ends), x.b().ints(axes), x.b().ints(geometry.strides())));
        } while (next(position, geometry.kernel()));
        return windows;
    }

    /** The windows joined along a new axis {@code axis}: [A, B, out...] each, kernel positions at {@code axis}. */
    static Value stacked(List<Value> windows, long axis) {
        List<Value> unsqueezed = windows.stream().map(w -> w.unsqueeze(axis)).toList();
        return unsqueezed.getFirst().concat(axis, unsqueezed.subList(1, unsqueezed.size()).toArray(Value[]::new));
    }

    /** Whether {@link #col2im} serves images of this type: float, two or more spatial axes (ORT's Col2Im). */
    static boolean hasCol2Im(ValueType image) {
        return image.elementType() == TensorProto.DataType.FLOAT_VALUE && image.rank() >= 4;
    }

    /**
     * Sums columns [N, C × kernel positions, out positions] back into the image [N, C, in...],
     * each window's values at its place (ONNX Col2Im; 2-D and more spatial axes).
     */
    static Value col2im(Value columns, ConvolutionGeometry geometry) {
        return columns.b().op("Col2Im", List.of(columns, columns.b().ints(geometry.inputSize()),
                        columns.b().ints(geometry.kernel())),
                Attributes.ofInts("dilations", geometry.dilations()),
                Attributes.ofInts("pads", geometry.pads()),
                Attributes.ofInts("strides", geometry.strides()));
    }

    /** Advances a row-major position within {@code bounds}; false after the last. */
    private static boolean next(long[] position, long[] bounds) {
        for (int i = position.length - 1; i >= 0; i--) {
            if (++position[i] < bounds[i]) {
                return true;
            }
            position[i] = 0;
        }
        return false;
    }
}
