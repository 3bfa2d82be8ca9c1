package dev.trainer.autodiff;

import ai.onnx.proto.OnnxMl.TensorProto;
import dev.trainer.ModelException;
import java.util.Arrays;
import java.util.Map;

/**
 * Ops that read elements at indices (Gather, GatherND, GatherElements, Slice): the gradient writes
 * dy back at the same places into zeros shaped like the data, adding where an index repeats.
 */
final class IndexingGradients {

    private static final int INT64 = TensorProto.DataType.INT64_VALUE;

    private IndexingGradients() {
    }

    static void register(Map<String, GradientRule> rules) {
        // y = data.take(indices, axis) (an embedding lookup at axis 0): dx = scatter-add of dy into zeros
        rules.put("Gather", g -> g.dx(0, () -> {
            int axis = g.axis("axis", 0);
            Value shape = g.shapeOf(g.x(0));
            Value indices = nonNegative(g.x(1), shape.gather(g.builder().scalar(axis, INT64), 0));
            return scatterAddAlong(shape, indices, g.dy(), axis, g.xType(0).rank(), g.xType(1).rank());
        }));
        // y[i...] = data[indices[i...]] (index tuples along the last axis of indices): dx = ScatterND-add of dy
        rules.put("GatherND", g -> g.dx(0, () -> {
            if (g.attr("batch_dims", 0L) != 0) {
                throw new ModelException(g.describe() + ": trainer differentiates GatherND with batch_dims = 0 only");
            }
            long depth = g.staticDims(1, g.xType(1).rank() - 1)[g.xType(1).rank() - 1];
            Value shape = g.shapeOf(g.x(0));
            return g.zerosLike(g.x(0)).scatterND(nonNegative(g.x(1), shape.slice(0, 0, depth)), g.dy(), "add");
        }));
        // y[..i..] = data[..indices[..i..]..] along axis: dx = ScatterElements-add of dy
        rules.put("GatherElements", g -> g.dx(0, () -> {
            int axis = g.axis("axis", 0);
            Value dim = g.shapeOf(g.x(0)).gather(g.builder().scalar(axis, INT64), 0);
            return g.zerosLike(g.x(0)).scatterElements(nonNegative(g.x(1), dim), g.dy(), axis, "add");
        }));
        rules.put("Slice", IndexingGradients::slice);
    }

    /**
     * dy written back at the sliced positions, one sliced axis at a time. The positions along an axis
     * are the same slice taken of 0, 1, ..., dim - 1, so ONNX's clamping of negative and out-of-range
     * starts and ends and its negative steps are ONNX Runtime's own, not re-derived here.
     */
    private static void slice(NodeGradient g) {
        g.dx(0, () -> {
            GraphBuilder b = g.builder();
            int rank = g.xType(0).rank();
            Value shape = g.shapeOf(g.x(0));
            boolean inputs = g.opset() >= 10;
            long[] axes = inputs
                    ? g.hasInput(3) ? g.constantInts(3) : ConvolutionGradients.range(0, (int) g.staticDims(1, 0)[0])
                    : g.attrInts("axes", ConvolutionGradients.range(0, g.attrInts("starts", new long[0]).length));
            Value grad = g.dy();
            for (int i = 0; i < axes.length; i++) {
                long axis = axes[i] < 0 ? axes[i] + rank : axes[i];
                Value start = inputs ? int64(g.x(1)).slice(0, i, i + 1) : b.ints(g.attrInts("starts", null)[i]);
                Value end = inputs ? int64(g.x(2)).slice(0, i, i + 1) : b.ints(g.attrInts("ends", null)[i]);
                Value step = inputs && g.hasInput(4) ? int64(g.x(4)).slice(0, i, i + 1) : b.ints(1);
                Value positions = shape.gather(b.scalar(axis, INT64), 0).range().slice(start, end, b.ints(0), step);
                long[] column = new long[rank];
                Arrays.fill(column, 1);
                column[(int) axis] = -1;
                Value gradShape = grad.shape();
                Value full = gradShape.slice(0, 0, axis).concat(0, shape.slice(0, axis, axis + 1),
                        gradShape.slice(0, axis + 1, rank));
                grad = full.constantOfShape(0, grad.elementType())
                        .scatterElements(positions.reshape(column).expand(gradShape), grad, axis, null);
            }
            return grad;
        });
    }

    /**
     * Gather's dy (shape data[:axis] + indices + data[axis+1:]) added into zeros shaped like the data:
     * ScatterND along the first axis, with the gathered axis moved to the front and back otherwise.
     */
    private static Value scatterAddAlong(Value dataShape, Value indices, Value dy, int axis, int rank, int indexRank) {
        Value column = indices.unsqueeze(-1);
        if (axis == 0) {
            return dataShape.constantOfShape(0, dy.elementType()).scatterND(column, dy, "add");
        }
        long[] dataPerm = ConvolutionGradients.concat(new long[] {axis},
                ConvolutionGradients.concat(ConvolutionGradients.range(0, axis), ConvolutionGradients.range(axis + 1, rank)));
        long[] dyPerm = ConvolutionGradients.concat(ConvolutionGradients.range(axis, axis + indexRank),
                ConvolutionGradients.concat(ConvolutionGradients.range(0, axis),
                        ConvolutionGradients.range(axis + indexRank, rank + indexRank - 1)));
        Value zeros = dataShape.gather(dy.b().ints(dataPerm), 0).constantOfShape(0, dy.elementType());
        return zeros.scatterND(column, dy.transpose(dyPerm), "add").transpose(inverse(dataPerm));
    }

    /** Indices as int64 with negative ones counted from the end of {@code dims} (broadcast along the last axis). */
    private static Value nonNegative(Value indices, Value dims) {
        Value i = int64(indices);
        return i.less(0).where(i.add(dims), i);
    }

    private static Value int64(Value v) {
        return v.elementType() == INT64 ? v : v.cast(INT64);
    }

    static long[] inverse(long[] perm) {
        long[] inv = new long[perm.length];
        for (int i = 0; i < perm.length; i++) {
            inv[(int) perm[i]] = i;
        }
        return inv;
    }
}
