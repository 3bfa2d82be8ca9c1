package dev.trainer.autodiff;

import ai.onnx.proto.OnnxMl.NodeProto;
import dev.trainer.onnx.ValueType;
import java.util.Map;
import java.util.Set;

/**
 * Where a pointwise gradient is computed on a flat view of its values. ONNX Runtime's CPU kernels
 * broadcast a scalar against a tensor whose last axes are 1 (the {@code [N, C, 1, 1]} of a
 * squeeze-and-excitation block) one element at a time: 25 ns an element, twenty times a
 * comparison or a product over the same values read as {@code [N, C]} (OpFormsBenchmark;
 * docs/performance.md, "Small maps").
 */
final class TrailingUnitAxes {

    /** Ops whose gradient rule is pointwise in their first input and output, with scalar extras. */
    private static final Set<String> POINTWISE = Set.of(
            "Relu", "LeakyRelu", "Elu", "Softplus", "Sigmoid", "Tanh", "HardSigmoid", "HardSwish", "Clip", "Gelu");

    private TrailingUnitAxes() {
    }

    /**
     * The axes a flat view of the node's values keeps: those before its output's trailing static
     * axes of size 1; -1 when the op is not pointwise or the output has no such axes to drop.
     */
    static int keptRank(NodeProto node, Map<String, ValueType> types) {
        ValueType out = node.getOutputCount() == 0 ? null : types.get(node.getOutput(0));
        if (!POINTWISE.contains(node.getOpType()) || out == null || out.rank() < 3) {
            return -1;
        }
        int kept = out.rank();
        while (kept > 1 && out.dim(kept - 1) == 1) {
            kept--;
        }
        return kept == out.rank() ? -1 : kept;
    }
}
