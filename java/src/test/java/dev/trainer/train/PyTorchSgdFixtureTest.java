package dev.trainer.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trainer.cli.TrainerCommand;
import dev.trainer.data.BatchAssembler;
import dev.trainer.data.Dataset;
import dev.trainer.data.Datasets;
import dev.trainer.data.ElementType;
import dev.trainer.data.InputSpec;
import dev.trainer.data.Task;
import dev.trainer.onnx.OnnxModel;
import dev.trainer.runtime.InferenceSession;
import java.lang.foreign.Arena;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The end-to-end proof: PyTorch ran k plain-SGD steps on a fixed batch (scripts/make_sgd_fixtures.py,
 * scripts/make_transformer_fixtures.py for the transformer blocks in both ONNX export styles);
 * trainer, through its CLI with {@code --optimizer sgd --no-shuffle}, must reproduce PyTorch's loss at
 * every step and its outputs on a held batch afterwards.
 */
class PyTorchSgdFixtureTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    @ParameterizedTest
    @ValueSource(strings = {"mlp", "mlp_wide", "cnn", "mse_mlp",
            "bert_tiny_torchscript", "bert_tiny_opset17", "bert_tiny_export_style", "vit_tiny"})
    void reproducesPyTorchSgd(String name) throws Exception {
        Path fixture = Path.of("src/test/resources/fixtures", name);
        JsonNode meta = JSON.readTree(fixture.resolve("fixture.json").toFile());
        Path out = tmp.resolve("run");
        List<String> args = new ArrayList<>(List.of("fine-tune", "--model", fixture.resolve("model.onnx").toString(),
                "--train", fixture.resolve("train.npz").toString(), "--out", out.toString(),
                "--optimizer", "sgd", "--no-shuffle", "--lr", meta.get("lr").asText(),
                "--epochs", meta.get("steps").asText(), "--batch-size", meta.get("batch_size").asText(),
                "--loss", meta.get("loss").asText()));
        // PyTorch trained in eval mode: the export-style graph keeps its (inactive) Dropout nodes,
        // which must stay inactive in training too.
        args.add("--no-dropout");
        int code = TrainerCommand.execute(args.toArray(String[]::new));
        assertEquals(0, code);

        List<Double> losses = new ArrayList<>();
        for (String line : Files.readAllLines(out.resolve("metrics.jsonl"))) {
            JsonNode event = JSON.readTree(line);
            if (event.get("event").asText().equals("step")) {
                losses.add(event.get("loss").asDouble());
            }
        }
        assertEquals(meta.get("steps").asInt(), losses.size());
        for (int i = 0; i < losses.size(); i++) {
            double expected = meta.get("losses").get(i).asDouble();
            assertEquals(expected, losses.get(i), 1e-4 * Math.abs(expected), "loss at step " + (i + 1));
        }

        String output = meta.get("output_name").asText();
        float[] before = read(fixture.resolve("expected.npz"), "logits_before");
        float[] after = read(fixture.resolve("expected.npz"), "logits_after");
        float[] ours;
        try (InferenceSession trained = new InferenceSession(OnnxModel.load(out.resolve("model.onnx")));
             Arena arena = Arena.ofConfined()) {
            Dataset held = Datasets.read(fixture.resolve("held.npz"), trained.inputs(), Task.CLASSIFICATION, "label", false);
            var batch = new BatchAssembler(held, held.size(), arena).assemble(IntStream.range(0, held.size()).toArray());
            ours = trained.predict(batch, List.of(output)).get(output);
        }
        double moved = 0;
        double error = 0;
        for (int i = 0; i < after.length; i++) {
            moved = Math.max(moved, Math.abs(after[i] - before[i]));
            error = Math.max(error, Math.abs(ours[i] - after[i]));
        }
        System.out.printf("%s: outputs moved %.4f under SGD, trainer vs PyTorch max error %.2e%n", name, moved, error);
        assertTrue(moved > 0.1, "the fixture must move the outputs to prove anything; moved " + moved);
        assertTrue(error <= 0.02 * moved, name + ": max error " + error + " vs PyTorch, outputs moved " + moved);
        assertTrue(error <= 1e-4, name + ": max error " + error + " vs PyTorch (float32 agreement expected)");
    }

    /** One float32 array of an npz, read through the data layer as if it were a model input. */
    private static float[] read(Path npz, String array) {
        Dataset d = Datasets.read(npz, List.of(new InputSpec(array, ElementType.FLOAT, new long[] {-1, -1})),
                Task.CLASSIFICATION, "label", false);
        return d.feature(array).floats();
    }
}
