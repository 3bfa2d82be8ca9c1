package dev.trainer.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code trainer evaluate}: loss and accuracy of a model as it is, against independent numbers. */
class EvaluateCommandTest {

    @Test
    void shippedDigitsModelScoresAsInPyTorch() {
        Cli.Outcome o = Cli.run("evaluate", "--model", DigitsDemo.MODEL.toString(), "--data", DigitsDemo.VAL.toString());
        assertEquals(0, o.code(), o.err());
        assertEquals("", o.err());
        Map<String, String> printed = fields(o.out());
        assertEquals(java.util.Set.of("samples", "loss", "accuracy", "top_5_accuracy", "macro_f1", "weighted_f1", "roc_auc",
                "pr_auc", "log_loss"), printed.keySet());
        assertEquals("397", printed.get("samples"));
        assertEquals(Double.parseDouble(printed.get("loss")), Double.parseDouble(printed.get("log_loss")), 1e-4,
                "the loss kernel's cross-entropy is scikit-learn's log loss");
        // PyTorch's numbers for the shipped model (models/digits/README.md): 321/397 right, cross-entropy 1.7035.
        assertEquals(0.8086, Double.parseDouble(printed.get("accuracy")), 1e-3);
        assertEquals(1.7035, Double.parseDouble(printed.get("loss")), 1e-3);
    }

    @Test
    void accuracyAndLossAgreeWithPlainOnnxRuntime() throws Exception {
        float[][] logits = DigitsDemo.valLogits();
        int[] labels = java.nio.file.Files.readAllLines(DigitsDemo.VAL).stream().skip(1)
                .mapToInt(l -> Integer.parseInt(l.substring(l.lastIndexOf(',') + 1))).toArray();
        double loss = 0;
        int right = 0;
        for (int r = 0; r < logits.length; r++) {
            double max = Double.NEGATIVE_INFINITY;
            int arg = 0;
            for (int c = 0; c < logits[r].length; c++) {
                if (logits[r][c] > max) {
                    max = logits[r][c];
                    arg = c;
                }
            }
            double sum = 0;
            for (float v : logits[r]) {
                sum += Math.exp(v - max);
            }
            loss += Math.log(sum) + max - logits[r][labels[r]];
            right += arg == labels[r] ? 1 : 0;
        }
        Map<String, String> printed = fields(Cli.run("evaluate", "--model", DigitsDemo.MODEL.toString(),
                "--data", DigitsDemo.VAL.toString(), "--batch-size", "50").out());
        assertEquals(loss / logits.length, Double.parseDouble(printed.get("loss")), 1e-5);
        assertEquals((double) right / logits.length, Double.parseDouble(printed.get("accuracy")), 1e-4);
    }

    @Test
    void tablesFollowTheScoresAndJsonHoldsTheSameNumbers() throws Exception {
        Cli.Outcome text = Cli.run("evaluate", "--model", DigitsDemo.MODEL.toString(), "--data", DigitsDemo.VAL.toString(),
                "--top-k", "3");
        Cli.Outcome json = Cli.run("evaluate", "--model", DigitsDemo.MODEL.toString(), "--data", DigitsDemo.VAL.toString(),
                "--top-k", "3", "--json");
        assertEquals(0, json.code(), json.err());

        JsonNode scores = new ObjectMapper().readTree(json.out());
        Map<String, String> printed = fields(text.out());
        assertEquals(Double.parseDouble(printed.get("accuracy")), scores.get("accuracy").asDouble(), 1e-4);
        assertEquals(Double.parseDouble(printed.get("top_3_accuracy")), scores.get("top_k_accuracy").get("3").asDouble(), 1e-4);
        assertEquals(10, scores.get("per_class").size());
        long total = 0;
        for (JsonNode row : scores.get("confusion_matrix").get("matrix")) {
            for (JsonNode count : row) {
                total += count.asLong();
            }
        }
        assertEquals(397, total);
        assertEquals(397, scores.get("samples").asInt());
        assertTrue(text.out().contains("class  precision     recall         f1    support"), text.out());
        assertTrue(text.out().contains("true \\ predicted"), text.out());
    }

    @ParameterizedTest
    @ValueSource(strings = {"mse_mlp", "mlp", "cnn"})
    void lossOnAFixtureBatchIsPyTorchsFirstStepLoss(String name) throws Exception {
        // The fixtures' train.npz is the one batch PyTorch stepped on; its first loss is the untouched model's.
        Path fixture = Path.of("src/test/resources/fixtures", name);
        JsonNode meta = new ObjectMapper().readTree(fixture.resolve("fixture.json").toFile());
        Cli.Outcome o = Cli.run("evaluate", "--model", fixture.resolve("model.onnx").toString(),
                "--data", fixture.resolve("train.npz").toString(), "--loss", meta.get("loss").asText());
        assertEquals(0, o.code(), o.err());
        Map<String, String> printed = fields(o.out());
        assertEquals(meta.get("batch_size").asText(), printed.get("samples"));
        double expected = meta.get("losses").get(0).asDouble();
        assertEquals(expected, Double.parseDouble(printed.get("loss")), 1e-5 * expected);
        assertEquals(name.equals("mse_mlp"), !printed.containsKey("accuracy"), o.out());
    }

    /** The "name value" lines before the tables. */
    private static Map<String, String> fields(String out) {
        Map<String, String> map = new HashMap<>();
        out.lines().takeWhile(l -> !l.isBlank()).map(l -> l.split("\\s+")).forEach(p -> map.put(p[0], p[1]));
        return map;
    }
}
