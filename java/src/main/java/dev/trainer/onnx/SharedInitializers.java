package dev.trainer.onnx;

import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The floating-point initializers that more than one node input reads, directly or through
 * Identity nodes (the TorchScript exporter keeps a merged tensor once and hands it to the other
 * names by Identity), with their readers and what the sharing looks like. Trained as one tensor, a
 * shared initializer ties the parameters it stands for. Exporters of torch 2.x (and, for equal
 * BatchNorm statistics, torch 1.13) merge initializers whose values are equal, as every LayerNorm
 * weight and zero bias of a freshly initialised model; other sharing is intended tying, as an
 * embedding reused as the output projection.
 *
 * @param tensors the shared initializers, in the graph's order
 */
public record SharedInitializers(List<Shared> tensors) {

    /**
     * One node input reading a shared initializer.
     *
     * @param nodeIndex the node's position in the graph
     * @param slot      the input's position
     * @param alias     the name it reads: the initializer's, or an Identity's output standing for it
     */
    public record Use(int nodeIndex, NodeProto node, int slot, String alias) {

        public boolean isStatistic() {
            return node.getOpType().equals("BatchNormalization") && (slot == 3 || slot == 4);
        }

        /** The node's name, or its first output's when it has none. */
        public String nodeName() {
            return ModelGraph.nameOf(node);
        }
    }

    /**
     * A shared initializer and its uses in graph order.
     *
     * @param statistic a BatchNormalization running statistic is among the uses, with something trainable:
     *                  statistics never train, so this is always the exporter's merge of equal values
     * @param merged    its trainable uses look like the exporter merged equal tensors: its elements are all
     *                  equal, or one op reads it in the same slot several times (every LayerNorm's weight);
     *                  otherwise (different ops, as an embedding reused as the output projection) the
     *                  tying looks intended
     */
    public record Shared(String name, List<Use> uses, boolean statistic, boolean merged) {

        /** The uses that can train: all but those as a running statistic. */
        public List<Use> trainableUses() {
            return uses.stream().filter(u -> !u.isStatistic()).toList();
        }
    }

    /** The shared initializers of a model. */
    public static SharedInitializers of(OnnxModel model) {
        ModelGraph graph = model.graph();
        Map<String, TensorProto> floats = new LinkedHashMap<>();
        graph.initializers().stream().filter(t -> TensorTypes.isFloatingPoint(t.getDataType()))
                .forEach(t -> floats.put(t.getName(), t));
        Map<String, String> aliases = aliases(graph, floats.keySet());
        Map<String, List<Use>> uses = new LinkedHashMap<>();
        floats.keySet().forEach(n -> uses.put(n, new ArrayList<>()));
        List<NodeProto> nodes = graph.nodes();
        for (int n = 0; n < nodes.size(); n++) {
            NodeProto node = nodes.get(n);
            if (isRelay(node, aliases)) {
                continue;
            }
            for (int slot = 0; slot < node.getInputCount(); slot++) {
                String input = node.getInput(slot);
                String root = floats.containsKey(input) ? input : aliases.get(input);
                if (root != null) {
                    uses.get(root).add(new Use(n, node, slot, input));
                }
            }
        }
        List<Shared> shared = new ArrayList<>();
        uses.forEach((name, readers) -> {
            if (readers.size() > 1) {
                List<Use> trainable = readers.stream().filter(u -> !u.isStatistic()).toList();
                shared.add(new Shared(name, List.copyOf(readers), !trainable.isEmpty() && trainable.size() < readers.size(),
                        looksMerged(trainable, model, floats.get(name))));
            }
        });
        return new SharedInitializers(List.copyOf(shared));
    }

    /** Identity outputs that stand for an initializer, directly or through other such Identities. */
    private static Map<String, String> aliases(ModelGraph graph, Set<String> initializers) {
        Map<String, String> aliases = new HashMap<>();
        for (NodeProto node : graph.nodes()) {
            if (node.getOpType().equals("Identity") && node.getInputCount() == 1) {
                String input = node.getInput(0);
                String root = initializers.contains(input) ? input : aliases.get(input);
                if (root != null) {
                    aliases.put(node.getOutput(0), root);
                }
            }
        }
        return aliases;
    }

    /** An Identity that only hands an initializer on under another name. */
    private static boolean isRelay(NodeProto node, Map<String, String> aliases) {
        return node.getOpType().equals("Identity") && node.getOutputCount() == 1 && aliases.containsKey(node.getOutput(0));
    }

    private static boolean looksMerged(List<Use> trainable, OnnxModel model, TensorProto tensor) {
        if (trainable.size() < 2) {
            return false;
        }
        Set<String> slots = new HashSet<>();
        boolean repeatedSlot = trainable.stream().anyMatch(u -> !slots.add(u.node().getOpType() + "#" + u.slot()));
        return repeatedSlot || allEqual(model.initializerBytes(tensor), TensorTypes.elementBytes(tensor.getDataType()));
    }

    private static boolean allEqual(ByteBuffer bytes, int elementBytes) {
        for (int i = elementBytes; i < bytes.limit(); i++) {
            if (bytes.get(i) != bytes.get(i % elementBytes)) {
                return false;
            }
        }
        return true;
    }

    public boolean isEmpty() {
        return tensors.isEmpty();
    }

    /** The BatchNormalization statistics merged with something trainable. */
    public List<Shared> statisticMerges() {
        return tensors.stream().filter(Shared::statistic).toList();
    }

    /** The tensors whose trainable uses look like the exporter's merge of equal tensors. */
    public List<Shared> merges() {
        return tensors.stream().filter(Shared::merged).toList();
    }

    /** What {@code trainer inspect} prints: every shared initializer, its readers, and what that means. */
    public String describe() {
        StringBuilder s = new StringBuilder();
        for (Shared t : tensors) {
            s.append(String.format("  %s, read by %d nodes: %s%n", t.name(), t.uses().size(), readers(t.uses())));
            if (t.statistic()) {
                s.append("    a BatchNormalization statistic merged with a parameter: fine-tune gives the statistics"
                        + " their own frozen copy\n");
            }
            if (t.merged()) {
                s.append("    looks like the exporter merged equal tensors: they train as one, tied, where the original"
                        + " model trained them apart; --untie-shared gives every use its own copy\n");
            } else if (t.trainableUses().size() > 1) {
                s.append("    read by different ops, as a tied embedding: trains as one tensor; --untie-shared unties it\n");
            } else if (!t.statistic()) {
                s.append("    read only as running statistics, which never train\n");
            }
        }
        return s.toString();
    }

    /** The readers by op type and slot, with a count and the first node's name, e.g. {@code BatchNormalization input 1 (x5, '/bn1/BN', ...)}. */
    private static String readers(List<Use> uses) {
        Map<String, List<Use>> bySlot = new LinkedHashMap<>();
        uses.forEach(u -> bySlot.computeIfAbsent(u.node().getOpType() + " input " + u.slot()
                + (u.isStatistic() ? " (running statistic)" : ""), k -> new ArrayList<>()).add(u));
        List<String> parts = new ArrayList<>();
        bySlot.forEach((slot, list) -> parts.add(slot + " " + (list.size() == 1 ? list.getFirst().nodeName()
                : "x" + list.size() + " ('" + list.getFirst().nodeName() + "', ...)")));
        return String.join("; ", parts);
    }
}
