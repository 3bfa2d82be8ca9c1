package dev.trainer.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
import ai.onnxruntime.OrtSession;
import com.google.protobuf.UnsafeByteOperations;
import dev.trainer.runtime.ModelSession;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A model whose weights exceed protobuf's 2 GB: {@link ModelWriter} must choose external data by
 * itself, the reloaded model must map it, and ONNX Runtime must run it with the weights passed by
 * reference. Three 736 MB float tensors, zero except a few marked elements that the graph gathers.
 */
@Tag("slow")
class LargeModelTest {

    private static final int TENSORS = 3;
    private static final long ELEMENTS = 184_000_000L; // 3 x 736 MB: just over 2 GiB
    private static final long[] MARKED = {0, 1, 12_345_678, 123_456_789, ELEMENTS - 1};

    @TempDir
    Path tmp;

    /** The value at a marked element of tensor {@code t}; every other element is zero. */
    private static float mark(int t, int j) {
        return (t + 1) * 1000 + j + 0.5f;
    }

    @Test
    void modelOverTwoGigabytesIsWrittenExternalAndRuns() throws Exception {
        Path file = tmp.resolve("big/model.onnx");
        long start = System.nanoTime();
        try (Arena arena = Arena.ofConfined()) {
            ModelProto proto = model(arena);
            OnnxModel model = OnnxModel.of(proto);
            assertTrue(proto.getGraph().getInitializerList().stream().mapToLong(t -> t.getRawData().size()).sum()
                    > (1L << 31), "the test model must exceed 2 GiB");
            ModelWriter.write(model, file);
        }
        long written = System.nanoTime();
        System.out.printf("over-2GB model: built and written in %.1f s%n", (written - start) / 1e9);

        Path data = tmp.resolve("big/model.onnx.data");
        assertTrue(Files.size(data) >= TENSORS * ELEMENTS * 4, "size " + Files.size(data));
        assertTrue(Files.size(file) < 1 << 20, "the protobuf holds no weights: " + Files.size(file));
        OnnxModel back = OnnxModel.load(file);
        assertEquals(TENSORS, back.externalData().size());
        for (int t = 0; t < TENSORS; t++) {
            TensorProto tensor = back.proto().getGraph().getInitializer(t);
            assertEquals(TensorProto.DataLocation.EXTERNAL, tensor.getDataLocation());
            ByteBuffer bytes = back.initializerBytes(tensor);
            assertEquals(ELEMENTS * 4, bytes.remaining());
            for (int j = 0; j < MARKED.length; j++) {
                assertEquals(mark(t, j), bytes.getFloat((int) (MARKED[j] * 4)), "tensor " + t + " element " + MARKED[j]);
            }
            assertEquals(0f, bytes.getFloat(4 * 7));
        }

        long[] indices = {MARKED[4], 5, MARKED[2], MARKED[0], MARKED[3], MARKED[1]};
        float[] sum = new float[indices.length];
        float[][] gathered = new float[TENSORS][indices.length];
        for (int i = 0; i < indices.length; i++) {
            for (int t = 0; t < TENSORS; t++) {
                int j = java.util.Arrays.binarySearch(MARKED, indices[i]);
                gathered[t][i] = j >= 0 ? mark(t, j) : 0f;
                sum[i] += gathered[t][i];
            }
        }
        long reloaded = System.nanoTime();
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (ModelSession session = ModelSession.open(back);
             OnnxTensor feed = OnnxTensor.createTensor(env, indices);
             OrtSession.Result result = session.session().run(Map.of("indices", feed),
                     new LinkedHashSet<>(List.of("sum", "g0", "g1", "g2")))) {
            assertArrayEquals(sum, floats(result, "sum"));
            for (int t = 0; t < TENSORS; t++) {
                assertArrayEquals(gathered[t], floats(result, "g" + t), "g" + t);
            }
        }
        System.out.printf("over-2GB model: reloaded and checked in %.1f s, run by ONNX Runtime in %.1f s%n",
                (reloaded - written) / 1e9, (System.nanoTime() - reloaded) / 1e9);
    }

    private static float[] floats(OrtSession.Result result, String name) throws Exception {
        return (float[]) ((OnnxTensor) result.get(name).orElseThrow()).getValue();
    }

    /** indices (int64 [K]) → Gather from each weight → g0, g1, g2 and their Sum. */
    private static ModelProto model(Arena arena) {
        GraphProto.Builder graph = GraphProto.newBuilder().setName("big")
                .addInput(valueInfo("indices", TensorProto.DataType.INT64_VALUE));
        NodeProto.Builder sum = NodeProto.newBuilder().setOpType("Sum").setName("sum").addOutput("sum");
        for (int t = 0; t < TENSORS; t++) {
            MemorySegment weights = arena.allocate(ELEMENTS * 4, 64);
            for (int j = 0; j < MARKED.length; j++) {
                weights.setAtIndex(ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), MARKED[j], mark(t, j));
            }
            graph.addInitializer(TensorProto.newBuilder().setName("w" + t).setDataType(TensorProto.DataType.FLOAT_VALUE)
                    .addDims(ELEMENTS).setRawData(UnsafeByteOperations.unsafeWrap(weights.asByteBuffer())));
            graph.addNode(NodeProto.newBuilder().setOpType("Gather").setName("gather" + t)
                    .addInput("w" + t).addInput("indices").addOutput("g" + t));
            graph.addOutput(valueInfo("g" + t, TensorProto.DataType.FLOAT_VALUE));
            sum.addInput("g" + t);
        }
        graph.addNode(sum).addOutput(valueInfo("sum", TensorProto.DataType.FLOAT_VALUE));
        return ModelProto.newBuilder().setIrVersion(8).setProducerName("LargeModelTest")
                .addOpsetImport(OperatorSetIdProto.newBuilder().setVersion(13)).setGraph(graph).build();
    }

    private static ValueInfoProto valueInfo(String name, int type) {
        return ValueInfoProto.newBuilder().setName(name).setType(TypeProto.newBuilder().setTensorType(
                TypeProto.Tensor.newBuilder().setElemType(type).setShape(TensorShapeProto.newBuilder()
                        .addDim(TensorShapeProto.Dimension.newBuilder().setDimParam("k"))))).build();
    }
}
