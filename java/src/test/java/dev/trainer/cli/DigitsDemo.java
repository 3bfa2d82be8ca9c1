package dev.trainer.cli;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** The shipped digits demo, and its logits on val.csv computed with nothing of trainer but plain ONNX Runtime. */
final class DigitsDemo {

    static final Path FOLDER = Path.of("../models/digits");
    static final Path MODEL = FOLDER.resolve("model.onnx");
    static final Path VAL = FOLDER.resolve("val.csv");
    static final int VAL_ROWS = 397;
    static final int CLASSES = 10;

    private DigitsDemo() {
    }

    /** val.csv's 64 pixel columns per row (the label column left out). */
    static float[][] valPixels() throws Exception {
        List<String> lines = Files.readAllLines(VAL);
        List<String> header = List.of(lines.getFirst().split(","));
        int label = header.indexOf("label");
        float[][] rows = new float[lines.size() - 1][];
        for (int r = 1; r < lines.size(); r++) {
            String[] cells = lines.get(r).split(",");
            float[] row = new float[cells.length - 1];
            for (int c = 0, k = 0; c < cells.length; c++) {
                if (c != label) {
                    row[k++] = Float.parseFloat(cells[c]);
                }
            }
            rows[r - 1] = row;
        }
        return rows;
    }

    /** Logits [rows][10] of the shipped model on val.csv, from an ORT session over the model file. */
    static float[][] valLogits() throws Exception {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession session = env.createSession(MODEL.toString(), new OrtSession.SessionOptions());
             OnnxTensor input = OnnxTensor.createTensor(env, valPixels());
             OrtSession.Result result = session.run(Map.of("input", input))) {
            return (float[][]) result.get("logits").orElseThrow().getValue();
        }
    }
}
