package dev.trainer.edit;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorProto.DataType;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import dev.trainer.ModelException;
import dev.trainer.onnx.TensorTypes;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Set;

/**
 * Puts input normalization inside a model: a graph that took normalized values becomes one that
 * takes raw values, by starting with {@code Sub(x, offset)} and {@code Div(·, scale)} on the
 * input and feeding the result to every node that read the input. Input and output names do not
 * change, so the model drops into any service that fed the original.
 *
 * <p>The constants are {@code Constant} nodes, not initializers, so that nothing treats them as
 * parameters to train, shaped {@code [1, ...sampleShape]} to broadcast over the batch. Div rather
 * than Mul by 1/scale: it is the exact float operation the Java side applies to training data.
 */
public final class InputNormalization {

    private InputNormalization() {
    }

    /**
     * The model with {@code (input - offset) / scale} in front of input {@code input}.
     *
     * <p>Every node reading the input, in the main graph and in subgraphs (If, Loop, Scan bodies)
     * that see it from the outer scope, reads the normalized value instead. A graph output that is
     * the input itself stays the raw input: outputs keep their names and meaning.
     *
     * @param sampleShape the input's shape without the batch dimension; its static dimensions must
     *                    agree with the graph's declaration
     * @param offset      one value per sample element, row-major
     * @param scale       one value per sample element, row-major, nonzero
     * @throws ModelException when the model has no such input, the input is not FLOAT or DOUBLE,
     *                        or its shape disagrees with {@code sampleShape}
     * @throws IllegalArgumentException when the offsets or scales do not fill the sample shape
     */
    public static ModelProto prepend(ModelProto model, String input, long[] sampleShape, float[] offset, float[] scale) {
        return prepend(model, input, sampleShape, offset, scale, false);
    }

    /**
     * As {@link #prepend}, with constants that broadcast: {@code constantShape} has the input's
     * rank without the batch, and each of its dimensions is either the input's or 1, the same
     * value then serving the whole axis. Per-channel image normalization is {@code [C, 1, 1]},
     * which also suits an input whose height and width are dynamic.
     *
     * @throws ModelException as {@link #prepend}, or when a dimension other than 1 disagrees
     */
    public static ModelProto prependBroadcast(ModelProto model, String input, long[] constantShape, float[] offset,
                                              float[] scale) {
        return prepend(model, input, constantShape, offset, scale, true);
    }

    private static ModelProto prepend(ModelProto model, String input, long[] sampleShape, float[] offset, float[] scale,
                                      boolean broadcast) {
        long elements = TensorTypes.elementCount(sampleShape);
        if (offset.length != elements || scale.length != elements) {
            throw new IllegalArgumentException(offset.length + " offsets and " + scale.length + " scales for "
                    + elements + " elements per sample of '" + input + "'");
        }
        GraphProto graph = model.getGraph();
        ValueInfoProto declared = graph.getInputList().stream().filter(v -> v.getName().equals(input)).findFirst()
                .orElseThrow(() -> new ModelException("the model has no input '" + input + "' to normalize"));
        if (graph.getInitializerList().stream().anyMatch(t -> t.getName().equals(input))) {
            throw new ModelException("input '" + input + "' has an initializer (a default value); it cannot be normalized");
        }
        int elementType = declared.getType().getTensorType().getElemType();
        if (elementType != DataType.FLOAT_VALUE && elementType != DataType.DOUBLE_VALUE) {
            throw new ModelException("input '" + input + "' is " + TensorTypes.name(elementType)
                    + "; only float and double inputs can be normalized");
        }
        requireShape(declared, sampleShape, broadcast);

        Set<String> taken = GraphEditor.namesIn(graph);
        String offsetName = GraphEditor.fresh(input + "_normalize_offset", taken);
        String scaleName = GraphEditor.fresh(input + "_normalize_scale", taken);
        String centered = GraphEditor.fresh(input + "_centered", taken);
        String normalized = GraphEditor.fresh(input + "_normalized", taken);
        long[] constantShape = new long[sampleShape.length + 1];
        constantShape[0] = 1;
        System.arraycopy(sampleShape, 0, constantShape, 1, sampleShape.length);

        GraphProto.Builder out = graph.toBuilder().clearNode();
        out.addNode(constant(offsetName, elementType, constantShape, offset));
        out.addNode(constant(scaleName, elementType, constantShape, scale));
        out.addNode(NodeProto.newBuilder().setOpType("Sub").setName(GraphEditor.fresh(input + "_normalize_sub", taken))
                .addInput(input).addInput(offsetName).addOutput(centered));
        out.addNode(NodeProto.newBuilder().setOpType("Div").setName(GraphEditor.fresh(input + "_normalize_div", taken))
                .addInput(centered).addInput(scaleName).addOutput(normalized));
        for (NodeProto node : graph.getNodeList()) {
            out.addNode(rename(node, input, normalized));
        }
        out.addValueInfo(ValueInfoProto.newBuilder().setName(normalized).setType(declared.getType()));
        return model.toBuilder().setGraph(out).build();
    }

    private static void requireShape(ValueInfoProto declared, long[] sampleShape, boolean broadcast) {
        TensorShapeProto shape = declared.getType().getTensorType().getShape();
        if (!declared.getType().getTensorType().hasShape()) {
            return;
        }
        if (shape.getDimCount() != sampleShape.length + 1) {
            throw new ModelException("input '" + declared.getName() + "' has rank " + shape.getDimCount()
                    + ", but the normalization is for samples of rank " + sampleShape.length);
        }
        for (int a = 0; a < sampleShape.length; a++) {
            TensorShapeProto.Dimension dim = shape.getDim(a + 1);
            if (dim.hasDimValue() && dim.getDimValue() != sampleShape[a] && !(broadcast && sampleShape[a] == 1)) {
                throw new ModelException("input '" + declared.getName() + "' has dimension " + dim.getDimValue()
                        + " on axis " + (a + 1) + ", but the normalization is for " + sampleShape[a]);
            }
        }
    }

    /**
     * The node reading {@code to} wherever it read {@code from}, also inside its subgraphs unless
     * a subgraph declares {@code from} itself, which shadows the outer value.
     */
    private static NodeProto rename(NodeProto node, String from, String to) {
        NodeProto.Builder b = node.toBuilder();
        for (int i = 0; i < b.getInputCount(); i++) {
            if (b.getInput(i).equals(from)) {
                b.setInput(i, to);
            }
        }
        for (int a = 0; a < b.getAttributeCount(); a++) {
            AttributeProto attribute = b.getAttribute(a);
            if (attribute.hasG() || attribute.getGraphsCount() > 0) {
                AttributeProto.Builder renamed = attribute.toBuilder();
                if (attribute.hasG()) {
                    renamed.setG(renameInSubgraph(attribute.getG(), from, to));
                }
                for (int g = 0; g < attribute.getGraphsCount(); g++) {
                    renamed.setGraphs(g, renameInSubgraph(attribute.getGraphs(g), from, to));
                }
                b.setAttribute(a, renamed);
            }
        }
        return b.build();
    }

    private static GraphProto renameInSubgraph(GraphProto graph, String from, String to) {
        if (declares(graph, from)) {
            return graph;
        }
        GraphProto.Builder b = graph.toBuilder().clearNode();
        for (NodeProto node : graph.getNodeList()) {
            b.addNode(rename(node, from, to));
        }
        // a subgraph may return the outer value itself; its outputs bind by position, not by
        // name, so renaming one changes nothing outside
        for (int o = 0; o < b.getOutputCount(); o++) {
            if (b.getOutput(o).getName().equals(from)) {
                b.setOutput(o, b.getOutput(o).toBuilder().setName(to));
            }
        }
        return b.build();
    }

    private static boolean declares(GraphProto graph, String name) {
        return graph.getInputList().stream().anyMatch(v -> v.getName().equals(name))
                || graph.getInitializerList().stream().anyMatch(t -> t.getName().equals(name))
                || graph.getNodeList().stream().anyMatch(n -> n.getOutputList().contains(name));
    }

    private static NodeProto constant(String name, int elementType, long[] shape, float[] values) {
        boolean isFloat = elementType == DataType.FLOAT_VALUE;
        ByteBuffer bytes = ByteBuffer.allocate(values.length * (isFloat ? Float.BYTES : Double.BYTES))
                .order(ByteOrder.LITTLE_ENDIAN);
        for (float v : values) {
            if (isFloat) {
                bytes.putFloat(v);
            } else {
                bytes.putDouble(v);
            }
        }
        TensorProto tensor = TensorTypes.tensor(name, elementType, shape, bytes.flip());
        return NodeProto.newBuilder().setOpType("Constant").setName(name).addOutput(name)
                .addAttribute(AttributeProto.newBuilder().setName("value").setType(AttributeProto.AttributeType.TENSOR)
                        .setT(tensor))
                .build();
    }
}
