package dev.trainer.fuzz;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.StringStringEntryProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.BiConsumer;

/**
 * Damage to an ONNX model: its bytes, and its structure rewritten into other well-formed protobufs
 * that are wrong as models: initializers whose shape, type or data disagree, weights that are not
 * finite, external data that points nowhere, nodes that read undefined values or come out of
 * order, missing or odd inputs and outputs, opsets that do not exist.
 */
final class OnnxMutations {

    private static final long[] ODD_DIMS = {0, -1, 1, 3, 1L << 31, Long.MAX_VALUE};
    private static final int[] ODD_TYPES = {0, TensorProto.DataType.INT64_VALUE, TensorProto.DataType.STRING_VALUE,
            TensorProto.DataType.FLOAT16_VALUE, TensorProto.DataType.DOUBLE_VALUE, TensorProto.DataType.BOOL_VALUE, 99};

    private OnnxMutations() {
    }

    static List<Mutation> all() {
        List<Mutation> all = new ArrayList<>(ByteMutations.all());
        all.addAll(List.of(
                graph("change an initializer's shape", (g, r) -> initializer(g, r, t -> {
                    if (t.getDimsCount() == 0 || r.nextInt(4) == 0) {
                        t.addDims(ODD_DIMS[r.nextInt(ODD_DIMS.length)]);
                    } else {
                        t.setDims(r.nextInt(t.getDimsCount()), ODD_DIMS[r.nextInt(ODD_DIMS.length)]);
                    }
                })),
                graph("change an initializer's type", (g, r) -> initializer(g, r,
                        t -> t.setDataType(ODD_TYPES[r.nextInt(ODD_TYPES.length)]))),
                graph("cut an initializer's data", (g, r) -> initializer(g, r, t -> t.setRawData(
                        t.getRawData().substring(0, r.nextInt(Math.max(1, t.getRawData().size())))))),
                graph("typed data of the wrong length", (g, r) -> initializer(g, r,
                        t -> t.clearRawData().addFloatData(1).addFloatData(2))),
                graph("a weight NaN or infinite", (g, r) -> initializer(g, r, t -> t.setRawData(oddFloat(t.getRawData(), r)))),
                graph("external data that is not there", (g, r) -> initializer(g, r, t -> t.clearRawData()
                        .setDataLocation(TensorProto.DataLocation.EXTERNAL)
                        .addExternalData(entry("location", new String[] {"absent.bin", "../../etc/passwd", "", "."}[r.nextInt(4)]))
                        .addExternalData(entry("offset", new String[] {"0", "-8", "x", "99999999999"}[r.nextInt(4)])))),
                graph("drop a node", (g, r) -> {
                    if (g.getNodeCount() > 0) {
                        g.removeNode(r.nextInt(g.getNodeCount()));
                    }
                }),
                graph("reverse the nodes", (g, r) -> {
                    List<NodeProto> nodes = new ArrayList<>(g.getNodeList());
                    java.util.Collections.reverse(nodes);
                    g.clearNode().addAllNode(nodes);
                }),
                graph("a node reads an undefined value", (g, r) -> node(g, r, n -> {
                    if (n.getInputCount() > 0) {
                        n.setInput(r.nextInt(n.getInputCount()), new String[] {"undefined", "", "logits"}[r.nextInt(3)]);
                    }
                })),
                graph("a node of an unknown op", (g, r) -> node(g, r, n -> n.setOpType(new String[] {"", "NoSuchOp",
                        "Softmax", "Loop"}[r.nextInt(4)]))),
                graph("a node with an output twice", (g, r) -> node(g, r, n -> n.addOutput(n.getOutputCount() > 0
                        ? n.getOutput(0) : "out"))),
                graph("an output that is an input or unknown", (g, r) -> {
                    String name = new String[] {"input", "nowhere", "fc1.weight", ""}[r.nextInt(4)];
                    g.addOutput(0, ValueInfoProto.newBuilder().setName(name));
                }),
                graph("an input's type or shape changed", (g, r) -> {
                    if (g.getInputCount() > 0) {
                        ValueInfoProto.Builder in = g.getInputBuilder(r.nextInt(g.getInputCount()));
                        var tensor = in.getTypeBuilder().getTensorTypeBuilder();
                        if (r.nextBoolean()) {
                            tensor.setElemType(ODD_TYPES[r.nextInt(ODD_TYPES.length)]);
                        } else {
                            tensor.setShape(TensorShapeProto.newBuilder().addDim(TensorShapeProto.Dimension.newBuilder()
                                    .setDimValue(ODD_DIMS[r.nextInt(ODD_DIMS.length)])));
                        }
                    }
                }),
                graph("an initializer twice", (g, r) -> {
                    if (g.getInitializerCount() > 0) {
                        g.addInitializer(g.getInitializer(r.nextInt(g.getInitializerCount())));
                    }
                }),
                model("an opset that does not exist", (m, r) -> {
                    if (m.getOpsetImportCount() > 0) {
                        m.setOpsetImport(0, m.getOpsetImport(0).toBuilder().setVersion(new long[] {0, 1, 27, 99, -3}[r.nextInt(5)]));
                    }
                }),
                model("no opset", (m, r) -> m.clearOpsetImport()),
                model("an odd IR version", (m, r) -> m.setIrVersion(new long[] {0, 1, 99, -1}[r.nextInt(4)]))));
        return all;
    }

    private static Mutation graph(String name, BiConsumer<GraphProto.Builder, SplittableRandom> edit) {
        return model(name, (m, r) -> edit.accept(m.getGraphBuilder(), r));
    }

    private static Mutation model(String name, BiConsumer<ModelProto.Builder, SplittableRandom> edit) {
        return Mutation.rewrite(name, (bytes, random) -> {
            ModelProto.Builder m;
            try {
                m = ModelProto.parseFrom(bytes).toBuilder();
            } catch (InvalidProtocolBufferException e) {
                return bytes;
            }
            edit.accept(m, random);
            return m.build().toByteArray();
        });
    }

    private interface TensorEdit {
        void apply(TensorProto.Builder tensor);
    }

    private static void initializer(GraphProto.Builder g, SplittableRandom r, TensorEdit edit) {
        if (g.getInitializerCount() > 0) {
            edit.apply(g.getInitializerBuilder(r.nextInt(g.getInitializerCount())));
        }
    }

    private interface NodeEdit {
        void apply(NodeProto.Builder node);
    }

    private static void node(GraphProto.Builder g, SplittableRandom r, NodeEdit edit) {
        if (g.getNodeCount() > 0) {
            edit.apply(g.getNodeBuilder(r.nextInt(g.getNodeCount())));
        }
    }

    private static ByteString oddFloat(ByteString raw, SplittableRandom r) {
        if (raw.size() < 4) {
            return raw;
        }
        ByteBuffer b = ByteBuffer.allocate(raw.size()).order(ByteOrder.LITTLE_ENDIAN).put(raw.asReadOnlyByteBuffer());
        b.putFloat(r.nextInt(raw.size() / 4) * 4, new float[] {Float.NaN, Float.POSITIVE_INFINITY, -Float.MAX_VALUE}[r.nextInt(3)]);
        return ByteString.copyFrom(b.flip());
    }

    private static StringStringEntryProto entry(String key, String value) {
        return StringStringEntryProto.newBuilder().setKey(key).setValue(value).build();
    }
}
