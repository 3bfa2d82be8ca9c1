package dev.trainer.autodiff;

import ai.onnx.proto.OnnxMl.TensorProto;
import dev.trainer.onnx.Attributes;
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

    public Value transpose(long... perm) {
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

    /** Product of all elements of a 1-D int64 tensor, as a scalar. */
    public Value product() {
        return b.op("ReduceProd", List.of(this), Attributes.ofInt("keepdims", 0));
    }

    /** Elements {@code [start, end)} along {@code axis}. */
    public Value slice(long axis, long start, long end) {
        return b.op("Slice", List.of(this, b.ints(start), b.ints(end), b.ints(axis)));
    }

    /** A tensor of {@code fill} with the shape given by this 1-D int64 value. */
    public Value constantOfShape(double fill, int fillType) {
        var value = dev.trainer.onnx.TensorTypes.tensor("", fillType, new long[] {1}, GraphBuilder.encode(fill, fillType));
        return b.op("ConstantOfShape", fillType, List.of(this), Attributes.ofTensor("value", value));
    }
}
