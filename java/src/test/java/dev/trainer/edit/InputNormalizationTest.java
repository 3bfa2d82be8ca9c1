package dev.trainer.edit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import ai.onnx.proto.OnnxMl.TensorProto.DataType;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.TypeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.trainer.ModelException;
import dev.trainer.onnx.TensorTypes;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class InputNormalizationTest {

    private static final long[] SAMPLE = {2, 3};
    private static final float[] OFFSET = {1, -2, 0.5f, 10, 0, -3};
    private static final float[] SCALE = {2, 0.25f, 1, 3, 7, 0.1f};

    private static ValueInfoProto value(String name, int type, long... dims) {
        TensorShapeProto.Builder shape = TensorShapeProto.newBuilder();
        for (long d : dims) {
            shape.addDim(d < 0 ? TensorShapeProto.Dimension.newBuilder().setDimParam("batch")
                    : TensorShapeProto.Dimension.newBuilder().setDimValue(d));
        }
        return ValueInfoProto.newBuilder().setName(name).setType(TypeProto.newBuilder()
                .setTensorType(TypeProto.Tensor.newBuilder().setElemType(type).setShape(shape))).build();
    }

    /** x [?, 2, 3] → Identity → same, and MatMul(x, w [3, 2]) → y: two consumers of the input. */
    private static ModelProto model() {
        ByteBuffer w = ByteBuffer.allocate(6 * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : new float[] {1, -1, 0.5f, 2, -3, 0.25f}) {
            w.putFloat(v);
        }
        GraphProto graph = GraphProto.newBuilder().setName("tiny")
                .addInput(value("x", DataType.FLOAT_VALUE, -1, 2, 3))
                .addInitializer(TensorTypes.tensor("w", DataType.FLOAT_VALUE, new long[] {3, 2}, w.flip()))
                .addNode(NodeProto.newBuilder().setOpType("Identity").setName("copy").addInput("x").addOutput("same"))
                .addNode(NodeProto.newBuilder().setOpType("MatMul").setName("project").addInput("x").addInput("w").addOutput("y"))
                .addOutput(value("same", DataType.FLOAT_VALUE, -1, 2, 3))
                .addOutput(value("y", DataType.FLOAT_VALUE, -1, 2, 2))
                .build();
        return ModelProto.newBuilder().setIrVersion(8)
                .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(17)).setGraph(graph).build();
    }

    private static Map<String, float[]> run(ModelProto model, float[] x, int batch) throws OrtException {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession session = env.createSession(model.toByteArray());
             OnnxTensor input = OnnxTensor.createTensor(env, FloatBuffer.wrap(x), new long[] {batch, 2, 3});
             OrtSession.Result result = session.run(Map.of("x", input))) {
            return Map.of("same", read(result, "same"), "y", read(result, "y"));
        }
    }

    private static float[] read(OrtSession.Result result, String name) throws OrtException {
        FloatBuffer values = ((OnnxTensor) result.get(name).orElseThrow()).getFloatBuffer();
        float[] out = new float[values.remaining()];
        values.get(out);
        return out;
    }

    @Test
    void theNormalizedModelOnRawInputsMatchesTheOriginalOnJavaNormalizedInputs() throws OrtException {
        int batch = 4;
        float[] raw = new float[batch * 6];
        float[] normalized = new float[raw.length];
        for (int i = 0; i < raw.length; i++) {
            raw[i] = (float) Math.cos(3 * i) * 20 - 4;
            // as Normalization.apply computes it
            normalized[i] = (raw[i] - OFFSET[i % 6]) / SCALE[i % 6];
        }
        ModelProto prefixed = InputNormalization.prepend(model(), "x", SAMPLE, OFFSET, SCALE);

        Map<String, float[]> expected = run(model(), normalized, batch);
        Map<String, float[]> actual = run(prefixed, raw, batch);

        assertArrayEquals(normalized, actual.get("same"));
        assertArrayEquals(expected.get("y"), actual.get("y"), 1e-5f);
        assertEquals(List.of("x"), prefixed.getGraph().getInputList().stream().map(ValueInfoProto::getName).toList());
        assertEquals(List.of("same", "y"), prefixed.getGraph().getOutputList().stream().map(ValueInfoProto::getName).toList());
        assertEquals(List.of("Constant", "Constant", "Sub", "Div", "Identity", "MatMul"),
                prefixed.getGraph().getNodeList().stream().map(NodeProto::getOpType).toList());
        assertEquals(List.of(1L, 2L, 3L), prefixed.getGraph().getNode(0).getAttribute(0).getT().getDimsList());
        assertEquals(1, prefixed.getGraph().getInitializerCount(), "constants are nodes, not trainable initializers");
    }

    @Test
    void rejectsUnknownAndIntegerInputsAndMismatchedShapes() {
        assertEquals("the model has no input 'z' to normalize", assertThrows(ModelException.class,
                () -> InputNormalization.prepend(model(), "z", SAMPLE, OFFSET, SCALE)).getMessage());
        assertEquals("input 'x' has dimension 2 on axis 1, but the normalization is for 1",
                assertThrows(ModelException.class, () -> InputNormalization.prepend(model(), "x", new long[] {1, 6},
                        OFFSET, SCALE)).getMessage());
        ModelProto ints = model().toBuilder().setGraph(model().getGraph().toBuilder()
                .setInput(0, value("x", DataType.INT64_VALUE, -1, 2, 3))).build();
        assertEquals("input 'x' is int64; only float and double inputs can be normalized",
                assertThrows(ModelException.class, () -> InputNormalization.prepend(ints, "x", SAMPLE, OFFSET, SCALE))
                        .getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> InputNormalization.prepend(model(), "x", SAMPLE, new float[5], SCALE));
    }

    @Test
    void broadcastConstantsNormalizeWholeAxes() throws OrtException {
        int batch = 3;
        float[] rowOffset = {0.25f, -1};
        float[] rowScale = {0.5f, 4};
        float[] raw = new float[batch * 6];
        float[] normalized = new float[raw.length];
        for (int i = 0; i < raw.length; i++) {
            raw[i] = (float) Math.sin(5 * i) * 3;
            int row = i / 3 % 2;  // [batch, 2, 3]: one offset and scale per row of 3
            normalized[i] = (raw[i] - rowOffset[row]) / rowScale[row];
        }

        ModelProto prefixed = InputNormalization.prependBroadcast(model(), "x", new long[] {2, 1}, rowOffset, rowScale);

        assertArrayEquals(normalized, run(prefixed, raw, batch).get("same"));
        assertEquals(List.of(1L, 2L, 1L), prefixed.getGraph().getNode(0).getAttribute(0).getT().getDimsList());
        assertEquals("input 'x' has dimension 3 on axis 2, but the normalization is for 2",
                assertThrows(ModelException.class, () -> InputNormalization.prependBroadcast(model(), "x",
                        new long[] {1, 2}, rowOffset, rowScale)).getMessage());
    }
}
