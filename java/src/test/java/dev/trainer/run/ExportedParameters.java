package dev.trainer.run;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.trainer.onnx.OnnxModel;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import ai.onnx.proto.OnnxMl.TensorProto;

/** The float initializers of exported models, compared. */
final class ExportedParameters {

    private ExportedParameters() {
    }

    /**
     * The largest difference between two models' float initializers, over the largest magnitude in
     * {@code reference}: how far apart two runs of the same graph ended, to float32 rounding.
     */
    static double relativeDifference(Path model, Path reference) {
        Map<String, float[]> ours = floats(model);
        Map<String, float[]> theirs = floats(reference);
        assertEquals(theirs.keySet(), ours.keySet(), "the same initializers");
        double largest = 0;
        double difference = 0;
        for (var entry : theirs.entrySet()) {
            float[] a = ours.get(entry.getKey());
            float[] b = entry.getValue();
            assertEquals(b.length, a.length, entry.getKey());
            for (int i = 0; i < b.length; i++) {
                largest = Math.max(largest, Math.abs(b[i]));
                difference = Math.max(difference, Math.abs(a[i] - b[i]));
            }
        }
        return difference / largest;
    }

    private static Map<String, float[]> floats(Path file) {
        OnnxModel model = OnnxModel.load(file);
        Map<String, float[]> out = new TreeMap<>();
        for (TensorProto t : model.proto().getGraph().getInitializerList()) {
            if (t.getDataType() == TensorProto.DataType.FLOAT_VALUE) {
                FloatBuffer floats = model.initializerBytes(t).asFloatBuffer();
                float[] values = new float[floats.remaining()];
                floats.get(values);
                out.put(t.getName(), values);
            }
        }
        return out;
    }
}
