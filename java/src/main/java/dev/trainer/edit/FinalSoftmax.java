package dev.trainer.edit;

import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import dev.trainer.onnx.Attributes;
import dev.trainer.onnx.OnnxModel;

/**
 * A classifier exported with its Softmax (or LogSoftmax) as the last op outputs probabilities,
 * while cross-entropy is defined on logits: training and evaluation read the Softmax's input
 * instead, made a graph output of the model they run. The exported model keeps its Softmax.
 *
 * @param node   the final Softmax or LogSoftmax
 * @param model  the model with the logits as an extra output
 */
public record FinalSoftmax(NodeProto node, OnnxModel model) {

    /** The logits' name: the Softmax's input. */
    public String logits() {
        return node.getInput(0);
    }

    /** The Softmax or LogSoftmax over the last axis that produces {@code output}, or {@code null}. */
    public static FinalSoftmax of(OnnxModel model, String output) {
        NodeProto node = model.graph().producer(output);
        if (node == null || !node.getOutput(0).equals(output)
                || !(node.getOpType().equals("Softmax") || node.getOpType().equals("LogSoftmax"))) {
            return null;
        }
        int rank = model.graph().outputs().stream().filter(o -> o.getName().equals(output)).findFirst()
                .map(o -> o.getType().getTensorType().getShape().getDimCount()).orElse(0);
        long axis = Attributes.getInt(node, "axis", model.opset() < 13 ? 1 : -1);
        if (axis != -1 && (rank == 0 || axis != rank - 1)) {
            return null;
        }
        return new FinalSoftmax(node, model.withProto(model.proto().toBuilder().setGraph(model.proto().getGraph().toBuilder()
                .addOutput(ValueInfoProto.newBuilder().setName(node.getInput(0)))).build()));
    }

    /** What the user is told once. */
    public String note(String output) {
        return String.format("the output %s is a %s: cross-entropy reads its input %s (the exported model keeps the %s)",
                output, node.getOpType(), logits(), node.getOpType());
    }
}
