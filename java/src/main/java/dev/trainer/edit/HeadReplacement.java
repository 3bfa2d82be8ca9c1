package dev.trainer.edit;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import dev.trainer.ModelException;
import dev.trainer.onnx.Attributes;
import dev.trainer.onnx.ModelGraph;
import dev.trainer.onnx.OnnxModel;
import dev.trainer.onnx.TensorTypes;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Re-initialises a classifier's last linear layer for another number of classes: the weight and
 * bias keep their names and get new shapes and fresh values (PyTorch's {@code nn.Linear}
 * initialisation, seeded); every other initializer stays bit for bit, and so do the graph's
 * inputs, outputs and nodes.
 *
 * <p>The layer is found from the output back: through Identity, Flatten, Squeeze and Reshape
 * (one whose target shape does not spell out the class count) to a Gemm with an initializer
 * weight ({@code [C, H]} with {@code transB = 1}, or {@code [H, C]}), a MatMul with an initializer
 * weight {@code [H, C]}, or an Add of such a MatMul and an initializer bias. Declared shapes along
 * that way ({@code graph.output} and {@code value_info}) whose last dimension is {@code C} get the
 * new count, so ONNX Runtime's shape inference agrees with the new weights.
 */
public final class HeadReplacement {

    /** Ops that pass the classes through unchanged, as exporters put them after the last layer. */
    private static final Set<String> PASS_THROUGH = Set.of("Identity", "Flatten", "Squeeze", "Reshape");

    private HeadReplacement() {
    }

    /** Replaces the head that produces the model's first output. */
    public static HeadEdit replace(OnnxModel model, int classes, long seed) {
        return replace(model, classes, null, seed);
    }

    /**
     * Replaces the head that produces the named output ({@code null}: the first output) with a
     * freshly initialised one of {@code classes} outputs.
     *
     * @throws IllegalArgumentException when {@code classes} is below 1
     * @throws ModelException when the output is missing or no linear classifier produces it; the
     *     message names what was found instead
     */
    public static HeadEdit replace(OnnxModel model, int classes, String output, long seed) {
        if (classes < 1) {
            throw new IllegalArgumentException("a head needs at least 1 class, not " + classes);
        }
        ModelGraph index = model.graph();
        String target = output != null ? output : index.outputNames().getFirst();
        if (!index.hasOutput(target)) {
            throw new ModelException("model has no output named " + target);
        }
        Map<String, TensorProto> initializers = index.initializersByName();
        Set<String> classValues = new LinkedHashSet<>();
        Linear linear = findLinear(index, target, classValues);
        long oldClasses = linear.classes();
        for (NodeProto n : index.nodes()) {
            if (n.getOpType().equals("Reshape") && classValues.contains(n.getOutput(0))) {
                checkReshape(n, initializers, oldClasses);
            }
        }
        checkOwned(linear.weight(), index, target);
        if (linear.bias() != null) {
            checkOwned(linear.bias(), index, target);
        }
        Map<String, TensorProto> replaced = freshTensors(linear, initializers, classes, seed);
        List<String> parameters = linear.bias() == null ? List.of(linear.weight())
                : List.of(linear.weight(), linear.bias());
        return new HeadEdit(rewrite(model, replaced, classValues, oldClasses, classes), target, parameters);
    }

    /**
     * The linear layer behind {@code target}, walking back through pass-through ops; adds every
     * value on the way whose declared shape carries the class count to {@code classValues}.
     */
    private static Linear findLinear(ModelGraph index, String target, Set<String> classValues) {
        Map<String, NodeProto> producers = index.producersByValue();
        List<String> path = new ArrayList<>();
        String value = target;
        NodeProto node = producers.get(value);
        while (node != null && PASS_THROUGH.contains(node.getOpType())) {
            classValues.add(value);
            path.add(node.getOpType());
            value = node.getInput(0);
            node = producers.get(value);
        }
        classValues.add(value);
        Linear linear = node == null ? null : Linear.find(node, producers, index.initializersByName());
        if (linear == null) {
            throw new ModelException("no linear classifier produces " + target + ": it comes from "
                    + (node == null ? "no node (" + value + " is a graph input or initializer)"
                    : node.getOpType() + " node '" + node.getName() + "'")
                    + (path.isEmpty() ? "" : " through " + String.join(", ", path))
                    + "; expected Gemm, MatMul or MatMul + Add with an initializer weight");
        }
        classValues.addAll(linear.intermediates());
        return linear;
    }

    /** The layer's weight and bias, re-initialised for {@code classes} outputs, by name. */
    private static Map<String, TensorProto> freshTensors(Linear linear, Map<String, TensorProto> initializers,
                                                         int classes, long seed) {
        TensorProto weight = initializers.get(linear.weight());
        long hidden = TensorTypes.dims(weight)[linear.classAxis() == 0 ? 1 : 0];
        LinearInit init = new LinearInit(hidden, seed);
        Map<String, TensorProto> replaced = new HashMap<>();
        long[] weightDims = TensorTypes.dims(weight);
        weightDims[linear.classAxis()] = classes;
        replaced.put(linear.weight(), init.tensor(linear.weight(), weightDims));
        if (linear.bias() != null) {
            long[] biasDims = TensorTypes.dims(initializers.get(linear.bias()));
            // A bias of one value broadcast over all classes stays one value.
            if (biasDims.length > 0 && biasDims[biasDims.length - 1] == linear.classes()) {
                biasDims[biasDims.length - 1] = classes;
            }
            replaced.put(linear.bias(), init.tensor(linear.bias(), biasDims));
        }
        return replaced;
    }

    /** The model with the replaced initializers and the class count changed in the declared shapes. */
    private static OnnxModel rewrite(OnnxModel model, Map<String, TensorProto> replaced, Set<String> classValues,
                                     long oldClasses, int classes) {
        GraphProto.Builder edited = model.proto().getGraph().toBuilder();
        for (int i = 0; i < edited.getInitializerCount(); i++) {
            TensorProto fresh = replaced.get(edited.getInitializer(i).getName());
            if (fresh != null) {
                edited.setInitializer(i, fresh);
            }
        }
        for (int i = 0; i < edited.getOutputCount(); i++) {
            if (classValues.contains(edited.getOutput(i).getName())) {
                edited.setOutput(i, withClasses(edited.getOutput(i), oldClasses, classes));
            }
        }
        for (int i = 0; i < edited.getValueInfoCount(); i++) {
            if (classValues.contains(edited.getValueInfo(i).getName())) {
                edited.setValueInfo(i, withClasses(edited.getValueInfo(i), oldClasses, classes));
            }
        }
        // The new tensors live inside the protobuf; drop any external bytes the old ones had.
        Map<String, ByteBuffer> external = new HashMap<>(model.externalData());
        external.keySet().removeAll(replaced.keySet());
        return OnnxModel.of(model.proto().toBuilder().setGraph(edited).build(), external);
    }

    /** A Reshape whose target shape names the old class count would undo the new one. */
    private static void checkReshape(NodeProto reshape, Map<String, TensorProto> initializers, long oldClasses) {
        TensorProto shape = reshape.getInputCount() > 1 ? initializers.get(reshape.getInput(1)) : null;
        if (shape == null) {
            return;
        }
        ByteBuffer bytes = TensorTypes.bytesOf(shape);
        while (bytes.hasRemaining()) {
            if (bytes.getLong() == oldClasses) {
                throw new ModelException("Reshape node '" + reshape.getName() + "' after the classifier fixes "
                        + oldClasses + " classes in its target shape; trainer cannot resize that head");
            }
        }
    }

    /** Resizing a tensor that something else also reads would break that reader. */
    private static void checkOwned(String initializer, ModelGraph index, String target) {
        if (index.uses(initializer) > 1) {
            throw new ModelException("the classifier producing " + target + " shares " + initializer
                    + " with other nodes; trainer cannot resize it");
        }
    }

    /** The declared type with its last dimension set to the new count, where it was the old one. */
    private static ValueInfoProto withClasses(ValueInfoProto info, long oldClasses, long classes) {
        if (!info.getType().hasTensorType() || !info.getType().getTensorType().hasShape()) {
            return info;
        }
        TensorShapeProto shape = info.getType().getTensorType().getShape();
        int last = shape.getDimCount() - 1;
        if (last < 0 || !shape.getDim(last).hasDimValue() || shape.getDim(last).getDimValue() != oldClasses) {
            return info;
        }
        ValueInfoProto.Builder b = info.toBuilder();
        b.getTypeBuilder().getTensorTypeBuilder().getShapeBuilder().getDimBuilder(last).setDimValue(classes);
        return b.build();
    }

    /**
     * The layer found: its weight, the weight's class axis, the bias (or {@code null}) and, for
     * MatMul + Add, the MatMul's output, whose declared shape also carries the classes.
     */
    private record Linear(String weight, int classAxis, long classes, String bias, List<String> intermediates) {

        static Linear find(NodeProto node, Map<String, NodeProto> producers, Map<String, TensorProto> initializers) {
            return switch (node.getOpType()) {
                case "Gemm" -> gemm(node, initializers);
                case "MatMul" -> matMul(node, null, List.of(), initializers);
                case "Add" -> add(node, producers, initializers);
                default -> null;
            };
        }

        private static Linear gemm(NodeProto node, Map<String, TensorProto> initializers) {
            TensorProto weight = matrix(node.getInput(1), initializers);
            if (weight == null) {
                return null;
            }
            int classAxis = Attributes.getInt(node, "transB", 0) == 1 ? 0 : 1;
            String bias = node.getInputCount() > 2 && !node.getInput(2).isEmpty() ? node.getInput(2) : null;
            if (bias != null && !isFloat(bias, initializers)) {
                return null;
            }
            return new Linear(weight.getName(), classAxis, weight.getDims(classAxis), bias, List.of());
        }

        private static Linear matMul(NodeProto node, String bias, List<String> intermediates,
                                     Map<String, TensorProto> initializers) {
            TensorProto weight = matrix(node.getInput(1), initializers);
            return weight == null ? null : new Linear(weight.getName(), 1, weight.getDims(1), bias, intermediates);
        }

        private static Linear add(NodeProto node, Map<String, NodeProto> producers, Map<String, TensorProto> initializers) {
            for (int i = 0; i < 2; i++) {
                NodeProto matMul = producers.get(node.getInput(i));
                String bias = node.getInput(1 - i);
                if (matMul != null && matMul.getOpType().equals("MatMul") && isFloat(bias, initializers)) {
                    return matMul(matMul, bias, List.of(node.getInput(i)), initializers);
                }
            }
            return null;
        }

        /** Whether the value is a float32 initializer, as a bias must be to be re-drawn as one. */
        private static boolean isFloat(String name, Map<String, TensorProto> initializers) {
            TensorProto t = initializers.get(name);
            return t != null && t.getDataType() == TensorProto.DataType.FLOAT_VALUE;
        }

        /** A float32 rank-2 initializer, the only kind of weight a linear classifier has. */
        private static TensorProto matrix(String name, Map<String, TensorProto> initializers) {
            return isFloat(name, initializers) && initializers.get(name).getDimsCount() == 2 ? initializers.get(name) : null;
        }
    }
}
