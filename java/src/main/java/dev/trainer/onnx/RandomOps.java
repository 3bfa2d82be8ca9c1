package dev.trainer.onnx;

import ai.onnx.proto.OnnxMl.NodeProto;
import java.util.List;
import java.util.Set;

/**
 * The random ops of a model. A model exported in training mode holds its dropout as
 * {@code RandomUniformLike} (or {@code RandomNormal}, {@code Bernoulli}, ...) followed by a
 * comparison and a product: no flag can turn that dropout off, the same seed gives different runs,
 * and the model predicts differently on every call.
 *
 * @param nodes the random nodes, in graph order
 */
public record RandomOps(List<NodeProto> nodes) {

    private static final Set<String> OPS = Set.of("RandomUniform", "RandomUniformLike", "RandomNormal", "RandomNormalLike",
            "Bernoulli", "Multinomial");

    /** How to get a model without them. */
    public static final String REMEDY = "re-export the model in eval mode (model.eval() before torch.onnx.export)";

    public static RandomOps of(OnnxModel model) {
        return new RandomOps(model.graph().nodes().stream()
                .filter(n -> OPS.contains(n.getOpType()) && (n.getDomain().isEmpty() || n.getDomain().equals("ai.onnx")))
                .toList());
    }

    public boolean isEmpty() {
        return nodes.isEmpty();
    }

    /** The nodes by op type and name, the first few of them, e.g. {@code RandomUniformLike 'dropout_1', ...}. */
    public String names() {
        List<String> named = nodes.stream().limit(5).map(n -> n.getOpType() + " '" + ModelGraph.nameOf(n) + "'").toList();
        return String.join(", ", named) + (nodes.size() > 5 ? " and " + (nodes.size() - 5) + " more" : "");
    }

    /** One line saying what the random ops are, what they do to training, and the way out. */
    public String describe() {
        return "the model holds " + nodes.size() + " random op" + (nodes.size() == 1 ? "" : "s") + " (" + names()
                + "): it was exported in training mode, so its dropout cannot be turned off, runs with the same --seed"
                + " differ and the trained model predicts differently on every call; " + REMEDY;
    }
}
