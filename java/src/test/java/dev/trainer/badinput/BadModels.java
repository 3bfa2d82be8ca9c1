package dev.trainer.badinput;

import static dev.trainer.onnx.GraphParts.longs;
import static dev.trainer.onnx.GraphParts.node;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TypeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import com.google.protobuf.ByteString;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Broken variants of the shipped digits classifier ({@code [B,64]} → Gemm → Relu → Gemm →
 * {@code logits [B,10]}), each written to a file: the models a user might bring that trainer must
 * refuse, or train, with a clear answer.
 */
public final class BadModels {

    /** The shipped digits model, from the java module's folder. */
    public static final Path DIGITS = Path.of("../models/digits/model.onnx");

    private BadModels() {
    }

    /** The digits model's protobuf. */
    public static ModelProto digits() {
        try {
            return ModelProto.parseFrom(Files.readAllBytes(DIGITS));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Writes a model and returns its path. */
    public static Path write(ModelProto model, Path file) {
        try {
            Files.write(file, model.toByteArray());
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** No graph outputs at all. */
    public static Path noOutputs(Path file) {
        ModelProto m = digits();
        return write(m.toBuilder().setGraph(m.getGraph().toBuilder().clearOutput()).build(), file);
    }

    /** One weight of the first layer is {@code value} (NaN or an infinity). */
    public static Path nonFiniteWeight(Path file, float value) {
        ModelProto m = digits();
        GraphProto.Builder g = m.getGraph().toBuilder();
        for (int i = 0; i < g.getInitializerCount(); i++) {
            TensorProto t = g.getInitializer(i);
            if (t.getDimsCount() == 2) {
                ByteBuffer bytes = ByteBuffer.allocate(t.getRawData().size()).order(ByteOrder.LITTLE_ENDIAN);
                bytes.put(t.getRawData().asReadOnlyByteBuffer()).putFloat(3 * Float.BYTES, value);
                g.setInitializer(i, t.toBuilder().setRawData(ByteString.copyFrom(bytes.flip())));
                break;
            }
        }
        return write(m.toBuilder().setGraph(g).build(), file);
    }

    /** Stamped with a default-domain opset far beyond any ONNX Runtime's. */
    public static Path opset(Path file, long version) {
        ModelProto.Builder m = digits().toBuilder();
        m.setOpsetImport(0, m.getOpsetImport(0).toBuilder().setVersion(version));
        return write(m.build(), file);
    }

    /** The weights held in Constant nodes, no initializers: nothing trainer would train. */
    public static Path noInitializers(Path file) {
        ModelProto m = digits();
        GraphProto.Builder g = m.getGraph().toBuilder().clearInitializer().clearNode();
        for (TensorProto t : m.getGraph().getInitializerList()) {
            g.addNode(NodeProto.newBuilder().setOpType("Constant").setName("const_" + t.getName()).addOutput(t.getName())
                    .addAttribute(AttributeProto.newBuilder().setName("value").setType(AttributeProto.AttributeType.TENSOR)
                            .setT(t)));
        }
        g.addAllNode(m.getGraph().getNodeList());
        return write(m.toBuilder().setGraph(g).build(), file);
    }

    /** A second input of strings, which no data file can fill. */
    public static Path stringInput(Path file) {
        ModelProto m = digits();
        GraphProto.Builder g = m.getGraph().toBuilder().addInput(ValueInfoProto.newBuilder().setName("comment")
                .setType(TypeProto.newBuilder().setTensorType(TypeProto.Tensor.newBuilder()
                        .setElemType(TensorProto.DataType.STRING_VALUE))));
        return write(m.toBuilder().setGraph(g).build(), file);
    }

    /** The output is the argmax class (int64), not the logits. */
    public static Path integerOutput(Path file) {
        ModelProto m = digits();
        GraphProto.Builder g = m.getGraph().toBuilder();
        String logits = g.getOutput(0).getName();
        g.addNode(NodeProto.newBuilder().setOpType("ArgMax").setName("argmax").addInput(logits).addOutput("class")
                .addAttribute(AttributeProto.newBuilder().setName("axis").setType(AttributeProto.AttributeType.INT).setI(1))
                .addAttribute(AttributeProto.newBuilder().setName("keepdims").setType(AttributeProto.AttributeType.INT).setI(0)));
        g.clearOutput().addOutput(ValueInfoProto.newBuilder().setName("class").setType(TypeProto.newBuilder()
                .setTensorType(TypeProto.Tensor.newBuilder().setElemType(TensorProto.DataType.INT64_VALUE))));
        return write(m.toBuilder().setGraph(g).build(), file);
    }

    /** An initializer no node reads, which ONNX Runtime warns about when it removes it. */
    public static Path unusedInitializer(Path file) {
        ModelProto m = digits();
        GraphProto.Builder g = m.getGraph().toBuilder().addInitializer(TensorProto.newBuilder().setName("unused")
                .setDataType(TensorProto.DataType.FLOAT_VALUE).addDims(2).setRawData(ByteString.copyFrom(new byte[8])));
        return write(m.toBuilder().setGraph(g).build(), file);
    }

    /**
     * The logits plus zero times the sum of an intermediate of {@code [B, 10, 2^36]} floats (over
     * 2 TiB a sample): a model no machine has the memory to run, though every op has a gradient.
     */
    public static Path needsTerabytes(Path file) {
        ModelProto m = digits();
        GraphProto.Builder g = m.getGraph().toBuilder();
        String logits = g.getOutput(0).getName();
        for (int i = 0; i < g.getNodeCount(); i++) {
            NodeProto n = g.getNode(i);
            for (int k = 0; k < n.getOutputCount(); k++) {
                if (n.getOutput(k).equals(logits)) {
                    g.setNode(i, n.toBuilder().setOutput(k, "logits_inner"));
                }
            }
        }
        g.addInitializer(longs("axis_2", 2)).addInitializer(longs("huge_shape", 1, 1, 1L << 36))
                .addInitializer(TensorProto.newBuilder().setName("zero").setDataType(TensorProto.DataType.FLOAT_VALUE)
                        .setRawData(ByteString.copyFrom(new byte[4])));
        g.addNode(node("Unsqueeze", "unsqueeze", "logits_inner", "axis_2"))
                .addNode(node("Expand", "expand", "unsqueeze", "huge_shape"))
                .addNode(node("ReduceSum", "total", "expand").toBuilder().addAttribute(AttributeProto.newBuilder()
                        .setName("keepdims").setType(AttributeProto.AttributeType.INT).setI(0)))
                .addNode(node("Mul", "nothing", "total", "zero"))
                .addNode(NodeProto.newBuilder().setOpType("Add").setName("add").addInput("logits_inner").addInput("nothing")
                        .addOutput(logits));
        return write(m.toBuilder().setGraph(g).build(), file);
    }
}
