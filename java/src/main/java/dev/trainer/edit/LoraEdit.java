package dev.trainer.edit;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import dev.trainer.ModelException;
import dev.trainer.config.LoraSpec;
import dev.trainer.config.ParameterPattern;
import dev.trainer.onnx.Attributes;
import dev.trainer.onnx.OnnxModel;
import dev.trainer.onnx.TensorTypes;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A model with LoRA adapters beside its target weights ({@link LoraTargets}): each node
 * {@code y = x·W} becomes {@code y = x·W + (dropout(x)·A·B)·alpha/rank}, the original node
 * writing a renamed value and a new Add writing {@code y}, so everything downstream reads the
 * adapted value under its old name. For a Gemm the adapter is two Gemms with the node's
 * {@code transA}, its {@code transB} and its alpha folded into the scale. MatMul broadcasts over
 * any leading axes ({@code [batch, seq, in]}), so the adapter works on whatever the weight does.
 *
 * <p>The adapter's nodes follow their target's node, so the graph stays in topological order; its
 * values and nodes are named {@code lora/...} and its factors {@code MODULE.lora_A} and
 * {@code MODULE.lora_B} (unused names; {@link LoraAdapter} says their layouts). The dropout is a
 * Dropout node, inactive until {@link DropoutActivation} turns it on with the model's others
 * (seeded, and off in evaluation); it needs opset 12, where Dropout got its training mode.
 *
 * @param model    the model with adapters: what training runs, never what is exported
 * @param adapters one per adapted weight, in graph order
 */
public record LoraEdit(OnnxModel model, List<LoraAdapter> adapters) {

    public LoraEdit {
        adapters = List.copyOf(adapters);
    }

    /** Dropout gained its training-mode input in opset 12. */
    private static final long DROPOUT_TRAINING_OPSET = 12;

    /**
     * Adds adapters to the weights {@code targets} match, or to the default targets.
     *
     * @param dropout whether the run's Dropout nodes are active (adapter dropout needs them to be)
     * @param seed    seeds A's initial values, a stream per adapter
     * @throws ModelException when no weight is found to adapt, a pattern matches none, or dropout
     *     is asked of a model before opset 12
     */
    public static LoraEdit apply(OnnxModel model, LoraSpec spec, List<ParameterPattern> targets, boolean dropout,
                                 long seed) {
        List<LoraTargets.Target> found = LoraTargets.find(model, targets);
        boolean withDropout = dropout && spec.dropout() > 0;
        if (withDropout && model.opset() < DROPOUT_TRAINING_OPSET) {
            throw new ModelException("--lora dropout " + spec.dropout() + " needs Dropout's training mode, which ONNX has"
                    + " from opset 12; this model is opset " + model.opset() + ": give --lora " + spec.rank() + ":"
                    + spec.alpha() + " without dropout");
        }
        GraphProto.Builder graph = model.proto().getGraph().toBuilder();
        Builder builder = new Builder(graph, model.opset(), spec, withDropout);
        List<LoraAdapter> adapters = new ArrayList<>();
        for (int t = 0; t < found.size(); t++) {
            adapters.add(builder.adapt(found.get(t), seed * 1_000_003L + t));
        }
        builder.placeNodes();
        return new LoraEdit(model.withProto(model.proto().toBuilder().setGraph(graph).build()), adapters);
    }

    /** The names of every adapter factor, A then B, adapter by adapter. */
    public List<String> factors() {
        List<String> names = new ArrayList<>();
        adapters.forEach(a -> names.addAll(List.of(a.a(), a.b())));
        return names;
    }

    /** Writes the adapters into one graph; the new nodes go after their target's node at the end. */
    private static final class Builder {
        private final GraphProto.Builder graph;
        private final GraphEditor editor;
        private final Set<String> taken;
        private final LoraSpec spec;
        private final String ratio;
        private final String zero;
        private final List<NodeProto> original;
        private final Map<Integer, List<NodeProto>> after = new HashMap<>();
        /** The scale as a constant, made when a MatMul first needs it (a Gemm carries it in its alpha). */
        private String scale;

        Builder(GraphProto.Builder graph, long opset, LoraSpec spec, boolean dropout) {
            this.graph = graph;
            this.editor = new GraphEditor(graph, opset, "lora");
            this.taken = GraphEditor.namesIn(graph);
            this.spec = spec;
            this.original = List.copyOf(graph.getNodeList());
            this.ratio = dropout ? editor.scalar("dropout_ratio", (float) spec.dropout()) : null;
            // Gemm's C is optional only from opset 11 on; before, the adapter adds a zero.
            this.zero = opset < 11 ? editor.scalar("zero", 0f) : null;
        }

        LoraAdapter adapt(LoraTargets.Target target, long seed) {
            String a = GraphEditor.fresh(target.module() + ".lora_A", taken);
            String b = GraphEditor.fresh(target.module() + ".lora_B", taken);
            long rank = spec.rank();
            editor.initializer(new LinearInit(target.in(), seed).tensor(a,
                    target.transposed() ? new long[] {rank, target.in()} : new long[] {target.in(), rank}));
            editor.initializer(zeros(b, target.transposed() ? new long[] {target.out(), rank} : new long[] {rank, target.out()}));
            for (int n = 0; n < target.nodes().size(); n++) {
                String local = target.module() + (n == 0 ? "" : "_" + n);
                int index = target.nodes().get(n);
                int before = graph.getNodeCount();
                NodeProto node = original.get(index);
                String base = editor.prefix() + "/" + local + "/base";
                graph.setNode(index, node.toBuilder().setOutput(0, base).build());
                String x = ratio == null ? node.getInput(0) : editor.op("Dropout", local + "/dropout", List.of(node.getInput(0), ratio));
                String delta = node.getOpType().equals("Gemm") ? gemmDelta(node, x, a, b, local) : matMulDelta(x, a, b, local);
                editor.opInto("Add", node.getOutput(0), List.of(base, delta));
                after.put(index, new ArrayList<>(graph.getNodeList().subList(before, graph.getNodeCount())));
                while (graph.getNodeCount() > before) {
                    graph.removeNode(graph.getNodeCount() - 1);
                }
            }
            return new LoraAdapter(target.weight(), a, b, target.transposed(), spec.rank(), spec.scale());
        }

        /** x·A, scaled on the narrow rank-wide value, then ·B. */
        private String matMulDelta(String x, String a, String b, String local) {
            String down = editor.op("MatMul", local + "/down", List.of(x, a));
            if (scale == null) {
                scale = editor.scalar("scale", (float) spec.scale());
            }
            String scaled = editor.op("Mul", local + "/scaled", List.of(down, scale));
            return editor.op("MatMul", local + "/up", List.of(scaled, b));
        }

        /** alpha · op(x)·op(A)·op(B) · scale with the node's transA and transB: the Gemm's own alpha applies to ΔW too. */
        private String gemmDelta(NodeProto node, String x, String a, String b, String local) {
            long transA = Attributes.getInt(node, "transA", 0);
            long transB = Attributes.getInt(node, "transB", 0);
            float alpha = Attributes.getFloat(node, "alpha", 1f);
            List<String> downInputs = zero == null ? List.of(x, a) : List.of(x, a, zero);
            String down = editor.op("Gemm", local + "/down", downInputs, Attributes.ofInt("transA", transA),
                    Attributes.ofInt("transB", transB));
            List<String> upInputs = zero == null ? List.of(down, b) : List.of(down, b, zero);
            return editor.op("Gemm", local + "/up", upInputs, Attributes.ofInt("transB", transB),
                    Attributes.ofFloat("alpha", (float) (alpha * spec.scale())));
        }

        /** Each target's new nodes right after it, everything else in its order. */
        void placeNodes() {
            List<NodeProto> nodes = new ArrayList<>(graph.getNodeList());
            graph.clearNode();
            for (int i = 0; i < nodes.size(); i++) {
                graph.addNode(nodes.get(i));
                graph.addAllNode(after.getOrDefault(i, List.of()));
            }
        }

        private static TensorProto zeros(String name, long[] dims) {
            int bytes = Math.toIntExact(TensorTypes.elementCount(dims) * Float.BYTES);
            return TensorTypes.tensor(name, TensorProto.DataType.FLOAT_VALUE, dims, ByteBuffer.allocate(bytes));
        }
    }
}
