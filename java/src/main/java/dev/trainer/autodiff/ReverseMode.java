package dev.trainer.autodiff;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.TypeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import dev.trainer.ModelException;
import dev.trainer.onnx.OnnxModel;
import dev.trainer.onnx.TensorTypes;
import dev.trainer.onnx.ValueType;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Reverse-mode differentiation of an ONNX graph into a forward and a backward graph of standard
 * ops (docs/architecture.md, "One step"). Walks the nodes between the trainable parameters and the differentiated
 * outputs in reverse order, asks each op's rule for its input gradients and sums them per value.
 */
public final class ReverseMode {

    /**
     * The backward graph's least opset: ReduceSum, Squeeze and Split take their axes as inputs from 13
     * on, ScatterND and ScatterElements reduce with {@code add} from 16, Col2Im exists from 18 (and
     * ReduceMean, ReduceMax and the other reductions but ReduceSum take their axes as inputs). A
     * model of a later opset keeps its own (see {@link #backwardOpset}).
     */
    private static final long BACKWARD_OPSET = 18;
    private static final String GRAD = "::grad";

    private final OnnxModel model;
    private final GraphProto graph;
    private final Set<String> trainable;
    private final Map<String, ValueType> types;
    private final Map<String, NodeProto> producers;
    private final Map<String, TensorProto> initializers;
    private final ConstantFolding folding;
    private final Recompute recompute;

    private ReverseMode(OnnxModel model, Collection<String> trainable, Map<String, ValueType> types, Recompute recompute) {
        this.model = model;
        this.recompute = recompute;
        this.graph = model.proto().getGraph();
        this.trainable = new LinkedHashSet<>(trainable);
        this.types = types;
        this.producers = model.graph().producersByValue();
        this.initializers = model.graph().initializersByName();
        this.folding = new ConstantFolding(producers, initializers, types, this.trainable);
    }

    /**
     * Builds the training graphs.
     *
     * @param trainable  names of float initializers to train
     * @param outputs    graph outputs the loss reads, differentiated
     * @param types      element type and shape of every value of the graph (see ShapeInference)
     * @throws ModelException naming the op, node and blocked parameters when an op on the way has no rule
     */
    public static TrainingGraphs differentiate(OnnxModel model, Collection<String> trainable, List<String> outputs,
                                               Map<String, ValueType> types) {
        return differentiate(model, trainable, outputs, types, Recompute.CHEAP_CHAINS);
    }

    /** As {@link #differentiate(OnnxModel, Collection, List, Map)}, recomputing in the backward what {@code recompute} says. */
    public static TrainingGraphs differentiate(OnnxModel model, Collection<String> trainable, List<String> outputs,
                                               Map<String, ValueType> types, Recompute recompute) {
        return new ReverseMode(model, trainable, types, recompute).build(outputs);
    }

    private TrainingGraphs build(List<String> outputs) {
        for (String name : trainable) {
            TensorProto t = initializers.get(name);
            if (t == null || !TensorTypes.isFloatingPoint(t.getDataType())) {
                throw new ModelException("cannot train " + name + ": not a floating-point initializer of the model");
            }
        }
        Set<String> requiresGrad = forwardReach();
        Set<String> reachesOutputs = backwardReach(outputs);
        GraphBuilder b = new GraphBuilder("");
        Map<String, List<Value>> contributions = new HashMap<>();
        Map<String, String> outputGradientInputs = new LinkedHashMap<>();
        for (String output : outputs) {
            String name = output + GRAD;
            outputGradientInputs.put(output, name);
            contributions.computeIfAbsent(output, k -> new ArrayList<>())
                    .add(new Value(b, name, types.get(output).elementType()));
        }
        List<NodeProto> nodes = graph.getNodeList();
        Map<NodeProto, LayerNormPattern> layerNorms = LayerNormPattern.find(model.graph(), types, this::constantNumbers);
        Set<NodeProto> insideLayerNorms = new HashSet<>();
        layerNorms.values().forEach(p -> insideLayerNorms.addAll(p.inner()));
        for (int n = nodes.size() - 1; n >= 0; n--) {
            NodeProto node = nodes.get(n);
            boolean active = node.getOutputList().stream().anyMatch(o -> requiresGrad.contains(o) && reachesOutputs.contains(o));
            LayerNormPattern layerNorm = layerNorms.get(node);
            if (!active || insideLayerNorms.contains(node)) {
                continue;
            }
            if (layerNorm != null && requiresGrad.contains(layerNorm.input())) {
                Value dn = sum(contributions.get(layerNorm.output()));
                if (dn != null) {
                    contributions.computeIfAbsent(layerNorm.input(), k -> new ArrayList<>())
                            .add(layerNorm.gradient(dn, b, types.get(layerNorm.input()).elementType()));
                }
            } else {
                differentiateNode(node, b, requiresGrad, contributions);
            }
        }
        Map<String, String> gradients = new HashMap<>();
        for (String p : inForwardOrder()) {
            Value grad = sum(contributions.get(p));
            if (grad != null) {
                moveToEnd(b.nodes(), grad.name());
                String name = p + GRAD;
                b.nodes().add(NodeProto.newBuilder().setOpType("Identity").setName(name)
                        .addInput(grad.name()).addOutput(name).build());
                gradients.put(p, name);
            }
        }
        Map<String, String> parameterGradients = new LinkedHashMap<>();
        trainable.stream().filter(gradients::containsKey).forEach(p -> parameterGradients.put(p, gradients.get(p)));
        return assemble(b, outputs, outputGradientInputs, parameterGradients);
    }

    /**
     * The trainable parameters in the order the forward graph first reads them. Their gradients'
     * last nodes go to the end of the backward graph in this order, which makes ORT run each weight
     * gradient as soon as its inputs are ready: ORT orders a graph by a depth-first walk from its
     * leaf nodes (the gradients), the last leaf first. With the first layer's gradient last (as
     * reverse mode creates it), ORT ran the whole input-gradient chain down to the embeddings before
     * any weight gradient and kept every layer's output gradient alive until the end (MiniLM at
     * batch 32 × 128: ORT's backward arena peaked at 911 MiB in use).
     */
    private List<String> inForwardOrder() {
        Map<String, Integer> firstUse = new HashMap<>();
        List<NodeProto> nodes = graph.getNodeList();
        for (int n = 0; n < nodes.size(); n++) {
            for (String in : nodes.get(n).getInputList()) {
                firstUse.putIfAbsent(in, n);
            }
        }
        List<String> order = new ArrayList<>(trainable);
        order.sort((a, c) -> Integer.compare(firstUse.getOrDefault(a, -1), firstUse.getOrDefault(c, -1)));
        return order;
    }

    /** Moves the node that produces {@code value} (nothing else reads it) to the end of the list. */
    private static void moveToEnd(List<NodeProto> nodes, String value) {
        for (int n = nodes.size() - 1; n >= 0; n--) {
            if (nodes.get(n).getOutputList().contains(value)) {
                nodes.add(nodes.remove(n));
                return;
            }
        }
    }

    private void differentiateNode(NodeProto node, GraphBuilder b, Set<String> requiresGrad,
                                   Map<String, List<Value>> contributions) {
        Value[] dys = new Value[node.getOutputCount()];
        boolean any = false;
        for (int i = 0; i < dys.length; i++) {
            dys[i] = sum(contributions.get(node.getOutput(i)));
            any |= dys[i] != null;
        }
        if (!any) {
            return;
        }
        GradientRule rule = GradientRules.of(node.getOpType());
        if (rule == null || !node.getDomain().isEmpty() && !node.getDomain().equals("ai.onnx")) {
            throw blocked(node, "trainer has no gradient rule for " + node.getOpType());
        }
        boolean[] needed = new boolean[node.getInputCount()];
        for (int i = 0; i < needed.length; i++) {
            needed[i] = requiresGrad.contains(node.getInput(i));
        }
        NodeGradient g = new NodeGradient(node, b, types, model.opset(), backwardOpset(model.opset()), needed, dys,
                this::constantInts, this::constantNumbers);
        int keptRank = TrailingUnitAxes.keptRank(node, types);
        rule.backward(keptRank < 0 ? g : g.withoutTrailingOnes(keptRank));
        for (int i = 0; i < needed.length; i++) {
            if (!needed[i]) {
                continue;
            }
            Value dx = g.inputGradient(i);
            if (dx == null) {
                throw blocked(node, node.getOpType() + " gives no gradient for its input " + i + " (" + node.getInput(i) + ")");
            }
            contributions.computeIfAbsent(node.getInput(i), k -> new ArrayList<>()).add(dx);
        }
    }

    /** The opset the backward graph is written in, for a forward model of {@code forwardOpset}. */
    static long backwardOpset(long forwardOpset) {
        return Math.max(BACKWARD_OPSET, forwardOpset);
    }

    /** The values of an integer constant, or of an integer computation constant folding can evaluate; {@code null} otherwise. */
    private long[] constantInts(String name) {
        ConstantFolding.Tensor t = folding.value(name);
        if (t == null) {
            return null;
        }
        if (!t.isInteger()) {
            throw new ModelException(name + " holds " + TensorTypes.name(t.type()) + " where integers are expected");
        }
        return t.longs();
    }

    /** The values of a numeric constant (or a folded computation), as doubles; {@code null} when not constant. */
    private double[] constantNumbers(String name) {
        ConstantFolding.Tensor t = folding.value(name);
        return t == null ? null : t.values();
    }

    private ModelException blocked(NodeProto node, String why) {
        Set<String> params = new TreeSet<>();
        ArrayDeque<String> todo = new ArrayDeque<>(node.getInputList());
        Set<String> seen = new HashSet<>();
        while (!todo.isEmpty()) {
            String v = todo.pop();
            if (!seen.add(v)) {
                continue;
            }
            if (trainable.contains(v)) {
                params.add(v);
            }
            NodeProto p = producers.get(v);
            if (p != null) {
                todo.addAll(p.getInputList());
            }
        }
        return new ModelException(why + " (" + NodeGradient.describe(node) + "), which blocks training of "
                + String.join(", ", params) + "; freeze them (e.g. --freeze '" + params.iterator().next() + "')");
    }

    private static Value sum(List<Value> values) {
        if (values == null || values.isEmpty()) {
            return null;
        }
        return values.size() == 1 ? values.getFirst() : values.getFirst().b().op("Sum", values);
    }

    /** Values that depend on a trainable parameter through ops that carry gradients. */
    private Set<String> forwardReach() {
        Set<String> reach = new HashSet<>(trainable);
        for (NodeProto node : graph.getNodeList()) {
            if (GradientRules.isNonDifferentiable(node.getOpType())) {
                continue;
            }
            if (node.getInputList().stream().anyMatch(reach::contains)) {
                for (String o : node.getOutputList()) {
                    ValueType t = types.get(o);
                    if (!o.isEmpty() && t != null && TensorTypes.isFloatingPoint(t.elementType())) {
                        reach.add(o);
                    }
                }
            }
        }
        return reach;
    }

    /** Values that the differentiated outputs depend on. */
    private Set<String> backwardReach(List<String> outputs) {
        Set<String> reach = new HashSet<>(outputs);
        List<NodeProto> nodes = graph.getNodeList();
        for (int n = nodes.size() - 1; n >= 0; n--) {
            NodeProto node = nodes.get(n);
            if (node.getOutputList().stream().anyMatch(reach::contains)) {
                reach.addAll(node.getInputList());
            }
        }
        return reach;
    }

    private TrainingGraphs assemble(GraphBuilder b, List<String> outputs, Map<String, String> outputGradientInputs,
                                    Map<String, String> parameterGradients) {
        Set<String> graphInputs = new HashSet<>();
        graph.getInputList().forEach(i -> graphInputs.add(i.getName()));
        List<NodeProto> backwardNodes = new ArrayList<>(prune(b.nodes(), parameterGradients.values()));
        List<NodeProto> recomputed = recomputed(b, backwardNodes, graphInputs, outputGradientInputs.values());
        backwardNodes.addAll(0, derivedShapes(b, backwardNodes, recomputed, graphInputs));
        backwardNodes.addAll(0, recomputed);
        Set<String> produced = new HashSet<>();
        backwardNodes.forEach(n -> produced.addAll(n.getOutputList()));

        Set<String> consumed = new LinkedHashSet<>();
        backwardNodes.forEach(n -> n.getInputList().stream().filter(i -> !i.isEmpty() && !produced.contains(i)).forEach(consumed::add));

        GraphProto.Builder backward = GraphProto.newBuilder().setName(graph.getName() + "_backward");
        List<NodeProto> copiedConstants = new ArrayList<>();
        List<String> stash = new ArrayList<>();
        for (String name : consumed) {
            NodeProto producer = producers.get(name);
            if (outputGradientInputs.containsValue(name)) {
                continue;
            } else if (trainable.contains(name)) {
                backward.addInput(valueInfo(name, types.get(name)));
            } else if (initializers.containsKey(name)) {
                backward.addInitializer(initializers.get(name));
            } else if (producer != null && producer.getOpType().equals("Constant")) {
                copiedConstants.add(producer);
            } else {
                stash.add(name);
                backward.addInput(valueInfo(name, stashType(name, b)));
            }
        }
        outputGradientInputs.forEach((output, gradName) -> backward.addInput(valueInfo(gradName, types.get(output))));
        backward.addAllNode(copiedConstants).addAllNode(backwardNodes);
        parameterGradients.forEach((p, gradName) -> backward.addOutput(valueInfo(gradName, types.get(p))));

        GraphProto.Builder forward = graph.toBuilder().clearNode().clearInitializer().addAllNode(forwardNodes(b));
        b.forwardShapes().values().stream().filter(n -> stash.contains(n.getOutput(0))).forEach(forward::addNode);
        graph.getInitializerList().stream().filter(t -> !trainable.contains(t.getName())).forEach(forward::addInitializer);
        for (String p : trainable) {
            if (!graphInputs.contains(p)) {
                forward.addInput(valueInfo(p, types.get(p)));
            }
        }
        Set<String> forwardOutputs = new HashSet<>();
        graph.getOutputList().forEach(o -> forwardOutputs.add(o.getName()));
        for (String s : stash) {
            if (!graphInputs.contains(s) && forwardOutputs.add(s)) {
                forward.addOutput(ValueInfoProto.newBuilder().setName(s));
            }
        }
        ModelProto forwardModel = model.proto().toBuilder().setGraph(forward).build();
        ModelProto backwardModel = ModelProto.newBuilder()
                .setIrVersion(Math.max(8, model.proto().getIrVersion()))
                .setProducerName("trainer")
                .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(backwardOpset(model.opset())))
                .setGraph(backward).build();
        return new TrainingGraphs(model.withProto(forwardModel), model.withProto(backwardModel),
                List.copyOf(trainable), List.copyOf(stash), outputGradientInputs, parameterGradients);
    }

    /**
     * Nodes that compute in the backward graph the shapes rules asked of forward values, where
     * {@link ShapeDerivation} finds them from values the backward has anyway (what it reads from the
     * stash, recomputes, or gets free); the other shapes stay forward {@code Shape} nodes, stashed.
     */
    private List<NodeProto> derivedShapes(GraphBuilder b, List<NodeProto> backwardNodes, List<NodeProto> recomputed,
                                          Set<String> graphInputs) {
        Set<String> wanted = new HashSet<>();
        backwardNodes.forEach(n -> wanted.addAll(n.getInputList()));
        if (b.forwardShapes().keySet().stream().noneMatch(wanted::contains)) {
            return List.of();
        }
        Set<String> produced = new HashSet<>();
        backwardNodes.forEach(n -> produced.addAll(n.getOutputList()));
        // the batch's inputs first: any of its dimensions serves, and the backward gets them free
        Set<String> available = new LinkedHashSet<>(graphInputs);
        recomputed.forEach(n -> available.addAll(n.getOutputList()));
        for (List<NodeProto> nodes : List.of(backwardNodes, recomputed)) {
            nodes.forEach(n -> n.getInputList().stream().filter(i -> !i.isEmpty() && !produced.contains(i)
                    && !b.forwardShapes().containsKey(i)).forEach(available::add));
        }
        ShapeDerivation derivation = new ShapeDerivation(graph.getNodeList(), types);
        List<NodeProto> derived = new ArrayList<>();
        for (Map.Entry<String, NodeProto> shape : b.forwardShapes().entrySet()) {
            List<NodeProto> nodes = wanted.contains(shape.getKey())
                    ? derivation.derive(shape.getValue().getInput(0), shape.getKey(), available) : null;
            if (nodes != null) {
                derived.addAll(nodes);
            }
        }
        return derived;
    }

    /**
     * Forward nodes to run again at the start of the backward graph, so that their outputs need not
     * be stashed (see {@link Recompute}).
     */
    private List<NodeProto> recomputed(GraphBuilder b, List<NodeProto> backwardNodes, Set<String> graphInputs,
                                       Collection<String> gradientInputs) {
        Set<String> produced = new HashSet<>();
        backwardNodes.forEach(n -> produced.addAll(n.getOutputList()));
        List<String> wanted = new ArrayList<>();
        for (NodeProto n : backwardNodes) {
            n.getInputList().stream().filter(in -> !in.isEmpty() && !produced.contains(in) && !gradientInputs.contains(in))
                    .forEach(wanted::add);
        }
        return new Recomputation(recompute, model.opset(), forwardNodes(b), v -> free(v, graphInputs), forwardReach()).nodesFor(wanted);
    }

    /** The forward graph's nodes, with the rules' rewrites in place of the nodes they replace. */
    private List<NodeProto> forwardNodes(GraphBuilder b) {
        List<NodeProto> nodes = new ArrayList<>();
        for (NodeProto node : graph.getNodeList()) {
            nodes.addAll(b.forwardReplacements().getOrDefault(node.getOutput(0), List.of(node)));
        }
        return nodes;
    }

    /** Values the backward graph gets without stashing: weights, constants and the batch's own inputs. */
    private boolean free(String v, Set<String> graphInputs) {
        NodeProto p = producers.get(v);
        return trainable.contains(v) || initializers.containsKey(v) || graphInputs.contains(v)
                || p != null && p.getOpType().equals("Constant");
    }

    /**
     * Shapes stashed by rules are int64 vectors, MaxPool indices int64 shaped like the pooled output;
     * values of forward rewrites come with their types.
     */
    private ValueType stashType(String name, GraphBuilder b) {
        ValueType known = types.get(name);
        if (known != null) {
            return known;
        }
        if (b.forwardTypes().containsKey(name)) {
            return b.forwardTypes().get(name);
        }
        NodeProto shape = b.forwardShapes().get(name);
        if (shape != null) {
            return new ValueType(TensorProto.DataType.INT64_VALUE, new long[] {types.get(shape.getInput(0)).rank()});
        }
        for (List<NodeProto> replacement : b.forwardReplacements().values()) {
            NodeProto node = replacement.getFirst();
            if (replacement.size() == 1 && node.getOutputCount() > 1 && node.getOutput(1).equals(name)) {
                return new ValueType(TensorProto.DataType.INT64_VALUE, types.get(node.getOutput(0)).dims());
            }
        }
        throw new ModelException("no type known for stashed value " + name);
    }

    /** Keeps only the nodes the gradients depend on. */
    private static List<NodeProto> prune(List<NodeProto> nodes, Collection<String> outputs) {
        Set<String> live = new HashSet<>(outputs);
        boolean[] keep = new boolean[nodes.size()];
        for (int n = nodes.size() - 1; n >= 0; n--) {
            NodeProto node = nodes.get(n);
            if (node.getOutputList().stream().anyMatch(live::contains)) {
                keep[n] = true;
                live.addAll(node.getInputList());
            }
        }
        List<NodeProto> kept = new ArrayList<>();
        for (int n = 0; n < nodes.size(); n++) {
            if (keep[n]) {
                kept.add(nodes.get(n));
            }
        }
        return kept;
    }

    static ValueInfoProto valueInfo(String name, ValueType type) {
        TensorShapeProto.Builder shape = TensorShapeProto.newBuilder();
        for (int i = 0; i < type.rank(); i++) {
            long d = type.dims()[i];
            shape.addDim(d >= 0
                    ? TensorShapeProto.Dimension.newBuilder().setDimValue(d)
                    : TensorShapeProto.Dimension.newBuilder().setDimParam(
                            type.dimNames()[i] != null && !type.dimNames()[i].isEmpty() ? type.dimNames()[i] : name + "_d" + i));
        }
        return ValueInfoProto.newBuilder().setName(name).setType(TypeProto.newBuilder().setTensorType(
                TypeProto.Tensor.newBuilder().setElemType(type.elementType()).setShape(shape))).build();
    }
}
