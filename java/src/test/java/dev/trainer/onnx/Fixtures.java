package dev.trainer.onnx;

import ai.onnx.proto.OnnxMl.TensorProto;
import dev.trainer.data.BatchAssembler;
import dev.trainer.data.Dataset;
import dev.trainer.data.Datasets;
import dev.trainer.data.Task;
import dev.trainer.runtime.InferenceSession;
import java.lang.foreign.Arena;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

/** The models the onnx tests read, and a plain inference run over a fixture's held-out batch. */
final class Fixtures {

    private Fixtures() {
    }

    static Path folder(String name) {
        return name.equals("digits") ? Path.of("../models/digits") : Path.of("src/test/resources/fixtures", name);
    }

    static Path model(String name) {
        return folder(name).resolve("model.onnx");
    }

    /** Every initializer's bytes, by name, copied out of the model. */
    static Map<String, byte[]> initializerBytes(OnnxModel model) {
        Map<String, byte[]> bytes = new LinkedHashMap<>();
        for (TensorProto t : model.proto().getGraph().getInitializerList()) {
            bytes.put(t.getName(), toArray(model.initializerBytes(t)));
        }
        return bytes;
    }

    static byte[] toArray(ByteBuffer buffer) {
        byte[] out = new byte[buffer.remaining()];
        buffer.duplicate().get(out);
        return out;
    }

    /** The model's first output over a fixture's held.npz, run by ONNX Runtime as any user would. */
    static float[] heldOutputs(OnnxModel model, String fixture) {
        try (InferenceSession session = new InferenceSession(model); Arena arena = Arena.ofConfined()) {
            Dataset held = Datasets.read(folder(fixture).resolve("held.npz"), session.inputs(), Task.CLASSIFICATION,
                    "label", false);
            var batch = new BatchAssembler(held, held.size(), arena).assemble(IntStream.range(0, held.size()).toArray());
            String output = model.proto().getGraph().getOutput(0).getName();
            return session.predict(batch, List.of(output)).get(output);
        }
    }
}
