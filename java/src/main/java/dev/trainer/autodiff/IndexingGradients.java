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
            if (axis == g.xType(0).rank()) {
                throw new ModelException(g.describe() + ": its axis " + axis + " is outside the rank of its data");
            }
            Value shape = g.shapeOf(g.x(0));
            Value indices = nonNegative(g.x(1), shape.gather(g.builder().scalar(axis, INT64), 0));
            return scatterAddAlong(shape, indices, g.dy(), axis, g.xType(0).rank(), g.xType(1).rank());
        }));
        // y[i...] = data[indices[i...]] (index tuples along the last axis of indices): dx = ScatterND-add of dy
        // with batch_dims > 0: the same gather taken of every element's flat position says where each dy goes
        rules.put("GatherND", g -> g.dx(0, () -> {
            long batchDims = g.attr("batch_dims", 0L);
            if (batchDims != 0) {
                Value shape = g.shapeOf(g.x(0));
                return scatterAddFlat(shape, flatPositions(shape).gatherND(g.x(1), batchDims), g.dy());
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
        // y = data with updates written at the index tuples: data's gradient is dy with those places
        // zeroed (all of dy when updates are added in), the updates' is dy gathered from there
        rules.put("ScatterND", g -> {
            boolean added = addsUpdates(g);
            g.dx(0, () -> added ? g.dy() : g.dy().scatterND(g.x(1), g.zerosLike(g.x(2)), null));
            g.dx(2, () -> g.dy().gatherND(g.x(1), 0));
        });
        rules.put("ScatterElements", g -> {
            boolean added = addsUpdates(g);
            int axis = g.axis("axis", 0);
            g.dx(0, () -> added ? g.dy() : g.dy().scatterElements(g.x(1), g.zerosLike(g.x(2)), axis, null));
            g.dx(2, () -> g.dy().gatherElements(g.x(1), axis));
        });
    }

    /** Whether a scatter adds its updates (reduction "add") rather than writing them; others have no rule. */
    private static boolean addsUpdates(NodeGradient g) {
        String reduction = g.attr("reduction", "none");
        if (!reduction.equals("none") && !reduction.equals("add")) {
            throw new ModelException(g.describe() + ": a scatter with reduction '" + reduction + "' has no gradient rule");
        }
        return reduction.equals("add");
    }

    /** The flat position of every element of a tensor of {@code shape}: 0, 1, ..., n - 1 laid out in that shape. */
    private static Value flatPositions(Value shape) {
        return shape.product().range().reshape(shape);
    }

    /** dy added into zeros of {@code shape} at the flat positions of the same shape as dy. */
    private static Value scatterAddFlat(Value shape, Value positions, Value dy) {
        Value zeros = shape.product().unsqueeze(0).constantOfShape(0, dy.elementType());
        return zeros.scatterElements(positions.reshape(-1), dy.reshape(-1), 0, "add").reshape(shape);
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
            if (inputs && g.hasInput(3) && g.knownInts(3) == null) {
                // axes only the run knows: slice every element's flat position the same way
                Value positions = b.op("Slice", java.util.Arrays.asList(flatPositions(shape), g.x(1), g.x(2), g.x(3),
                        g.hasInput(4) ? g.x(4) : null));
                return scatterAddFlat(shape, positions, g.dy());
            }
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
