package dev.trainer.onnx;

import static dev.trainer.onnx.GraphParts.longs;
import static dev.trainer.onnx.GraphParts.node;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TypeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import com.google.protobuf.CodedInputStream;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The position table is found in both exporters' graphs and in HuggingFace's, and the other
 * embedding tables (tokens, token types) are not mistaken for it.
 */
class PositionTableTest {

    @ParameterizedTest
    @ValueSource(strings = {"bert_tiny_torchscript", "bert_tiny_opset17", "bert_tiny_export_style"})
    void theTinyBertsHaveSixteenPositions(String fixture) {
        assertEquals(Optional.of(new PositionTable("embeddings.position_embeddings.weight", 16)),
                PositionTable.of(OnnxModel.load(Fixtures.model(fixture))));
    }

    /** HuggingFace's export slices a stored position_ids buffer, 0 to 511. */
    @Test
    void miniLmHas512Positions() throws Exception {
        ModelProto proto;
        try (InputStream in = getClass().getResourceAsStream("/all-minilm-l6-v2.onnx")) {
            CodedInputStream coded = CodedInputStream.newInstance(in);
            coded.setSizeLimit(Integer.MAX_VALUE);
            proto = ModelProto.parseFrom(coded);
        }

        assertEquals(Optional.of(new PositionTable("embeddings.position_embeddings.weight", 512)),
                PositionTable.of(OnnxModel.of(proto)));
    }

    @Test
    void modelsWithoutTextHaveNone() {
        assertEquals(Optional.empty(), PositionTable.of(OnnxModel.load(Fixtures.model("digits"))));
        assertEquals(Optional.empty(), PositionTable.of(OnnxModel.load(Fixtures.model("vit_tiny"))));
    }

    /**
     * A lookup through a stored buffer: {@code 0, 0, 0, ...} is HuggingFace's token-type buffer (no
     * positions); {@code 2, 3, 4, ...} counts positions from 2, so a 514-row table holds 512.
     */
    @Test
    void aStoredBufferCountsPositionsOnlyWhenItCountsUp() {
        assertEquals(Optional.empty(), PositionTable.of(slicedBufferModel(new long[8], 2)));
        long[] fromTwo = new long[514];
        for (int i = 0; i < fromTwo.length; i++) {
            fromTwo[i] = i + 2;
        }
        assertEquals(Optional.of(new PositionTable("table", 512)), PositionTable.of(slicedBufferModel(fromTwo, 514)));
    }

    /** {@code Gather(table[rows, 4], Slice(buffer, 0, Shape(ids)[1]))}. */
    private static OnnxModel slicedBufferModel(long[] buffer, int rows) {
        GraphProto graph = GraphProto.newBuilder()
                .addInput(ValueInfoProto.newBuilder().setName("ids").setType(TypeProto.newBuilder().setTensorType(
                        TypeProto.Tensor.newBuilder().setElemType(TensorProto.DataType.INT64_VALUE))))
                .addInitializer(TensorTypes.tensor("table", TensorProto.DataType.FLOAT_VALUE, new long[] {rows, 4},
                        ByteBuffer.allocate(rows * 16)))
                .addInitializer(longs("buffer", buffer))
                .addInitializer(longs("zero", 0)).addInitializer(longs("one", 1))
                .addNode(node("Shape", "shape", "ids"))
                .addNode(node("Gather", "length", "shape", "one"))
                .addNode(node("Unsqueeze", "end", "length", "zero"))
                .addNode(node("Slice", "positions", "buffer", "zero", "end"))
                .addNode(node("Gather", "embedded", "table", "positions"))
                .addOutput(ValueInfoProto.newBuilder().setName("embedded"))
                .build();
        return OnnxModel.of(ModelProto.newBuilder().setIrVersion(8).addOpsetImport(OperatorSetIdProto.newBuilder()
                .setVersion(17)).setGraph(graph).build());
    }
}
