package dev.trainer.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import com.google.protobuf.ByteString;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.UnknownFieldSet;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Fields this build's ONNX protobuf does not know (a newer ONNX, a vendor extension) survive a
 * load and write, at the top level, in the graph and in an initializer, inline or external.
 */
class UnknownFieldsTest {

    private static final int TOP = 999;
    private static final int IN_GRAPH = 998;
    private static final int IN_TENSOR = 997;

    @TempDir
    Path tmp;

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void unknownFieldsSurviveAWrite(boolean externalData) throws Exception {
        Path source = tmp.resolve("in/model.onnx");
        Files.createDirectories(source.getParent());
        Files.write(source, withUnknownFields(Files.readAllBytes(Fixtures.model("mlp_wide"))));
        ModelProto sourceProto = ModelProto.parseFrom(Files.readAllBytes(source));
        assertTrue(sourceProto.getUnknownFields().hasField(TOP), "the test must build the field it checks");

        Path file = tmp.resolve("out/model.onnx");
        ModelWriter.write(OnnxModel.load(source), file, externalData);
        ModelProto back = ModelProto.parseFrom(Files.readAllBytes(file));

        UnknownFieldSet.Field top = back.getUnknownFields().getField(TOP);
        assertEquals(List.of(ByteString.copyFromUtf8("from a newer ONNX")), top.getLengthDelimitedList());
        assertEquals(List.of(12345L), top.getVarintList());
        assertEquals(List.of(7L), back.getGraph().getUnknownFields().getField(IN_GRAPH).getVarintList());
        TensorProto weight = back.getGraph().getInitializer(0);
        assertEquals(List.of(ByteString.copyFromUtf8("tensor extra")),
                weight.getUnknownFields().getField(IN_TENSOR).getLengthDelimitedList());
        assertEquals(externalData, weight.getDataLocation() == TensorProto.DataLocation.EXTERNAL);
        assertEquals(sourceProto.getGraph().getNodeList(), back.getGraph().getNodeList());
    }

    /**
     * The model's bytes with a field hand-encoded after its last field at the top level, and
     * unknown fields added to the graph and its first initializer through protobuf's API.
     */
    private static byte[] withUnknownFields(byte[] model) throws Exception {
        ModelProto proto = ModelProto.parseFrom(model);
        GraphProto.Builder graph = proto.getGraph().toBuilder()
                .setUnknownFields(UnknownFieldSet.newBuilder()
                        .addField(IN_GRAPH, UnknownFieldSet.Field.newBuilder().addVarint(7).build()).build());
        graph.setInitializer(0, graph.getInitializer(0).toBuilder()
                .setUnknownFields(UnknownFieldSet.newBuilder().addField(IN_TENSOR, UnknownFieldSet.Field.newBuilder()
                        .addLengthDelimited(ByteString.copyFromUtf8("tensor extra")).build()).build()));
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        proto.toBuilder().setGraph(graph).build().writeTo(bytes);
        CodedOutputStream tail = CodedOutputStream.newInstance(bytes);
        tail.writeString(TOP, "from a newer ONNX");
        tail.writeUInt64(TOP, 12345);
        tail.flush();
        return bytes.toByteArray();
    }
}
