package dev.trainer.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.StringStringEntryProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import dev.trainer.ModelException;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Initializers in a {@code NAME.data} file beside the model: layout, mapping, ONNX Runtime, and broken files. */
class ExternalDataTest {

    @TempDir
    Path tmp;

    @ParameterizedTest
    @ValueSource(strings = {"mlp", "cnn", "mlp_wide", "digits"})
    void largerInitializersGoToAnAlignedDataFile(String name) throws Exception {
        OnnxModel original = OnnxModel.load(Fixtures.model(name));
        Path file = tmp.resolve("model.onnx");
        ModelWriter.write(original, file, true);

        Path data = tmp.resolve("model.onnx.data");
        assertTrue(Files.isRegularFile(data));
        byte[] dataBytes = Files.readAllBytes(data);
        Map<String, byte[]> expected = Fixtures.initializerBytes(original);
        ModelProto written = ModelProto.parseFrom(Files.readAllBytes(file));
        TreeMap<Long, Long> ranges = new TreeMap<>();
        int external = 0;
        for (TensorProto t : written.getGraph().getInitializerList()) {
            byte[] want = expected.get(t.getName());
            if (want.length < 1024) {
                assertEquals(TensorProto.DataLocation.DEFAULT, t.getDataLocation(), t.getName() + " is small: inline");
                continue;
            }
            external++;
            assertEquals(TensorProto.DataLocation.EXTERNAL, t.getDataLocation(), t.getName());
            assertFalse(t.hasRawData(), t.getName());
            assertEquals(0, t.getFloatDataCount(), t.getName());
            Map<String, String> entries = entries(t);
            assertEquals("model.onnx.data", entries.get("location"));
            long offset = Long.parseLong(entries.get("offset"));
            long length = Long.parseLong(entries.get("length"));
            assertEquals(0, offset % 64, t.getName() + " offset " + offset);
            assertEquals(want.length, length, t.getName());
            assertArrayEquals(want, java.util.Arrays.copyOfRange(dataBytes, (int) offset, (int) (offset + length)), t.getName());
            ranges.put(offset, offset + length);
        }
        assertTrue(external > 0, "these fixtures have weights of 1 KiB or more");
        long end = 0;
        for (var r : ranges.entrySet()) {
            assertTrue(r.getKey() >= end, "tensors overlap at " + r.getKey());
            end = r.getValue();
        }
        assertEquals(end, dataBytes.length, "the data file holds exactly the tensors (and padding)");
    }

    @ParameterizedTest
    @ValueSource(strings = {"mlp", "cnn", "mlp_wide", "digits"})
    void reloadingMapsTheDataAndKeepsItExternal(String name) throws Exception {
        OnnxModel original = OnnxModel.load(Fixtures.model(name));
        Path file = tmp.resolve("a/model.onnx");
        ModelWriter.write(original, file, true);
        OnnxModel external = OnnxModel.load(file);

        Set<String> marked = external.proto().getGraph().getInitializerList().stream()
                .filter(t -> t.getDataLocation() == TensorProto.DataLocation.EXTERNAL)
                .map(TensorProto::getName).collect(Collectors.toSet());
        assertFalse(marked.isEmpty());
        assertEquals(marked, external.externalData().keySet());
        external.externalData().values().forEach(b -> assertTrue(b.isDirect() && b.isReadOnly()));
        assertBytesEqual(Fixtures.initializerBytes(original), Fixtures.initializerBytes(external));

        Path again = tmp.resolve("b/model.onnx");
        ModelWriter.write(external, again);
        assertTrue(Files.isRegularFile(tmp.resolve("b/model.onnx.data")), "an external model is written external");
        OnnxModel reloaded = OnnxModel.load(again);
        assertEquals(marked, reloaded.externalData().keySet());
        assertBytesEqual(Fixtures.initializerBytes(original), Fixtures.initializerBytes(reloaded));
        assertEquals(original.proto().getGraph().getNodeList(), reloaded.proto().getGraph().getNodeList());

        ModelWriter.write(reloaded, again);
        assertBytesEqual(Fixtures.initializerBytes(original), Fixtures.initializerBytes(OnnxModel.load(again)),
                "written over its own, still mapped, data file");
    }

    @ParameterizedTest
    @ValueSource(strings = {"mlp", "cnn", "mlp_wide"})
    void onnxRuntimeRunsTheExternalModelExactlyAsTheInlineOne(String name) {
        OnnxModel inline = OnnxModel.load(Fixtures.model(name));
        Path file = tmp.resolve("model.onnx");
        ModelWriter.write(inline, file, true);
        OnnxModel external = OnnxModel.load(file);
        assertFalse(external.externalData().isEmpty());

        float[] expected = Fixtures.heldOutputs(inline, name);
        float[] actual = Fixtures.heldOutputs(external, name);
        assertTrue(expected.length > 0);
        assertArrayEquals(expected, actual);
    }

    @Test
    void smallExternalInitializersFromAnotherToolAreCarriedOver() throws Exception {
        // Tools such as onnx's save_model(..., size_threshold=0) put every tensor, however small,
        // into a data file of their own name.
        Path source = writeAllExternal(tmp.resolve("in"), "weights.bin");
        OnnxModel model = OnnxModel.load(source);
        assertEquals(4, model.externalData().size());

        Path file = tmp.resolve("out/model.onnx");
        ModelWriter.write(model, file);
        OnnxModel back = OnnxModel.load(file);
        assertBytesEqual(Fixtures.initializerBytes(OnnxModel.load(Fixtures.model("mlp"))), Fixtures.initializerBytes(back));
        for (TensorProto t : back.proto().getGraph().getInitializerList()) {
            if (t.getDataLocation() == TensorProto.DataLocation.EXTERNAL) {
                assertEquals("model.onnx.data", entries(t).get("location"), t.getName());
            }
        }
        assertTrue(Files.isRegularFile(tmp.resolve("out/model.onnx.data")));
        assertArrayEquals(Fixtures.heldOutputs(OnnxModel.load(Fixtures.model("mlp")), "mlp"), Fixtures.heldOutputs(back, "mlp"));
    }

    @Test
    void missingDataFileIsNamed() {
        Path file = tmp.resolve("model.onnx");
        ModelWriter.write(OnnxModel.load(Fixtures.model("mlp")), file, true);
        assertTrue(tmp.resolve("model.onnx.data").toFile().delete());
        ModelException e = assertThrows(ModelException.class, () -> OnnxModel.load(file));
        assertTrue(e.getMessage().contains("model.onnx.data"), e.getMessage());
        assertTrue(e.getMessage().contains("fc1.weight"), e.getMessage());
    }

    @Test
    void truncatedDataFileIsTooShort() throws Exception {
        Path file = tmp.resolve("model.onnx");
        ModelWriter.write(OnnxModel.load(Fixtures.model("mlp")), file, true);
        Path data = tmp.resolve("model.onnx.data");
        byte[] bytes = Files.readAllBytes(data);
        Files.write(data, java.util.Arrays.copyOf(bytes, bytes.length - 4));
        ModelException e = assertThrows(ModelException.class, () -> OnnxModel.load(file));
        assertTrue(e.getMessage().contains("too short"), e.getMessage());
        assertTrue(e.getMessage().contains("model.onnx.data"), e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"../weights.bin", "sub/../../weights.bin", "/tmp/weights.bin"})
    void dataOutsideTheModelsFolderIsRefused(String location) throws Exception {
        Path folder = Files.createDirectories(tmp.resolve("models"));
        writeAllExternal(tmp, "weights.bin");
        Path file = folder.resolve("model.onnx");
        ModelProto proto = ModelProto.parseFrom(Files.readAllBytes(tmp.resolve("model.onnx")));
        GraphProto.Builder graph = proto.getGraph().toBuilder();
        for (int i = 0; i < graph.getInitializerCount(); i++) {
            TensorProto.Builder t = graph.getInitializerBuilder(i);
            for (int j = 0; j < t.getExternalDataCount(); j++) {
                if (t.getExternalData(j).getKey().equals("location")) {
                    t.setExternalData(j, entry("location", location));
                }
            }
        }
        Files.write(file, proto.toBuilder().setGraph(graph).build().toByteArray());
        ModelException e = assertThrows(ModelException.class, () -> OnnxModel.load(file));
        assertTrue(e.getMessage().contains("outside the model's folder"), e.getMessage());
    }

    @Test
    void externalInitializerWithoutLocationIsRefused() throws Exception {
        Path source = writeAllExternal(tmp, "weights.bin");
        ModelProto proto = ModelProto.parseFrom(Files.readAllBytes(source));
        GraphProto.Builder graph = proto.getGraph().toBuilder();
        graph.setInitializer(0, graph.getInitializer(0).toBuilder().clearExternalData());
        Files.write(source, proto.toBuilder().setGraph(graph).build().toByteArray());
        ModelException e = assertThrows(ModelException.class, () -> OnnxModel.load(source));
        assertTrue(e.getMessage().contains("no location"), e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"offset=abc", "offset=-64", "length=12x"})
    void malformedOffsetOrLengthIsAModelError(String field) throws Exception {
        String[] kv = field.split("=");
        Path source = writeAllExternal(tmp, "weights.bin");
        ModelProto proto = ModelProto.parseFrom(Files.readAllBytes(source));
        GraphProto.Builder graph = proto.getGraph().toBuilder();
        TensorProto.Builder t = graph.getInitializerBuilder(0);
        for (int j = 0; j < t.getExternalDataCount(); j++) {
            if (t.getExternalData(j).getKey().equals(kv[0])) {
                t.setExternalData(j, entry(kv[0], kv[1]));
            }
        }
        Files.write(source, proto.toBuilder().setGraph(graph).build().toByteArray());
        ModelException e = assertThrows(ModelException.class, () -> OnnxModel.load(source));
        assertTrue(e.getMessage().contains("fc1.weight"), e.getMessage());
    }

    @Test
    void singleTensorOverTwoGigabytesIsRefusedClearly() throws Exception {
        long elements = 600_000_000L;
        try (var data = java.nio.channels.FileChannel.open(tmp.resolve("huge.bin"), java.nio.file.StandardOpenOption.CREATE_NEW,
                java.nio.file.StandardOpenOption.WRITE)) {
            data.write(java.nio.ByteBuffer.wrap(new byte[] {0}), elements * 4 - 1); // sparse: costs no disk
        }
        ModelProto mlp = OnnxModel.load(Fixtures.model("mlp")).proto();
        GraphProto.Builder graph = mlp.getGraph().toBuilder().addInitializer(TensorProto.newBuilder().setName("huge")
                .setDataType(TensorProto.DataType.FLOAT_VALUE).addDims(elements)
                .setDataLocation(TensorProto.DataLocation.EXTERNAL).addExternalData(entry("location", "huge.bin")));
        Path file = tmp.resolve("model.onnx");
        Files.write(file, mlp.toBuilder().setGraph(graph).build().toByteArray());
        ModelException e = assertThrows(ModelException.class, () -> OnnxModel.load(file));
        assertTrue(e.getMessage().contains("huge") && e.getMessage().contains("2 GB"), e.getMessage());
    }

    /** Found by the loader fuzz: dims whose product overflows a long escaped as an ArithmeticException. */
    @Test
    void externalTensorWithMoreElementsThanALongCountsIsRefused() throws Exception {
        ModelProto mlp = OnnxModel.load(Fixtures.model("mlp")).proto();
        GraphProto.Builder graph = mlp.getGraph().toBuilder().addInitializer(TensorProto.newBuilder().setName("endless")
                .setDataType(TensorProto.DataType.FLOAT_VALUE).addDims(Long.MAX_VALUE).addDims(128)
                .setDataLocation(TensorProto.DataLocation.EXTERNAL).addExternalData(entry("location", "absent.bin")));
        Path file = tmp.resolve("model.onnx");
        Files.write(file, mlp.toBuilder().setGraph(graph).build().toByteArray());
        ModelException e = assertThrows(ModelException.class, () -> OnnxModel.load(file));
        assertEquals("initializer endless has an impossible shape [9223372036854775807, 128]: more elements than a long"
                + " counts", e.getMessage());
    }

    /** The mlp fixture with every initializer, however small, in {@code folder/dataName}, unaligned. */
    private static Path writeAllExternal(Path folder, String dataName) throws Exception {
        OnnxModel model = OnnxModel.load(Fixtures.model("mlp"));
        GraphProto.Builder graph = model.proto().getGraph().toBuilder();
        ByteArrayOutputStream data = new ByteArrayOutputStream();
        data.write(new byte[] {1, 2, 3});
        for (int i = 0; i < graph.getInitializerCount(); i++) {
            TensorProto t = graph.getInitializer(i);
            byte[] bytes = Fixtures.toArray(model.initializerBytes(t));
            graph.setInitializer(i, t.toBuilder().clearRawData().clearFloatData()
                    .setDataLocation(TensorProto.DataLocation.EXTERNAL)
                    .addExternalData(entry("location", dataName))
                    .addExternalData(entry("offset", Integer.toString(data.size())))
                    .addExternalData(entry("length", Integer.toString(bytes.length))));
            data.write(bytes);
        }
        Files.createDirectories(folder);
        Files.write(folder.resolve(dataName), data.toByteArray());
        Path file = folder.resolve("model.onnx");
        Files.write(file, model.proto().toBuilder().setGraph(graph).build().toByteArray());
        return file;
    }

    private static StringStringEntryProto entry(String key, String value) {
        return StringStringEntryProto.newBuilder().setKey(key).setValue(value).build();
    }

    private static Map<String, String> entries(TensorProto t) {
        Map<String, String> map = new HashMap<>();
        t.getExternalDataList().forEach(e -> map.put(e.getKey(), e.getValue()));
        return map;
    }

    private static void assertBytesEqual(Map<String, byte[]> expected, Map<String, byte[]> actual, String... why) {
        assertEquals(expected.keySet(), actual.keySet());
        expected.forEach((k, v) -> assertArrayEquals(v, actual.get(k), k + " " + List.of(why)));
    }
}
