package dev.trainer.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import dev.trainer.ModelException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A write either replaces the model completely or leaves what was there untouched, and never
 * leaves temporary files behind. (Tests run as root, which ignores permissions, so failures are
 * forced by directories standing where files go and by tensors that cannot be read.)
 */
class AtomicWriteTest {

    @TempDir
    Path tmp;

    @Test
    void overwritingReplacesTheModelAndLeavesNoTemporaryFiles() throws Exception {
        Path file = tmp.resolve("model.onnx");
        ModelWriter.write(OnnxModel.load(Fixtures.model("mlp")), file);
        ModelWriter.write(OnnxModel.load(Fixtures.model("cnn")), file);
        assertArrayEquals(Files.readAllBytes(Fixtures.model("cnn")), Files.readAllBytes(file));
        assertEquals(Map.of("model.onnx", Files.size(file)), listing(tmp).entrySet().stream()
                .collect(java.util.stream.Collectors.toMap(Map.Entry::getKey, e -> (long) e.getValue().length)));
    }

    @Test
    void failureWhileWritingExternalDataLeavesTheOldModelAndItsData() throws Exception {
        Path file = tmp.resolve("model.onnx");
        ModelWriter.write(OnnxModel.load(Fixtures.model("mlp_wide")), file, true);
        Map<String, byte[]> before = listing(tmp);
        assertEquals(2, before.size());

        ModelException e = assertThrows(ModelException.class,
                () -> ModelWriter.write(withUnreadableLastInitializer(OnnxModel.load(Fixtures.model("mlp"))), file, true));
        assertTrue(e.getMessage().contains("fc2.bias"), e.getMessage());
        assertSameFiles(before, listing(tmp));
        assertEquals(OnnxModel.load(Fixtures.model("mlp_wide")).proto().getGraph().getNodeList(),
                OnnxModel.load(file).proto().getGraph().getNodeList(), "the old model still loads, data and all");
    }

    @Test
    void failureToPlaceTheDataFileLeavesTheOldModel() throws Exception {
        Path file = tmp.resolve("model.onnx");
        ModelWriter.write(OnnxModel.load(Fixtures.model("mlp")), file);
        Files.writeString(Files.createDirectories(tmp.resolve("model.onnx.data")).resolve("occupied"), "x");
        Map<String, byte[]> before = listing(tmp);

        UncheckedIOException e = assertThrows(UncheckedIOException.class,
                () -> ModelWriter.write(OnnxModel.load(Fixtures.model("cnn")), file, true));
        assertTrue(e.getMessage().startsWith("cannot write " + file + ".data: "), e.getMessage());
        assertSameFiles(before, listing(tmp));
        assertArrayEquals(Files.readAllBytes(Fixtures.model("mlp")), Files.readAllBytes(file));
    }

    @Test
    void failureToPlaceTheModelLeavesNoTemporaryFiles() throws Exception {
        Path file = Files.createDirectories(tmp.resolve("model.onnx"));
        Files.writeString(file.resolve("occupied"), "x");
        Map<String, byte[]> before = listing(tmp);

        assertThrows(UncheckedIOException.class, () -> ModelWriter.write(OnnxModel.load(Fixtures.model("mlp")), file));
        assertSameFiles(before, listing(tmp));
        assertTrue(Files.isDirectory(file));
    }

    @Test
    void failureToPlaceTheModelPutsThePreviousDataFileBack() throws Exception {
        Path file = tmp.resolve("model.onnx");
        ModelWriter.write(OnnxModel.load(Fixtures.model("mlp_wide")), file, true);
        byte[] oldData = Files.readAllBytes(tmp.resolve("model.onnx.data"));
        Files.delete(file);
        Files.writeString(Files.createDirectories(file).resolve("occupied"), "x");
        Map<String, byte[]> before = listing(tmp);

        assertThrows(UncheckedIOException.class, () -> ModelWriter.write(OnnxModel.load(Fixtures.model("cnn")), file, true));
        assertSameFiles(before, listing(tmp));
        assertArrayEquals(oldData, Files.readAllBytes(tmp.resolve("model.onnx.data")));
    }

    @Test
    void writingIntoAFileInsteadOfAFolderFails() throws Exception {
        Path notAFolder = Files.writeString(tmp.resolve("plain"), "mine");
        UncheckedIOException e = assertThrows(UncheckedIOException.class,
                () -> ModelWriter.write(OnnxModel.load(Fixtures.model("mlp")), notAFolder.resolve("model.onnx")));
        assertEquals("cannot write " + notAFolder.resolve("model.onnx") + ": a file or folder is in the way: "
                + notAFolder, e.getMessage());
        assertEquals("mine", Files.readString(notAFolder));
        assertEquals(1, listing(tmp).size());
    }

    /** The model with its last initializer declaring more values than it holds. */
    private static OnnxModel withUnreadableLastInitializer(OnnxModel model) {
        GraphProto.Builder graph = model.proto().getGraph().toBuilder();
        int last = graph.getInitializerCount() - 1;
        TensorProto t = graph.getInitializer(last);
        assertEquals("fc2.bias", t.getName());
        graph.setInitializer(last, t.toBuilder().clearRawData().addFloatData(1f));
        return OnnxModel.of(model.proto().toBuilder().setGraph(graph).build());
    }

    /** Every file under the folder, hidden ones included, by relative path, with its bytes. */
    private static Map<String, byte[]> listing(Path folder) throws IOException {
        Map<String, byte[]> files = new TreeMap<>();
        try (Stream<Path> all = Files.walk(folder)) {
            for (Path p : all.filter(Files::isRegularFile).toList()) {
                files.put(folder.relativize(p).toString(), Files.readAllBytes(p));
            }
        }
        return files;
    }

    private static void assertSameFiles(Map<String, byte[]> expected, Map<String, byte[]> actual) {
        assertEquals(expected.keySet(), actual.keySet(), "files left behind or lost");
        expected.forEach((k, v) -> assertArrayEquals(v, actual.get(k), k));
    }
}
