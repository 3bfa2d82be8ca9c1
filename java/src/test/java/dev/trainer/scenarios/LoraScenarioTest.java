package dev.trainer.scenarios;

import static dev.trainer.scenarios.Scenario.cli;
import static dev.trainer.scenarios.Scenario.fineTune;
import static dev.trainer.scenarios.Scenario.weights;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import dev.trainer.edit.TrapModels;
import dev.trainer.onnx.OnnxModel;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A LoRA fine-tune through the command line: it exports exactly the original graph with the
 * adapters merged in, its {@code adapters.onnx} says what merging adds, and {@code trainer merge}
 * of the base model and that file makes the very same model.onnx, byte for byte (with the
 * input scaling of tabular and image data too).
 */
class LoraScenarioTest {

    private static final Path BERT = Path.of("src/test/resources/fixtures/bert_tiny_export_style");

    @TempDir
    Path tmp;

    @Test
    void theExportIsTheOriginalGraphAndTheAdaptersMergeIntoItLater() throws Exception {
        Path base = BERT.resolve("model.onnx");
        Path run = tmp.resolve("run");
        Scenario.Outcome outcome = fineTune(run, "--model", base.toString(), "--train", BERT.resolve("train.npz").toString(),
                "--lora", "4:8", "--lora-also", "embeddings.LayerNorm", "--export-adapters", "--epochs", "3",
                "--lr", "0.01", "--no-dropout");
        assertTrue(outcome.out().contains("LoRA adapters of rank 4 (alpha 8.0, dropout 0.0) beside 12 weights: "
                + "encoder.layer.0.attention.self.query ... encoder.layer.1.output.dense"), outcome.out());
        assertTrue(outcome.out().contains("trainable parameters: 3648 in 26 tensors (14.82% of all); frozen: 20963"),
                outcome.out());

        OnnxModel original = OnnxModel.load(base);
        OnnxModel exported = OnnxModel.load(run.resolve("model.onnx"));
        GraphProto want = original.proto().getGraph();
        GraphProto got = exported.proto().getGraph();
        assertEquals(want.getNodeList(), got.getNodeList());
        assertEquals(want.getInputList(), got.getInputList());
        assertEquals(want.getOutputList(), got.getOutputList());
        assertEquals(want.getInitializerList().stream().map(t -> t.getName() + t.getDimsList()).toList(),
                got.getInitializerList().stream().map(t -> t.getName() + t.getDimsList()).toList());
        assertArrayEquals(weights(base, "classifier.weight"), weights(run.resolve("model.onnx"), "classifier.weight"),
                "frozen, not adapted: untouched");
        assertFalse(Arrays.equals(weights(base, "embeddings.LayerNorm.weight"),
                weights(run.resolve("model.onnx"), "embeddings.LayerNorm.weight")), "--lora-also trains it in full");

        String weight = "encoder.layer.1.attention.self.value.weight";
        float[] before = weights(base, weight);
        float[] merged = weights(run.resolve("model.onnx"), weight);
        float[] delta = delta(run.resolve("adapters.onnx"), weight);
        double moved = 0;
        for (int i = 0; i < before.length; i++) {
            assertEquals(merged[i], before[i] + delta[i], 1e-6, weight + "[" + i + "]");
            moved = Math.max(moved, Math.abs(delta[i]));
        }
        assertTrue(moved > 1e-4, "the adapter trained: " + moved);

        Path again = tmp.resolve("merged.onnx");
        cli("merge", "--model", base.toString(), "--adapters", run.resolve("adapters.onnx").toString(), "--out",
                again.toString()).ok();
        assertArrayEquals(Files.readAllBytes(run.resolve("model.onnx")), Files.readAllBytes(again));

        Scenario.Outcome foreign = cli("merge", "--model", "src/test/resources/fixtures/bert_tiny_torchscript/model.onnx",
                "--adapters", run.resolve("adapters.onnx").toString(), "--out", tmp.resolve("foreign.onnx").toString());
        assertEquals(2, foreign.code());
        assertTrue(foreign.err().contains("is not the model these adapters were trained on"), foreign.err());
        assertEquals(1, foreign.err().lines().count(), foreign.err());
        assertFalse(Files.exists(tmp.resolve("foreign.onnx")));
    }

    @Test
    void aTabularModelMergesWithItsInputScalingAndNeedsItsTargetsNamed() throws Exception {
        Path run = tmp.resolve("digits");
        fineTune(run, "--model", Scenario.DIGITS_MODEL.toString(), "--train", Scenario.DIGITS_TRAIN.toString(),
                "--lora", "4", "--lora-target", "fc1", "--normalize", "standard", "--export-adapters", "--epochs", "1");
        Path again = tmp.resolve("merged.onnx");
        cli("merge", "--model", Scenario.DIGITS_MODEL.toString(), "--adapters", run.resolve("adapters.onnx").toString(),
                "--out", again.toString()).ok();
        assertArrayEquals(Files.readAllBytes(run.resolve("model.onnx")), Files.readAllBytes(again));

        Scenario.Outcome untargeted = cli("fine-tune", "--model", Scenario.DIGITS_MODEL.toString(), "--train",
                Scenario.DIGITS_TRAIN.toString(), "--out", tmp.resolve("none").toString(), "--lora", "4");
        assertEquals(2, untargeted.code());
        assertTrue(untargeted.err().contains("name the weights to adapt with --lora-target"), untargeted.err());
        assertFalse(Files.exists(tmp.resolve("none")));
    }

    @Test
    void anImageModelMergesWithItsImageNormalization() throws Exception {
        Path fixture = Path.of("src/test/resources/fixtures/image_digits");
        ImageFolderFineTuneTest.unzip(fixture.resolve("images.zip"), tmp);
        Path base = fixture.resolve("model.onnx");
        Path run = tmp.resolve("run");
        fineTune(run, "--model", base.toString(), "--train", tmp.resolve("train").toString(), "--lora", "2",
                "--lora-target", "fc", "--image-normalize", "0.3,0.4", "--export-adapters", "--epochs", "1",
                "--batch-size", "50");
        Path again = tmp.resolve("merged.onnx");
        cli("merge", "--model", base.toString(), "--adapters", run.resolve("adapters.onnx").toString(), "--out",
                again.toString()).ok();
        assertArrayEquals(Files.readAllBytes(run.resolve("model.onnx")), Files.readAllBytes(again));
        String input = OnnxModel.load(base).proto().getGraph().getInput(0).getName();
        assertTrue(OnnxModel.load(again).proto().getGraph().getNodeList().stream()
                .anyMatch(n -> n.getOpType().equals("Sub") && n.getInput(0).equals(input)), "the image normalization");
    }

    @Test
    void aMergeUntiesSharedInitializersAsTheRunDid() throws Exception {
        // fc2 sits between two LayerNorms that share one weight and one bias: --untie-shared gives
        // each its own, the adapter goes beside fc2, and both LayerNorms train in full
        Path base = tmp.resolve("layernorms.onnx");
        Files.write(base, TrapModels.mergedLayerNorms().proto().toByteArray());
        Path data = tmp.resolve("data.npz");
        TrapModels.writeData(data, "x", 4);
        Path run = tmp.resolve("untied");
        Scenario.Outcome outcome = fineTune(run, "--model", base.toString(), "--train", data.toString(), "--lora", "2",
                "--lora-also", "ln.*", "--untie-shared", "--export-adapters", "--epochs", "2", "--lr", "0.05");
        assertTrue(outcome.out().contains("beside 1 weights: fc2"), outcome.out());
        assertFalse(Arrays.equals(weights(run.resolve("model.onnx"), "ln.weight"),
                weights(run.resolve("model.onnx"), "ln.weight_1")), "untied, the LayerNorms trained apart");

        Path again = tmp.resolve("merged.onnx");
        cli("merge", "--model", base.toString(), "--adapters", run.resolve("adapters.onnx").toString(), "--out",
                again.toString()).ok();
        assertArrayEquals(Files.readAllBytes(run.resolve("model.onnx")), Files.readAllBytes(again));
    }

    /** The adapters file's {@code delta/WEIGHT} output, run by plain ONNX Runtime. */
    private static float[] delta(Path adapters, String weight) throws Exception {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession session = env.createSession(adapters.toString(), new OrtSession.SessionOptions());
             OrtSession.Result result = session.run(new HashMap<String, OnnxTensor>(Map.of()))) {
            FloatBuffer values = ((OnnxTensor) result.get("delta/" + weight).orElseThrow()).getFloatBuffer();
            float[] out = new float[values.remaining()];
            values.get(out);
            return out;
        }
    }
}
