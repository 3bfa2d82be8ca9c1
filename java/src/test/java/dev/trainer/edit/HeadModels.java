package dev.trainer.edit;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.TypeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.trainer.onnx.OnnxModel;
import dev.trainer.onnx.TensorTypes;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;

/** Small models built through the protobuf API, and a plain ONNX Runtime run of them. */
final class HeadModels {

    static final int VOCABULARY = 7;
    static final int HIDDEN = 4;

    private HeadModels() {
    }

    /**
     * An embedding backbone: input_ids [batch, seq] → Gather from an embedding [7, 4] → Tanh →
     * {@code last_hidden_state} [batch, seq, 4]; with an (unused by the backbone) attention_mask input.
     */
    static OnnxModel backbone(long opset, boolean withMask) {
        return backbone(opset, withMask, "last_hidden_state");
    }

    static OnnxModel backbone(long opset, boolean withMask, String outputName) {
        GraphProto.Builder graph = GraphProto.newBuilder().setName("backbone")
                .addInput(info("input_ids", TensorProto.DataType.INT64_VALUE, "batch", "seq"))
                .addInitializer(floats("embeddings", new long[] {VOCABULARY, HIDDEN}, 42))
                .addNode(NodeProto.newBuilder().setOpType("Gather").setName("/embed").addInput("embeddings")
                        .addInput("input_ids").addOutput("embedded"))
                .addNode(NodeProto.newBuilder().setOpType("Tanh").setName("/tanh").addInput("embedded").addOutput(outputName))
                .addOutput(info(outputName, TensorProto.DataType.FLOAT_VALUE, "batch", "seq", HIDDEN));
        if (withMask) {
            graph.addInput(info("attention_mask", TensorProto.DataType.INT64_VALUE, "batch", "seq"));
        }
        return model(graph, opset);
    }

    static OnnxModel model(GraphProto.Builder graph, long opset) {
        return OnnxModel.of(ModelProto.newBuilder().setIrVersion(8).setProducerName("test")
                .addOpsetImport(OperatorSetIdProto.newBuilder().setVersion(opset)).setGraph(graph).build());
    }

    /** A declared tensor type; each dimension is a name (symbolic) or a number. */
    static ValueInfoProto info(String name, int elementType, Object... dims) {
        TensorShapeProto.Builder shape = TensorShapeProto.newBuilder();
        for (Object d : dims) {
            shape.addDim(d instanceof String s ? TensorShapeProto.Dimension.newBuilder().setDimParam(s)
                    : TensorShapeProto.Dimension.newBuilder().setDimValue(((Number) d).longValue()));
        }
        return ValueInfoProto.newBuilder().setName(name).setType(TypeProto.newBuilder()
                .setTensorType(TypeProto.Tensor.newBuilder().setElemType(elementType).setShape(shape))).build();
    }

    static TensorProto floats(String name, long[] dims, long seed) {
        Random random = new Random(seed);
        int count = (int) TensorTypes.elementCount(dims);
        ByteBuffer bytes = ByteBuffer.allocate(count * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < count; i++) {
            bytes.putFloat(i * 4, (float) random.nextGaussian());
        }
        return TensorTypes.tensor(name, TensorProto.DataType.FLOAT_VALUE, dims, bytes);
    }

    static float[] values(OnnxModel model, String initializer) {
        TensorProto t = model.proto().getGraph().getInitializerList().stream()
                .filter(i -> i.getName().equals(initializer)).findFirst().orElseThrow();
        FloatBuffer floats = model.initializerBytes(t).asFloatBuffer();
        float[] out = new float[floats.remaining()];
        floats.get(out);
        return out;
    }

    static long[] dims(OnnxModel model, String initializer) {
        return TensorTypes.dims(model.proto().getGraph().getInitializerList().stream()
                .filter(i -> i.getName().equals(initializer)).findFirst().orElseThrow());
    }

    /** One output of a plain ONNX Runtime run: values and shape. */
    record Result(float[] values, long[] shape) {
    }

    /** Runs the model in plain ONNX Runtime (no trainer code in the way) on long[][] or float[][] inputs. */
    static Map<String, Result> run(OnnxModel model, Map<String, Object> inputs) {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        Map<String, OnnxTensor> feeds = new HashMap<>();
        try (OrtSession session = env.createSession(model.proto().toByteArray(), new OrtSession.SessionOptions())) {
            for (Map.Entry<String, Object> e : inputs.entrySet()) {
                feeds.put(e.getKey(), OnnxTensor.createTensor(env, e.getValue()));
            }
            try (OrtSession.Result result = session.run(feeds)) {
                Map<String, Result> out = new HashMap<>();
                for (var entry : result) {
                    OnnxTensor t = (OnnxTensor) entry.getValue();
                    FloatBuffer buffer = t.getFloatBuffer();
                    float[] values = new float[buffer.remaining()];
                    buffer.get(values);
                    out.put(entry.getKey(), new Result(values, t.getInfo().getShape()));
                }
                return out;
            }
        } catch (OrtException e) {
            throw new IllegalStateException(e);
        } finally {
            feeds.values().forEach(OnnxTensor::close);
        }
    }
}
