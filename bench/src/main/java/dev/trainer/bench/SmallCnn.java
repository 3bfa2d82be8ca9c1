package dev.trainer.bench;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.TypeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import dev.trainer.onnx.Attributes;
import dev.trainer.onnx.OnnxModel;
import dev.trainer.onnx.TensorTypes;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.SplittableRandom;

/**
 * A small RGB image classifier built in code, for the image benchmarks: three 3x3 stride-2
 * convolutions (3→16→32→64 channels, ReLU), global average pooling and a linear layer to 10
 * classes; 24 k parameters whatever the input size, initialised like PyTorch's (uniform ±1/√fan-in,
 * seeded). Input {@code pixels} [batch, 3, size, size], output {@code logits} [batch, 10].
 */
final class SmallCnn {

    private SmallCnn() {
    }

    static OnnxModel build(int size, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        GraphProto.Builder g = GraphProto.newBuilder().setName("small_cnn")
                .addInput(value("pixels", new long[] {-1, 3, size, size}))
                .addOutput(value("logits", new long[] {-1, 10}));
        String x = "pixels";
        int in = 3;
        for (int layer = 1; layer <= 3; layer++) {
            int out = 8 << layer;
            String name = "conv" + layer;
            g.addInitializer(uniform(name + ".weight", new long[] {out, in, 3, 3}, in * 9, random));
            g.addInitializer(uniform(name + ".bias", new long[] {out}, in * 9, random));
            g.addNode(NodeProto.newBuilder().setOpType("Conv").setName(name).addInput(x).addInput(name + ".weight")
                    .addInput(name + ".bias").addOutput(name + ".out")
                    .addAttribute(Attributes.ofInts("kernel_shape", 3, 3)).addAttribute(Attributes.ofInts("strides", 2, 2))
                    .addAttribute(Attributes.ofInts("pads", 1, 1, 1, 1)));
            g.addNode(NodeProto.newBuilder().setOpType("Relu").setName("relu" + layer).addInput(name + ".out")
                    .addOutput("relu" + layer));
            x = "relu" + layer;
            in = out;
        }
        g.addInitializer(uniform("fc.weight", new long[] {10, in}, in, random));
        g.addInitializer(uniform("fc.bias", new long[] {10}, in, random));
        g.addNode(NodeProto.newBuilder().setOpType("GlobalAveragePool").setName("pool").addInput(x).addOutput("pooled"));
        g.addNode(NodeProto.newBuilder().setOpType("Flatten").setName("flatten").addInput("pooled").addOutput("flat"));
        g.addNode(NodeProto.newBuilder().setOpType("Gemm").setName("fc").addInput("flat").addInput("fc.weight")
                .addInput("fc.bias").addOutput("logits")
                .addAttribute(Attributes.ofInt("transB", 1)));
        ModelProto model = ModelProto.newBuilder().setIrVersion(8).setProducerName("trainer-bench")
                .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(14)).setGraph(g).build();
        return OnnxModel.of(model);
    }

    /** A float tensor value of these dimensions, -1 for a symbolic one. */
    static ValueInfoProto value(String name, long[] dims) {
        TensorShapeProto.Builder shape = TensorShapeProto.newBuilder();
        for (long d : dims) {
            shape.addDim(d < 0 ? TensorShapeProto.Dimension.newBuilder().setDimParam("d" + shape.getDimCount())
                    : TensorShapeProto.Dimension.newBuilder().setDimValue(d));
        }
        return ValueInfoProto.newBuilder().setName(name).setType(TypeProto.newBuilder().setTensorType(
                TypeProto.Tensor.newBuilder().setElemType(TensorProto.DataType.FLOAT_VALUE).setShape(shape))).build();
    }

    private static TensorProto uniform(String name, long[] shape, int fanIn, SplittableRandom random) {
        int n = (int) TensorTypes.elementCount(shape);
        ByteBuffer bytes = ByteBuffer.allocate(n * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        double bound = 1 / Math.sqrt(fanIn);
        for (int i = 0; i < n; i++) {
            bytes.putFloat((float) random.nextDouble(-bound, bound));
        }
        return TensorTypes.tensor(name, TensorProto.DataType.FLOAT_VALUE, shape, bytes.flip());
    }
}
