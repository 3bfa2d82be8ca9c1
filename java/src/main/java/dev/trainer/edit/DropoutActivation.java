package dev.trainer.edit;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.TypeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import dev.trainer.onnx.Attributes;
import dev.trainer.onnx.OnnxModel;

/**
 * Makes a model's Dropout nodes active while training: each takes its training mode from one
 * boolean graph input, {@link #TRAINING_FLAG} (true in training steps, false when evaluating),
 * and emits its mask, which the Dropout gradient rule reads. Exported models keep the original,
 * inactive nodes. Dropout entered ONNX's training mode in opset 12; older models keep theirs
 * inactive.
 */
public final class DropoutActivation {

    public static final String TRAINING_FLAG = "trainer::training";

    private DropoutActivation() {
    }

    /** Whether the model has Dropout nodes this can activate. */
    public static boolean applies(OnnxModel model) {
        return model.opset() >= 12 && model.graph().nodes().stream().anyMatch(DropoutActivation::isDropout);
    }

    /** The model with active Dropout nodes, seeded in graph order from {@code seed}. */
    public static OnnxModel activate(OnnxModel model, long seed) {
        GraphProto.Builder graph = model.proto().getGraph().toBuilder();
        int index = 0;
        for (int i = 0; i < graph.getNodeCount(); i++) {
            NodeProto node = graph.getNode(i);
            if (!isDropout(node)) {
                continue;
            }
            String ratio = node.getInputCount() > 1 ? node.getInput(1) : "";
            String mask = node.getOutputCount() > 1 && !node.getOutput(1).isEmpty()
                    ? node.getOutput(1) : node.getOutput(0) + "::mask";
            NodeProto.Builder active = node.toBuilder().clearInput().clearOutput()
                    .addInput(node.getInput(0)).addInput(ratio).addInput(TRAINING_FLAG)
                    .addOutput(node.getOutput(0)).addOutput(mask);
            active.clearAttribute();
            node.getAttributeList().stream().filter(a -> !a.getName().equals("seed")).forEach(active::addAttribute);
            // Each node its own stream, reproducible across runs with the same --seed.
            active.addAttribute(Attributes.ofInt("seed", seed * 1_000_003L + index++));
            graph.setNode(i, active);
        }
        graph.addInput(ValueInfoProto.newBuilder().setName(TRAINING_FLAG).setType(TypeProto.newBuilder()
                .setTensorType(TypeProto.Tensor.newBuilder().setElemType(TensorProto.DataType.BOOL_VALUE)
                        .setShape(TensorShapeProto.getDefaultInstance()))));
        return model.withProto(model.proto().toBuilder().setGraph(graph).build());
    }

    private static boolean isDropout(NodeProto node) {
        return node.getOpType().equals("Dropout") && (node.getDomain().isEmpty() || node.getDomain().equals("ai.onnx"));
    }
}
