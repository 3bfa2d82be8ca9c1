package dev.trainer.autodiff;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import dev.trainer.onnx.Attributes;
import java.util.ArrayList;
import java.util.List;

/**
 * A tensor in a graph being built, by name, with the vocabulary gradient rules are written in.
 * Every method adds a node and returns its output; constants take this value's element type.
 */
public record Value(GraphBuilder b, String name, int elementType) {

    public Value add(Value o) {
        return b.op("Add", List.of(this, o));
    }

    public Value sub(Value o) {
        return b.op("Sub", List.of(this, o));
    }

    public Value mul(Value o) {
        return b.op("Mul", List.of(this, o));
    }

    public Value div(Value o) {
        return b.op("Div", List.of(this, o));
    }

    public Value add(double c) {
        return add(scalar(c));
    }

    public Value mul(double c) {
        return c == 1.0 ? this : mul(scalar(c));
    }

    public Value neg() {
        return b.op("Neg", List.of(this));
    }

    public Value sqrt() {
        return b.op("Sqrt", List.of(this));
    }

    public Value reciprocal() {
        return b.op("Reciprocal", List.of(this));
    }

    public Value exp() {
        return b.op("Exp", List.of(this));
    }

    public Value log() {
        return b.op("Log", List.of(this));
    }

    public Value tanh() {
        return b.op("Tanh", List.of(this));
    }

    public Value erf() {
        return b.op("Erf", List.of(this));
    }

    /** This to the power {@code exponent}, elementwise with broadcasting. */
    public Value pow(Value exponent) {
        return b.op("Pow", List.of(this, exponent));
    }

    /** A scalar of this value's element type. */
    public Value scalar(double c) {
        return b.scalar(c, elementType);
    }

    public Value matmul(Value o) {
        return b.op("MatMul", List.of(this, o));
    }

    public Value greater(double c) {
        return b.op("Greater", TensorProto.DataType.BOOL_VALUE, List.of(this, scalar(c)));
    }

    public Value less(double c) {
        return b.op("Less", TensorProto.DataType.BOOL_VALUE, List.of(this, scalar(c)));
    }

    public Value greaterOrEqual(Value o) {
        return b.op("GreaterOrEqual", TensorProto.DataType.BOOL_VALUE, List.of(this, o));
    }

    public Value lessOrEqual(Value o) {
        return b.op("LessOrEqual", TensorProto.DataType.BOOL_VALUE, List.of(this, o));
    }

    public Value less(Value o) {
        return b.op("Less", TensorProto.DataType.BOOL_VALUE, List.of(this, o));
    }

    public Value equal(Value o) {
        return b.op("Equal", TensorProto.DataType.BOOL_VALUE, List.of(this, o));
    }

    public Value and(Value o) {
        return b.op("And", TensorProto.DataType.BOOL_VALUE, List.of(this, o));
    }

    /** This boolean mask picking {@code ifTrue} or {@code ifFalse}, elementwise with broadcasting. */
    public Value where(Value ifTrue, Value ifFalse) {
        return b.op("Where", ifTrue.elementType, List.of(this, ifTrue, ifFalse));
    }

    public Value cast(int toElementType) {
        return b.op("Cast", toElementType, List.of(this), Attributes.ofInt("to", toElementType));
    }

    /**
     * Transpose by {@code perm}; an identity permutation is no node at all. Besides saving a copy,
     * this keeps ONNX Runtime's GemmTransposeFusion (1.27+, microsoft/onnxruntime#32228) from
     * folding an identity Transpose next to a Gemm into its transA/transB as if it swapped the axes.
     */
    public Value transpose(long... perm) {
        boolean identity = true;
        for (int i = 0; i < perm.length; i++) {
            identity &= perm[i] == i;
        }
        if (identity && perm.length > 0) {
            return this;
        }
        return b.op("Transpose", List.of(this), Attributes.ofInts("perm", perm));
    }

    public Value reshape(Value shape) {
        return b.op("Reshape", List.of(this, shape));
    }

    public Value reshape(long... shape) {
        return reshape(b.ints(shape));
    }

    public Value expand(Value shape) {
        return b.op("Expand", List.of(this, shape));
    }

    public Value unsqueeze(long... axes) {
        return b.op("Unsqueeze", List.of(this, b.ints(axes)));
    }

    public Value squeeze(long... axes) {
        return b.op("Squeeze", List.of(this, b.ints(axes)));
    }

    /** Sums over the given axes; no axes is the identity (not a full reduction). */
    public Value sum(long[] axes, boolean keepDims) {
        if (axes.length == 0) {
            return this;
        }
        return b.op("ReduceSum", List.of(this, b.ints(axes)), Attributes.ofInt("keepdims", keepDims ? 1 : 0));
    }

    public Value sum(long axis, boolean keepDims) {
        return sum(new long[] {axis}, keepDims);
    }

    /** The shape of this (backward) value, as a 1-D int64 tensor. */
    public Value shape() {
        return b.op("Shape", TensorProto.DataType.INT64_VALUE, List.of(this));
    }

    /** This tensor and {@code others} joined along {@code axis}. */
    public Value concat(long axis, Value... others) {
        if (others.length == 0) {
            return this;
        }
        List<Value> all = new ArrayList<>(List.of(this));
        all.addAll(List.of(others));
        return b.op("Concat", all, Attributes.ofInt("axis", axis));
    }

    /** Elements of this at {@code indices} along {@code axis} (ONNX Gather). */
    public Value gather(Value indices, long axis) {
        return b.op("Gather", List.of(this, indices), Attributes.ofInt("axis", axis));
    }

    /**
     * A copy of this with {@code updates} written at the index tuples of {@code indices} (last axis);
     * {@code reduction} "add" sums updates into the copy, repeated indices included; null overwrites.
     */
    public Value scatterND(Value indices, Value updates, String reduction) {
        return reduction == null ? b.op("ScatterND", List.of(this, indices, updates))
                : b.op("ScatterND", List.of(this, indices, updates), Attributes.ofString("reduction", reduction));
    }

    /** A copy of this with {@code updates[i]} written at {@code indices[i]} along {@code axis}; see {@link #scatterND}. */
    public Value scatterElements(Value indices, Value updates, long axis, String reduction) {
        AttributeProto axisAttribute = Attributes.ofInt("axis", axis);
        return reduction == null ? b.op("ScatterElements", List.of(this, indices, updates), axisAttribute)
                : b.op("ScatterElements", List.of(this, indices, updates), axisAttribute,
                        Attributes.ofString("reduction", reduction));
    }

    /** Elements {@code starts:ends:steps} along {@code axes}, all four 1-D int64 tensors (ONNX Slice). */
    public Value slice(Value starts, Value ends, Value axes, Value steps) {
        return b.op("Slice", List.of(this, starts, ends, axes, steps));
    }

    /** The 1-D int64 tensor {@code 0, 1, ..., n - 1} for a scalar int64 {@code n}. */
    public Value range() {
        return b.op("Range", List.of(b.scalar(0, elementType), this, b.scalar(1, elementType)));
    }

    /** Product of all elements of a 1-D int64 tensor, as a scalar. */
    public Value product() {
        return b.op("ReduceProd", List.of(this), Attributes.ofInt("keepdims", 0));
    }

    /** Elements {@code [start, end)} along {@code axis}. */
    public Value slice(long axis, long start, long end) {
        return b.op("Slice", List.of(this, b.ints(start), b.ints(end), b.ints(axis)));
    }

    public Value abs() {
        return b.op("Abs", List.of(this));
    }

    public Value round() {
        return b.op("Round", List.of(this));
    }

    public Value sin() {
        return b.op("Sin", List.of(this));
    }

    public Value cos() {
        return b.op("Cos", List.of(this));
    }

    public Value sigmoid() {
        return b.op("Sigmoid", List.of(this));
    }

    /** Sums over axes given at run time (a 1-D int64 value); no axes is the identity. */
    public Value sum(Value axes, boolean keepDims) {
        return b.op("ReduceSum", List.of(this, axes), Attributes.ofInt("keepdims", keepDims ? 1 : 0),
                Attributes.ofInt("noop_with_empty_axes", 1));
    }

    /** Elements of this at the index tuples of {@code indices} (ONNX GatherND). */
    public Value gatherND(Value indices, long batchDims) {
        return batchDims == 0 ? b.op("GatherND", List.of(this, indices))
                : b.op("GatherND", List.of(this, indices), Attributes.ofInt("batch_dims", batchDims));
    }

    /** Elements of this at {@code indices} along {@code axis}, elementwise (ONNX GatherElements). */
    public Value gatherElements(Value indices, long axis) {
        return b.op("GatherElements", List.of(this, indices), Attributes.ofInt("axis", axis));
    }

    /** This padded by {@code pads} (begins then ends, one pair per axis; negative pads crop) with zeros. */
    public Value pad(Value pads) {
        return b.op("Pad", List.of(this, pads), Attributes.ofString("mode", "constant"));
    }

    /** The indices of the non-zero elements of this 1-D value, as a 1-D int64 tensor. */
    public Value nonZero() {
        return b.op("NonZero", TensorProto.DataType.INT64_VALUE, List.of(this)).reshape(-1);
    }

    /** The number of elements of this (backward) value, as an int64 scalar. */
    public Value size() {
        return b.op("Size", TensorProto.DataType.INT64_VALUE, List.of(this));
    }

    /** Elements of this along {@code axis} in reverse order. */
    public Value reverse(long axis) {
        return slice(b.ints(-1), b.ints(Long.MIN_VALUE), b.ints(axis), b.ints(-1));
    }

    /** A tensor of {@code fill} with the shape given by this 1-D int64 value. */
    public Value constantOfShape(double fill, int fillType) {
        var value = dev.trainer.onnx.TensorTypes.tensor("", fillType, new long[] {1}, GraphBuilder.encode(fill, fillType));
        return b.op("ConstantOfShape", fillType, List.of(this), Attributes.ofTensor("value", value));
    }
}
