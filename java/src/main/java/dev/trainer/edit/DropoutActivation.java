package dev.trainer.edit;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.TypeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import dev.trainer.ModelException;
import dev.trainer.onnx.Attributes;
import dev.trainer.onnx.OnnxModel;
import dev.trainer.onnx.TensorTypes;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * Makes a model's Dropout nodes active while training, with masks that are a pure function of
 * (seed, step, node, element): each Dropout becomes standard integer ops that hash every element's
 * index with two keys fed per step ({@link #KEYS}, made by {@link DropoutKeys}), so a step's masks
 * can be recomputed at any time (a resumed run draws exactly what the uninterrupted one did) and
 * are the same on every execution provider. ONNX Runtime's own Dropout draws from a generator
 * inside its session, which no checkpoint can capture.
 *
 * <p>Per node, with r its ratio: element i is kept when {@code hash(i, k1, k2) >= round(r * 2^32)}
 * and then scaled by 1 / (1 - r), as ONNX's Dropout does; the mask is a graph value, so the
 * gradient takes the same path back (Where and Mul's rules). The hash, on uint32 with wrap-around
 * arithmetic, is {@code x = (i + k1) * C1; x = rotl(x, 16); x = x * (x + k2); x = rotl(x, 16) * C2}:
 * the product of two values that both depend on i is what makes it nonlinear (ops up to opset 11
 * have no xor). Its drop rate, and the independence of neighbouring elements, of steps and of
 * nodes, are checked statistically in {@code DropoutMaskTest}.
 *
 * <p>{@link #TRAINING_FLAG} is 1 in training steps and 0 in predictions; at 0 no element is hashed
 * and the node passes its input through unchanged (x · 1, bit for bit). Exported models keep the
 * original, inactive nodes. Needs opset 11 (Range, BitShift); a node whose ratio is not a constant
 * cannot be activated.
 */
public final class DropoutActivation {

    /** int64 scalar input: 1 in training steps, 0 in predictions. */
    public static final String TRAINING_FLAG = "trainer::training";
    /** int32 input of {@code 2 × nodes} elements: each active Dropout node's two keys for this step. */
    public static final String KEYS = "trainer::dropout_keys";

    private static final long MIN_OPSET = 11;
    private static final int MULTIPLIER_1 = 0x7feb352d;
    private static final int MULTIPLIER_2 = 0x846ca68b;

    /**
     * A model with active Dropout.
     *
     * @param nodes how many Dropout nodes take keys: {@link #KEYS} holds {@code 2 × nodes} ints
     */
    public record Activated(OnnxModel model, int nodes) {
    }

    private DropoutActivation() {
    }

    /** Whether the model has Dropout nodes this can activate. */
    public static boolean applies(OnnxModel model) {
        return model.opset() >= MIN_OPSET && model.graph().nodes().stream().anyMatch(DropoutActivation::isDropout);
    }

    /**
     * The model with its Dropout nodes (of a ratio above 0) made active.
     *
     * @throws ModelException for a Dropout node whose ratio is computed rather than constant
     */
    public static Activated activate(OnnxModel model) {
        GraphProto.Builder graph = model.proto().getGraph().toBuilder();
        GraphEditor editor = new GraphEditor(graph, model.opset(), "trainer.dropout");
        List<NodeProto> original = List.copyOf(graph.getNodeList());
        graph.clearNode();
        String keys = editor.op("Cast", "keys", List.of(KEYS), Attributes.ofInt("to", TensorProto.DataType.UINT32_VALUE));
        int site = 0;
        for (NodeProto node : original) {
            float ratio = isDropout(node) ? ratio(model, node) : 0;
            if (ratio <= 0) {
                graph.addNode(node);
                continue;
            }
            new Site(editor, "site" + site, keys, 2 * site).replace(node, ratio);
            site++;
        }
        graph.addInput(input(KEYS, TensorProto.DataType.INT32_VALUE, 2L * site));
        graph.addInput(input(TRAINING_FLAG, TensorProto.DataType.INT64_VALUE, -1));
        return new Activated(model.withProto(model.proto().toBuilder().setGraph(graph).build()), site);
    }

    /** One Dropout node's replacement. */
    private record Site(GraphEditor g, String name, String keys, int firstKey) {

        void replace(NodeProto node, float ratio) {
            String x = node.getInput(0);
            String shape = op("Shape", "shape", x);
            String n = g.op("ReduceProd", name + "/elements", List.of(shape), Attributes.ofInt("keepdims", 0));
            String hashed = op("Mul", "hashed_count", n, TRAINING_FLAG);
            String passed = op("Sub", "passed_count", n, hashed);
            String index = op("Cast", "index", Attributes.ofInt("to", TensorProto.DataType.UINT32_VALUE),
                    op("Range", "index64", int64("range_start", 0), hashed, int64("range_step", 1)));
            String keep = op("Greater", "hash_keeps", hash(index), uint32("threshold", threshold(ratio) - 1));
            String all = g.op("ConstantOfShape", name + "/passed", List.of(g.unsqueeze(passed, 0, name + "/passed_shape")),
                    Attributes.ofTensor("value", TensorTypes.tensor("", TensorProto.DataType.BOOL_VALUE, new long[] {1},
                            ByteBuffer.wrap(new byte[] {1}))));
            String mask = g.op("Reshape", name + "/mask", List.of(g.op("Concat", name + "/flat_mask", List.of(keep, all),
                    Attributes.ofInt("axis", 0)), shape));
            ByteBuffer scales = ByteBuffer.allocate(2 * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN)
                    .putFloat(1f).putFloat(1f / (1f - ratio)).flip();
            String scaleTable = g.initializer(TensorTypes.tensor(g.prefix() + "/" + name + "/scales",
                    TensorProto.DataType.FLOAT_VALUE, new long[] {2}, scales));
            String scaled = op("Mul", "scaled", x, op("Gather", "scale", scaleTable, TRAINING_FLAG));
            g.opInto("Where", node.getOutput(0), List.of(mask, scaled, g.scalar(name + "/zero", 0f)));
            if (node.getOutputCount() > 1 && !node.getOutput(1).isEmpty()) {
                g.opInto("Identity", node.getOutput(1), List.of(mask));
            }
        }

        /** The uint32 hash of each index under this node's two keys (see the class comment). */
        private String hash(String index) {
            String k1 = op("Gather", "key1", keys, int64("key1_at", firstKey));
            String k2 = op("Gather", "key2", keys, int64("key2_at", firstKey + 1));
            String x = rotate16(op("Mul", "mix1", op("Add", "keyed", index, k1), uint32("c1", MULTIPLIER_1)), "rot1");
            x = op("Mul", "square", x, op("Add", "keyed2", x, k2));
            return op("Mul", "mix2", rotate16(x, "rot2"), uint32("c2", MULTIPLIER_2));
        }

        /** x rotated by 16 bits: the two shifted halves do not overlap, so adding them is an or. */
        private String rotate16(String x, String local) {
            String sixteen = uint32(local + "_bits", 16);
            return op("Add", local, g.op("BitShift", name + "/" + local + "_left", List.of(x, sixteen),
                    Attributes.ofString("direction", "LEFT")), g.op("BitShift", name + "/" + local + "_right",
                    List.of(x, sixteen), Attributes.ofString("direction", "RIGHT")));
        }

        private String op(String type, String local, String... inputs) {
            return g.op(type, name + "/" + local, List.of(inputs));
        }

        private String op(String type, String local, ai.onnx.proto.OnnxMl.AttributeProto attribute, String input) {
            return g.op(type, name + "/" + local, List.of(input), attribute);
        }

        private String int64(String local, long value) {
            ByteBuffer bytes = ByteBuffer.allocate(Long.BYTES).order(ByteOrder.LITTLE_ENDIAN).putLong(0, value);
            return g.initializer(TensorTypes.tensor(g.prefix() + "/" + name + "/" + local, TensorProto.DataType.INT64_VALUE,
                    new long[0], bytes));
        }

        private String uint32(String local, long value) {
            ByteBuffer bytes = ByteBuffer.allocate(Integer.BYTES).order(ByteOrder.LITTLE_ENDIAN).putInt(0, (int) value);
            return g.initializer(TensorTypes.tensor(g.prefix() + "/" + name + "/" + local, TensorProto.DataType.UINT32_VALUE,
                    new long[0], bytes));
        }
    }

    /** The uint32 value below which a hash drops its element: r · 2^32, at least 1. */
    static long threshold(float ratio) {
        return Math.max(1, Math.min((1L << 32) - 1, Math.round(ratio * 0x1p32)));
    }

    /** The node's drop ratio: its {@code ratio} attribute before opset 12, its constant second input from 12 on; 0.5 by default. */
    private static float ratio(OnnxModel model, NodeProto node) {
        if (model.opset() < 12) {
            return Attributes.getFloat(node, "ratio", 0.5f);
        }
        if (node.getInputCount() < 2 || node.getInput(1).isEmpty()) {
            return 0.5f;
        }
        TensorProto ratio = model.graph().initializer(node.getInput(1));
        if (ratio == null) {
            NodeProto producer = model.graph().producer(node.getInput(1));
            ratio = producer != null && producer.getOpType().equals("Constant")
                    ? Attributes.find(producer, "value").getT() : null;
        }
        if (ratio == null) {
            throw new ModelException("Dropout node " + node.getName() + " takes its ratio from " + node.getInput(1)
                    + ", a computed value; trainer activates Dropout with a constant ratio (or use --no-dropout)");
        }
        ByteBuffer bytes = model.initializerBytes(ratio);
        return switch (ratio.getDataType()) {
            case TensorProto.DataType.FLOAT_VALUE -> bytes.getFloat(0);
            case TensorProto.DataType.DOUBLE_VALUE -> (float) bytes.getDouble(0);
            default -> throw new ModelException("Dropout node " + node.getName() + " has a ratio of "
                    + TensorTypes.name(ratio.getDataType()) + "; trainer reads float and double ratios");
        };
    }

    private static ValueInfoProto input(String name, int type, long length) {
        TensorShapeProto.Builder shape = TensorShapeProto.newBuilder();
        if (length >= 0) {
            shape.addDim(TensorShapeProto.Dimension.newBuilder().setDimValue(length));
        }
        return ValueInfoProto.newBuilder().setName(name).setType(TypeProto.newBuilder()
                .setTensorType(TypeProto.Tensor.newBuilder().setElemType(type).setShape(shape))).build();
    }

    private static boolean isDropout(NodeProto node) {
        return node.getOpType().equals("Dropout") && (node.getDomain().isEmpty() || node.getDomain().equals("ai.onnx"));
    }
}
