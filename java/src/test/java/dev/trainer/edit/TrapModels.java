package dev.trainer.edit;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import dev.trainer.data.NpzWriter;
import dev.trainer.onnx.OnnxModel;
import dev.trainer.onnx.TensorTypes;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.Random;

/** Small models with the traps exporters leave in graphs: shared initializers and random ops. */
public final class TrapModels {

    private static final int FLOAT = TensorProto.DataType.FLOAT_VALUE;

    private TrapModels() {
    }

    /**
     * x [batch, 4] → Gemm → LayerNormalization → Gemm → LayerNormalization → Gemm → logits [batch, 3],
     * both LayerNorms reading one weight of ones and one bias of zeros, as torch 2.x exports a fresh model.
     */
    public static OnnxModel mergedLayerNorms() {
        GraphProto.Builder g = graph("x", 4)
                .addInitializer(random("fc1.weight", 5, 4, 1)).addInitializer(random("fc2.weight", 5, 5, 2))
                .addInitializer(random("fc3.weight", 3, 5, 3))
                .addInitializer(filled("ln.weight", 1f, 5)).addInitializer(filled("ln.bias", 0f, 5))
                .addNode(node("Gemm", "fc1", new String[] {"x", "fc1.weight"}, "h1", transB()))
                .addNode(node("LayerNormalization", "ln1", new String[] {"h1", "ln.weight", "ln.bias"}, "n1"))
                .addNode(node("Gemm", "fc2", new String[] {"n1", "fc2.weight"}, "h2", transB()))
                .addNode(node("LayerNormalization", "ln2", new String[] {"h2", "ln.weight", "ln.bias"}, "n2"))
                .addNode(node("Gemm", "fc3", new String[] {"n2", "fc3.weight"}, "logits", transB()));
        return HeadModels.model(g.addOutput(HeadModels.info("logits", FLOAT, "batch", 3)), 17);
    }

    /**
     * x [batch, 2, 3, 3] → BN1 → BN2 → GlobalAveragePool → Flatten → Gemm → logits [batch, 3], where
     * BN2's running variance is BN1's scale of ones handed on by an Identity, as torch 1.13 merges them.
     */
    public static OnnxModel statisticMergedWithScale() {
        GraphProto.Builder g = graph("x", 2, 3, 3)
                .addInitializer(filled("bn1.weight", 1f, 2)).addInitializer(random("bn1.bias", 2, 0, 4))
                .addInitializer(random("bn1.running_mean", 2, 0, 5)).addInitializer(filled("bn1.running_var", 2f, 2))
                .addInitializer(random("bn2.weight", 2, 0, 6)).addInitializer(random("bn2.bias", 2, 0, 7))
                .addInitializer(random("bn2.running_mean", 2, 0, 8)).addInitializer(random("fc.weight", 3, 2, 9))
                .addNode(node("Identity", "Identity_0", new String[] {"bn1.weight"}, "bn2.running_var"))
                .addNode(node("BatchNormalization", "bn1",
                        new String[] {"x", "bn1.weight", "bn1.bias", "bn1.running_mean", "bn1.running_var"}, "b1"))
                .addNode(node("BatchNormalization", "bn2",
                        new String[] {"b1", "bn2.weight", "bn2.bias", "bn2.running_mean", "bn2.running_var"}, "b2"))
                .addNode(node("GlobalAveragePool", "pool", new String[] {"b2"}, "p"))
                .addNode(node("Flatten", "flatten", new String[] {"p"}, "f"))
                .addNode(node("Gemm", "fc", new String[] {"f", "fc.weight"}, "logits", transB()));
        return HeadModels.model(g.addOutput(HeadModels.info("logits", FLOAT, "batch", 3)), 14);
    }

    /** ids [batch, 3] → Gather from a table [5, 4] → ReduceSum over the sequence → MatMul by the table transposed → logits [batch, 5]. */
    public static OnnxModel tiedEmbedding() {
        GraphProto.Builder g = GraphProto.newBuilder().setName("tied")
                .addInput(HeadModels.info("ids", TensorProto.DataType.INT64_VALUE, "batch", 3))
                .addInitializer(random("embedding.weight", 5, 4, 10)).addInitializer(ints("axis", 1))
                .addNode(node("Gather", "embed", new String[] {"embedding.weight", "ids"}, "e"))
                .addNode(node("ReduceSum", "pool", new String[] {"e", "axis"}, "s",
                        AttributeProto.newBuilder().setName("keepdims").setType(AttributeProto.AttributeType.INT).setI(0).build()))
                .addNode(node("Transpose", "project", new String[] {"embedding.weight"}, "t"))
                .addNode(node("MatMul", "logits", new String[] {"s", "t"}, "logits"));
        return HeadModels.model(g.addOutput(HeadModels.info("logits", FLOAT, "batch", 5)), 14);
    }

    /** x [batch, 4] → dropout as training-mode exporters write it (RandomUniformLike, Less, Cast, Mul) → Gemm → logits [batch, 3]. */
    public static OnnxModel trainingModeDropout() {
        GraphProto.Builder g = graph("x", 4).addInitializer(random("fc.weight", 3, 4, 11))
                .addInitializer(filled("keep", 0.9f)).addInitializer(filled("scale", 1 / 0.9f))
                .addNode(node("RandomUniformLike", "/dropout/RandomUniformLike", new String[] {"x"}, "r"))
                .addNode(node("Less", "/dropout/Less", new String[] {"r", "keep"}, "kept"))
                .addNode(node("Cast", "/dropout/Cast", new String[] {"kept"}, "mask",
                        AttributeProto.newBuilder().setName("to").setType(AttributeProto.AttributeType.INT).setI(FLOAT).build()))
                .addNode(node("Mul", "/dropout/Mul", new String[] {"x", "mask"}, "m"))
                .addNode(node("Mul", "/dropout/Scale", new String[] {"m", "scale"}, "d"))
                .addNode(node("Gemm", "fc", new String[] {"d", "fc.weight"}, "logits", transB()));
        return HeadModels.model(g.addOutput(HeadModels.info("logits", FLOAT, "batch", 3)), 14);
    }

    /** 8 samples for a model with one float input of the given per-sample shape, labels 0, 1, 2, 0, ... */
    public static void writeData(Path npz, String input, long... sampleShape) throws IOException {
        long[] shape = new long[sampleShape.length + 1];
        shape[0] = 8;
        System.arraycopy(sampleShape, 0, shape, 1, sampleShape.length);
        Random random = new Random(12);
        float[] x = new float[(int) TensorTypes.elementCount(shape)];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) random.nextGaussian();
        }
        try (NpzWriter w = new NpzWriter(npz)) {
            w.writeFloats(input, shape, x);
            w.writeLongs("labels", new long[] {8}, new long[] {0, 1, 2, 0, 1, 2, 0, 1});
        }
    }

    private static GraphProto.Builder graph(String input, Object... sampleDims) {
        Object[] dims = new Object[sampleDims.length + 1];
        dims[0] = "batch";
        System.arraycopy(sampleDims, 0, dims, 1, sampleDims.length);
        return GraphProto.newBuilder().setName("trap").addInput(HeadModels.info(input, FLOAT, dims));
    }

    private static NodeProto node(String op, String name, String[] inputs, String output, AttributeProto... attributes) {
        NodeProto.Builder n = NodeProto.newBuilder().setOpType(op).setName(name).addOutput(output);
        for (String i : inputs) {
            n.addInput(i);
        }
        for (AttributeProto a : attributes) {
            n.addAttribute(a);
        }
        return n.build();
    }

    private static AttributeProto transB() {
        return AttributeProto.newBuilder().setName("transB").setType(AttributeProto.AttributeType.INT).setI(1).build();
    }

    /** Gaussian values, [rows, cols] (or [rows] when cols is 0). */
    private static TensorProto random(String name, long rows, long cols, long seed) {
        long[] dims = cols == 0 ? new long[] {rows} : new long[] {rows, cols};
        Random random = new Random(seed);
        ByteBuffer b = ByteBuffer.allocate((int) TensorTypes.elementCount(dims) * 4).order(ByteOrder.LITTLE_ENDIAN);
        while (b.hasRemaining()) {
            b.putFloat((float) random.nextGaussian());
        }
        return TensorTypes.tensor(name, FLOAT, dims, b.flip());
    }

    /** {@code value} repeated, [count] (a scalar without a count). */
    private static TensorProto filled(String name, float value, long... count) {
        ByteBuffer b = ByteBuffer.allocate((int) TensorTypes.elementCount(count) * 4).order(ByteOrder.LITTLE_ENDIAN);
        while (b.hasRemaining()) {
            b.putFloat(value);
        }
        return TensorTypes.tensor(name, FLOAT, count, b.flip());
    }

    private static TensorProto ints(String name, long... values) {
        ByteBuffer b = ByteBuffer.allocate(values.length * 8).order(ByteOrder.LITTLE_ENDIAN);
        for (long v : values) {
            b.putLong(v);
        }
        return TensorTypes.tensor(name, TensorProto.DataType.INT64_VALUE, new long[] {values.length}, b.flip());
    }
}
