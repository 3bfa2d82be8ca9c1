package dev.trainer.train;

import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import dev.trainer.onnx.OnnxModel;
import dev.trainer.onnx.TensorTypes;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Which initializers are parameters to train by default: the float tensors the graph's nodes
 * consume, except running statistics of BatchNormalization (inference form keeps them frozen)
 * and scalars, which exporters emit for constants like {@code x / 16}.
 */
public final class TrainableParameters {

    private TrainableParameters() {
    }

    public static List<String> of(OnnxModel model) {
        Set<String> consumed = new HashSet<>();
        Set<String> statistics = new HashSet<>();
        for (NodeProto node : model.proto().getGraph().getNodeList()) {
            consumed.addAll(node.getInputList());
            if (node.getOpType().equals("BatchNormalization")) {
                for (int i = 3; i < Math.min(5, node.getInputCount()); i++) {
                    statistics.add(node.getInput(i));
                }
            }
        }
        List<String> trainable = new ArrayList<>();
        for (TensorProto t : model.proto().getGraph().getInitializerList()) {
            if (TensorTypes.isFloatingPoint(t.getDataType()) && t.getDimsCount() > 0
                    && consumed.contains(t.getName()) && !statistics.contains(t.getName())) {
                trainable.add(t.getName());
            }
        }
        return trainable;
    }
}
