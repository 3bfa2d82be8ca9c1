package dev.trainer.edit;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import dev.trainer.onnx.OnnxModel;
import dev.trainer.onnx.SharedInitializers;
import dev.trainer.onnx.SharedInitializers.Shared;
import dev.trainer.onnx.SharedInitializers.Use;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Gives the uses of shared initializers their own copies, so that they train apart and the trained
 * model holds one tensor per use. A copy takes the name its use read (the parameter's own name,
 * when the exporter handed the merged tensor to it through an Identity, which goes), or the shared
 * name, or the shared name with a suffix.
 */
public final class UntieSharedInitializers {

    private UntieSharedInitializers() {
    }

    /**
     * Every trainable use of every shared initializer gets its own copy; the uses as a
     * BatchNormalization statistic, which never train, keep sharing one.
     */
    public static OnnxModel all(OnnxModel model, SharedInitializers shared) {
        Map<Shared, List<List<Use>>> groups = new HashMap<>();
        for (Shared t : shared.tensors()) {
            List<List<Use>> g = new ArrayList<>();
            List<Use> statistics = t.uses().stream().filter(Use::isStatistic).toList();
            if (!statistics.isEmpty()) {
                g.add(statistics);
            }
            t.uses().stream().filter(u -> !u.isStatistic()).forEach(u -> g.add(List.of(u)));
            groups.put(t, g);
        }
        return untie(model, shared.tensors(), groups);
    }

    /** Only BatchNormalization statistics merged with a trainable tensor get their own (frozen) copy. */
    public static OnnxModel statistics(OnnxModel model, SharedInitializers shared) {
        List<Shared> merged = shared.statisticMerges();
        Map<Shared, List<List<Use>>> groups = new HashMap<>();
        for (Shared t : merged) {
            groups.put(t, List.of(t.uses().stream().filter(u -> !u.isStatistic()).toList(),
                    t.uses().stream().filter(Use::isStatistic).toList()));
        }
        return untie(model, merged, groups);
    }

    private static OnnxModel untie(OnnxModel model, List<Shared> tensors, Map<Shared, List<List<Use>>> groups) {
        if (tensors.isEmpty()) {
            return model;
        }
        GraphProto.Builder graph = model.proto().getGraph().toBuilder();
        Set<String> taken = GraphEditor.namesIn(graph);
        Map<String, ByteBuffer> external = new HashMap<>(model.externalData());
        Set<String> newInitializers = new HashSet<>();
        for (Shared t : tensors) {
            boolean originalKept = false;
            for (List<Use> group : groups.get(t)) {
                String name = nameFor(t.name(), group, taken, newInitializers, originalKept);
                originalKept |= name.equals(t.name());
                for (Use u : group) {
                    graph.setNode(u.nodeIndex(), graph.getNode(u.nodeIndex()).toBuilder().setInput(u.slot(), name));
                }
                if (!name.equals(t.name())) {
                    copy(graph, model.graph().initializer(t.name()), name, external);
                    newInitializers.add(name);
                }
            }
            if (!originalKept) {
                remove(graph, t.name());
            }
        }
        dropRelays(graph, newInitializers);
        return OnnxModel.of(model.proto().toBuilder().setGraph(graph).build(), external);
    }

    /**
     * The name a group's copy takes: the shared name if the group reads it directly and no other group
     * kept it, else the first alias its uses read that is no other copy's name, else the shared name
     * with the first free suffix ({@code ln.weight_1}).
     */
    private static String nameFor(String shared, List<Use> group, Set<String> taken, Set<String> assigned,
                                  boolean originalKept) {
        if (!originalKept && group.stream().anyMatch(u -> u.alias().equals(shared))) {
            return shared;
        }
        for (Use u : group) {
            if (!u.alias().equals(shared) && !assigned.contains(u.alias())) {
                return u.alias();
            }
        }
        return originalKept ? GraphEditor.fresh(shared, taken) : shared;
    }

    private static void copy(GraphProto.Builder graph, TensorProto original, String name, Map<String, ByteBuffer> external) {
        graph.addInitializer(original.toBuilder().setName(name));
        if (external.containsKey(original.getName())) {
            external.put(name, external.get(original.getName()));
        }
        for (ValueInfoProto input : graph.getInputList()) {
            if (input.getName().equals(original.getName())) {
                graph.addInput(input.toBuilder().setName(name));
                break;
            }
        }
    }

    private static void remove(GraphProto.Builder graph, String name) {
        for (int i = graph.getInitializerCount() - 1; i >= 0; i--) {
            if (graph.getInitializer(i).getName().equals(name)) {
                graph.removeInitializer(i);
            }
        }
        for (int i = graph.getInputCount() - 1; i >= 0; i--) {
            if (graph.getInput(i).getName().equals(name)) {
                graph.removeInput(i);
            }
        }
    }

    /** Removes the Identity relays whose output is now an initializer of its own, and those nothing reads any more. */
    private static void dropRelays(GraphProto.Builder graph, Set<String> newInitializers) {
        Set<String> outputs = new HashSet<>();
        graph.getOutputList().forEach(o -> outputs.add(o.getName()));
        boolean removed = true;
        while (removed) {
            removed = false;
            Set<String> read = new HashSet<>(outputs);
            graph.getNodeList().forEach(n -> read.addAll(n.getInputList()));
            for (int i = graph.getNodeCount() - 1; i >= 0; i--) {
                NodeProto n = graph.getNode(i);
                if (n.getOpType().equals("Identity") && n.getOutputCount() == 1
                        && (newInitializers.contains(n.getOutput(0)) || !read.contains(n.getOutput(0)))) {
                    graph.removeNode(i);
                    removed = true;
                }
            }
        }
    }
}
