package dev.trainer.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import ai.onnx.proto.OnnxMl.StringStringEntryProto;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Load, write with {@link ModelWriter}, reload: nothing of the model changes. */
class ModelRoundTripTest {

    @TempDir
    Path tmp;

    @ParameterizedTest
    @ValueSource(strings = {"mlp", "cnn", "mlp_wide", "mse_mlp", "digits"})
    void unchangedModelIsWrittenByteForByte(String name) throws Exception {
        OnnxModel model = OnnxModel.load(Fixtures.model(name));
        Path file = tmp.resolve("model.onnx");
        ModelWriter.write(model, file);

        assertArrayEquals(Files.readAllBytes(Fixtures.model(name)), Files.readAllBytes(file));
        assertFalse(Files.exists(tmp.resolve("model.onnx.data")), "a small model stays inline");
    }

    @ParameterizedTest
    @ValueSource(strings = {"mlp", "cnn", "mlp_wide", "mse_mlp", "digits"})
    void everyModelFieldSurvives(String name) {
        OnnxModel original = OnnxModel.load(Fixtures.model(name));
        ModelProto enriched = enrich(original.proto());
        Path file = tmp.resolve("sub/model.onnx");
        ModelWriter.write(OnnxModel.of(enriched), file);
        OnnxModel back = OnnxModel.load(file);
        ModelProto p = back.proto();

        assertEquals(enriched.getOpsetImportList(), p.getOpsetImportList());
        assertEquals(3, p.getOpsetImportCount());
        assertEquals("ai.onnx.ml", p.getOpsetImport(1).getDomain());
        assertEquals(enriched.getIrVersion(), p.getIrVersion());
        assertEquals("pytorch", p.getProducerName());
        assertEquals(enriched.getProducerVersion(), p.getProducerVersion());
        assertEquals(enriched.getMetadataPropsList(), p.getMetadataPropsList());
        assertEquals("model doc", p.getDocString());
        assertEquals("graph doc", p.getGraph().getDocString());
        assertEquals("node doc", p.getGraph().getNode(0).getDocString());
        assertEquals(42, p.getModelVersion());
        assertEquals(enriched.getGraph(), p.getGraph());
        assertEquals(enriched, p);
        Map<String, byte[]> before = Fixtures.initializerBytes(original);
        Map<String, byte[]> after = Fixtures.initializerBytes(back);
        assertEquals(before.keySet(), after.keySet());
        assertFalse(before.isEmpty());
        before.forEach((k, v) -> assertArrayEquals(v, after.get(k), k));
        assertEquals(Map.of(), back.externalData());
    }

    @ParameterizedTest
    @ValueSource(strings = {"mlp", "cnn", "mlp_wide", "mse_mlp"})
    void rewrittenModelRunsAsTheOriginal(String name) {
        OnnxModel original = OnnxModel.load(Fixtures.model(name));
        Path file = tmp.resolve("model.onnx");
        ModelWriter.write(OnnxModel.of(enrich(original.proto())), file);
        float[] expected = Fixtures.heldOutputs(original, name);
        assertNotEquals(0, expected.length);
        assertArrayEquals(expected, Fixtures.heldOutputs(OnnxModel.load(file), name));
    }

    /** The fixture with every kind of field a writer could drop filled in. */
    static ModelProto enrich(ModelProto proto) {
        ModelProto.Builder b = proto.toBuilder()
                .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("ai.onnx.ml").setVersion(3))
                .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("com.example.custom").setVersion(7))
                .setDocString("model doc")
                .setModelVersion(42)
                .setDomain("dev.trainer.test")
                .addMetadataProps(StringStringEntryProto.newBuilder().setKey("author").setValue("tests"))
                .addMetadataProps(StringStringEntryProto.newBuilder().setKey("unicode").setValue("π ≈ 3.14159"));
        b.getGraphBuilder().setDocString("graph doc").getNodeBuilder(0).setDocString("node doc");
        return b.build();
    }
}
