package dev.trainer.train.optim;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The model's parameters in layer groups, ordered from the bottom (nearest the input) to the top
 * (the head), inferred from parameter names alone: what freezing the bottom layers, gradual
 * unfreezing and layer-wise learning-rate decay count in.
 *
 * <p>Numbered blocks: a name's block is its prefix up to and including its first all-digit
 * segment that is not its last ({@code encoder.layer.3} of
 * {@code encoder.layer.3.attention.self.query.weight}, {@code blocks.5}, {@code layer2.1} in a
 * ResNet, {@code 0} in a root {@code nn.Sequential}). When any name has a block, the groups are:
 * the parameters before the first numbered one (embeddings, stem) as group 0; each block, in
 * order of first appearance; then the parameters after the last numbered one (pooler, head,
 * classifier) as the top group. A name without a block between two numbered ones joins the
 * block before it, which places the constant-folded {@code onnx::MatMul_123} weights of an
 * exported transformer in the layer that uses them, given graph order.
 *
 * <p>Without numbered blocks ({@code fc1}, {@code fc2}; {@code conv1}, {@code bn1}, {@code fc})
 * each module, the name up to its last dot, is a group, in order of first appearance.
 *
 * <p>Order matters: pass names in graph order (the order nodes first use them) so that bottom
 * and top mean input and output; initializer order is usually close but puts folded constants
 * last. Immutable.
 */
public final class LayerGroups {

    /**
     * One layer group.
     *
     * @param index its level, 0 at the bottom
     * @param label what to call it in messages: the block ({@code encoder.layer.3}), the module
     *              ({@code fc1}), or the top-level names of a stem or head ({@code pooler+classifier})
     * @param names its parameters, in the given order
     */
    public record Group(int index, String label, List<String> names) {
        public Group {
            names = List.copyOf(names);
        }
    }

    private static final int LABEL_PARTS = 3;

    private final List<Group> groups;
    private final Map<String, Integer> groupOf = new LinkedHashMap<>();
    private final boolean numbered;

    private LayerGroups(List<Group> groups, boolean numbered) {
        this.groups = List.copyOf(groups);
        this.numbered = numbered;
        for (Group g : groups) {
            g.names().forEach(n -> groupOf.put(n, g.index()));
        }
    }

    /** Groups the named parameters; duplicates count at their first appearance. */
    public static LayerGroups of(List<String> namesInGraphOrder) {
        List<String> names = List.copyOf(new LinkedHashSet<>(namesInGraphOrder));
        List<String> blocks = names.stream().map(LayerGroups::blockOf).toList();
        int first = -1;
        int last = -1;
        for (int i = 0; i < names.size(); i++) {
            if (blocks.get(i) != null) {
                first = first < 0 ? i : first;
                last = i;
            }
        }
        if (first < 0) {
            return byModule(names);
        }
        List<List<String>> members = new ArrayList<>();
        List<String> labels = new ArrayList<>();
        if (first > 0) {
            members.add(names.subList(0, first));
            labels.add(summary(names.subList(0, first)));
        }
        Map<String, List<String>> byBlock = new LinkedHashMap<>();
        String current = null;
        for (int i = first; i <= last; i++) {
            current = blocks.get(i) != null ? blocks.get(i) : current;
            byBlock.computeIfAbsent(current, k -> new ArrayList<>()).add(names.get(i));
        }
        byBlock.forEach((block, list) -> {
            members.add(list);
            labels.add(block);
        });
        if (last < names.size() - 1) {
            List<String> top = names.subList(last + 1, names.size());
            members.add(top);
            labels.add(summary(top));
        }
        return new LayerGroups(build(members, labels), true);
    }

    private static LayerGroups byModule(List<String> names) {
        Map<String, List<String>> byModule = new LinkedHashMap<>();
        for (String name : names) {
            int dot = name.lastIndexOf('.');
            byModule.computeIfAbsent(dot < 0 ? name : name.substring(0, dot), k -> new ArrayList<>()).add(name);
        }
        return new LayerGroups(build(new ArrayList<>(byModule.values()), new ArrayList<>(byModule.keySet())), false);
    }

    private static List<Group> build(List<List<String>> members, List<String> labels) {
        List<Group> groups = new ArrayList<>();
        for (int i = 0; i < members.size(); i++) {
            groups.add(new Group(i, labels.get(i), members.get(i)));
        }
        return groups;
    }

    /** The prefix through the first all-digit segment that is not the last one, or null. */
    static String blockOf(String name) {
        String[] segments = name.split("\\.", -1);
        for (int i = 0; i < segments.length - 1; i++) {
            if (!segments[i].isEmpty() && segments[i].chars().allMatch(c -> c >= '0' && c <= '9')) {
                return String.join(".", List.of(segments).subList(0, i + 1));
            }
        }
        return null;
    }

    /** The distinct first segments, joined with '+': {@code embeddings}, {@code pooler+classifier}. */
    private static String summary(List<String> names) {
        Set<String> heads = new LinkedHashSet<>();
        names.forEach(n -> heads.add(n.split("\\.", 2)[0]));
        List<String> parts = new ArrayList<>(heads);
        return parts.size() <= LABEL_PARTS ? String.join("+", parts)
                : String.join("+", parts.subList(0, LABEL_PARTS)) + "+" + (parts.size() - LABEL_PARTS) + " more";
    }

    /** The groups, bottom first; {@code groups().get(i).index() == i}. */
    public List<Group> groups() {
        return groups;
    }

    /** The number of groups; the top group's index is {@code depth() - 1}. */
    public int depth() {
        return groups.size();
    }

    /**
     * The index of the group holding the parameter.
     *
     * @throws IllegalArgumentException for a name that was not given
     */
    public int groupOf(String name) {
        Integer g = groupOf.get(name);
        if (g == null) {
            throw new IllegalArgumentException("no parameter " + name + " in the layer groups");
        }
        return g;
    }

    /** Whether the groups came from numbered blocks, rather than from one group per module. */
    public boolean numbered() {
        return numbered;
    }
}
