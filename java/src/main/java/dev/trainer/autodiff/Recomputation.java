package dev.trainer.autodiff;

import ai.onnx.proto.OnnxMl.NodeProto;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Picks the forward nodes the backward graph runs again (see {@link Recompute}), so that their
 * outputs need not be stashed. The recomputed nodes keep their forward names and compute from
 * values the backward has anyway (weights, constants, the batch, stashed values, other recomputed
 * values), in the forward's order.
 */
final class Recomputation {

    /**
     * Elementwise ops cheap enough to run again rather than keep their outputs alive from the
     * forward pass: an exported GELU or LayerNorm is a chain of them, and stashing every link costs
     * several activation-sized tensors per layer.
     */
    private static final Set<String> CHEAP = Set.of("Add", "Sub", "Mul", "Div", "Neg", "Erf", "Tanh",
            "Sigmoid", "Relu", "LeakyRelu", "Exp", "Log", "Sqrt", "Pow", "Reciprocal", "Cast", "Identity", "Where");
    /** How long a chain of cheap ops may be recomputed from one stashed value. */
    private static final int MAX_CHEAP_DEPTH = 8;
    /**
     * Ops whose inputs, attributes or meaning changed at the given opset: a node of an older model
     * would mean something else (or be invalid) in the backward graph's opset (18 or later), so it
     * is not copied there. Changes that only add types or optional parts are not listed.
     */
    private static final Map<String, Integer> CHANGED_AT = Map.ofEntries(
            Map.entry("Unsqueeze", 13), Map.entry("Squeeze", 13), Map.entry("ReduceSum", 13), Map.entry("Split", 13),
            Map.entry("Softmax", 13), Map.entry("LogSoftmax", 13), Map.entry("Hardmax", 13),
            Map.entry("ReduceMean", 18), Map.entry("ReduceMax", 18), Map.entry("ReduceMin", 18), Map.entry("ReduceProd", 18),
            Map.entry("ReduceL1", 18), Map.entry("ReduceL2", 18), Map.entry("ReduceLogSum", 18),
            Map.entry("ReduceLogSumExp", 18), Map.entry("ReduceSumSquare", 18), Map.entry("Slice", 10), Map.entry("Pad", 11),
            Map.entry("Clip", 11), Map.entry("TopK", 10), Map.entry("Resize", 19), Map.entry("Upsample", Integer.MAX_VALUE));
    /** Ops whose outputs differ from one run to the next: never run twice. */
    private static final Set<String> RANDOM = Set.of("Dropout", "RandomNormal", "RandomUniform", "RandomNormalLike",
            "RandomUniformLike", "Multinomial", "Bernoulli");

    private final Recompute policy;
    private final long opset;
    private final List<NodeProto> forwardNodes;
    private final Map<String, NodeProto> producers = new HashMap<>();
    private final Predicate<String> free;
    private final Set<String> checkpoints;

    /**
     * @param opset        the forward model's default-domain opset
     * @param forwardNodes the forward graph's nodes in order, forward rewrites included
     * @param free         values the backward gets without stashing (weights, constants, the batch)
     * @param requiresGrad values that depend on a trainable parameter (only they can be checkpoints)
     */
    Recomputation(Recompute policy, long opset, List<NodeProto> forwardNodes, Predicate<String> free,
                  Set<String> requiresGrad) {
        this.policy = policy;
        this.opset = opset;
        this.forwardNodes = forwardNodes;
        forwardNodes.forEach(n -> n.getOutputList().forEach(o -> producers.put(o, n)));
        this.free = free;
        this.checkpoints = policy == Recompute.SEGMENTS ? checkpoints(forwardNodes, requiresGrad) : Set.of();
    }

    /**
     * The forward nodes to run again for the values in {@code wanted} (what the backward reads from
     * outside itself), in forward order; a value that cannot be recomputed stays wanted from the stash.
     */
    List<NodeProto> nodesFor(Collection<String> wanted) {
        Map<String, Integer> position = new HashMap<>();
        for (int i = 0; i < forwardNodes.size(); i++) {
            for (String out : forwardNodes.get(i).getOutputList()) {
                position.put(out, i);
            }
        }
        List<String> ordered = new ArrayList<>(wanted.stream().filter(v -> !free.test(v)).distinct().toList());
        ordered.sort((a, c) -> Integer.compare(position.getOrDefault(a, -1), position.getOrDefault(c, -1)));
        Set<String> kept = new HashSet<>();
        for (String v : ordered) {
            if (!recomputable(producers.get(v)) || checkpoints.contains(v)) {
                kept.add(v);
            }
        }
        Map<String, NodeProto> again = new LinkedHashMap<>();
        for (String v : ordered) {
            if (kept.contains(v) || again.containsKey(v)) {
                continue;
            }
            Map<String, NodeProto> trial = new LinkedHashMap<>();
            if (reaches(v, 0, kept, again, trial)) {
                again.putAll(trial);
            } else {
                kept.add(v);
            }
        }
        List<NodeProto> nodes = new ArrayList<>(again.values());
        nodes.sort((a, c) -> Integer.compare(position.get(a.getOutput(0)), position.get(c.getOutput(0))));
        return nodes;
    }

    /** Whether v can be computed again from kept, free or checkpointed values; collects the nodes into trial. */
    private boolean reaches(String v, int depth, Set<String> kept, Map<String, NodeProto> again,
                            Map<String, NodeProto> trial) {
        if (free.test(v) || kept.contains(v) || again.containsKey(v) || trial.containsKey(v)) {
            return true;
        }
        if (checkpoints.contains(v)) {
            kept.add(v);
            return true;
        }
        NodeProto p = producers.get(v);
        if (!recomputable(p) || policy == Recompute.CHEAP_CHAINS && depth > MAX_CHEAP_DEPTH) {
            return false;
        }
        for (String in : p.getInputList()) {
            if (!in.isEmpty() && !reaches(in, depth + 1, kept, again, trial)) {
                return false;
            }
        }
        trial.put(v, p);
        return true;
    }

    private boolean recomputable(NodeProto p) {
        if (p == null || p.getOutputCount() != 1 || !p.getDomain().isEmpty() && !p.getDomain().equals("ai.onnx")
                || opset < CHANGED_AT.getOrDefault(p.getOpType(), 0)) {
            return false;
        }
        boolean subgraph = p.getAttributeList().stream().anyMatch(a -> a.hasG() || a.getGraphsCount() > 0);
        return policy == Recompute.CHEAP_CHAINS ? CHEAP.contains(p.getOpType()) : !RANDOM.contains(p.getOpType()) && !subgraph;
    }

    /**
     * Segment boundaries: values that cut the forward graph in two (after the node that makes one,
     * it is the only value depending on a trainable parameter that later nodes still read), at
     * least √n nodes apart for n forward nodes, so that about √n segments are each recomputed
     * whole (Chen et al.'s √n checkpointing, by node count rather than by bytes).
     */
    static Set<String> checkpoints(List<NodeProto> nodes, Set<String> requiresGrad) {
        Map<String, Integer> lastUse = new HashMap<>();
        for (int i = 0; i < nodes.size(); i++) {
            for (String in : nodes.get(i).getInputList()) {
                lastUse.put(in, i);
            }
        }
        int spacing = (int) Math.ceil(Math.sqrt(nodes.size()));
        Set<String> live = new HashSet<>();
        Set<String> chosen = new HashSet<>();
        int last = -spacing;
        for (int i = 0; i < nodes.size(); i++) {
            int at = i;
            nodes.get(i).getInputList().forEach(in -> {
                if (lastUse.get(in) == at) {
                    live.remove(in);
                }
            });
            for (String out : nodes.get(i).getOutputList()) {
                if (requiresGrad.contains(out) && lastUse.getOrDefault(out, -1) > i) {
                    live.add(out);
                }
            }
            if (live.size() == 1 && i - last >= spacing) {
                chosen.addAll(live);
                last = i;
            }
        }
        return chosen;
    }
}
