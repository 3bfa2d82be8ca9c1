package dev.trainer.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trainer.cli.Cli;
import dev.trainer.data.BatchAssembler;
import dev.trainer.data.Dataset;
import dev.trainer.data.Datasets;
import dev.trainer.data.NpzWriter;
import dev.trainer.data.Task;
import dev.trainer.onnx.OnnxModel;
import dev.trainer.runtime.InferenceSession;
import java.lang.foreign.Arena;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --label-smoothing} and {@code --sample-weights} reach the loss: the first step of a run
 * on one whole batch reports the cross-entropy of the untrained model's logits, computed here by
 * hand from its definition, smoothed or weighted as asked.
 */
class LossOptionsTest {

    private static final Path MLP = Path.of("src/test/resources/fixtures/mlp");
    private static final Path DIGITS = Path.of("../models/digits");
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    /** The model's logits on every sample of {@code data}, in plain ONNX Runtime. */
    private static float[] logits(Path model, Dataset data) {
        try (InferenceSession session = new InferenceSession(OnnxModel.load(model)); Arena arena = Arena.ofConfined()) {
            var batch = new BatchAssembler(data, data.size(), arena).assemble(IntStream.range(0, data.size()).toArray());
            return session.predict(batch, List.of("logits")).get("logits");
        }
    }

    /**
     * Σ w_i Σ_k -q_ik log softmax(z_i)_k / Σ w_i with q = (1 - s) onehot + s / C, in double: the
     * definition, term by term.
     */
    private static double crossEntropy(float[] logits, int[] labels, double[] weights, double smoothing) {
        int classes = logits.length / labels.length;
        double loss = 0;
        double weightSum = 0;
        for (int i = 0; i < labels.length; i++) {
            double max = Double.NEGATIVE_INFINITY;
            for (int k = 0; k < classes; k++) {
                max = Math.max(max, logits[i * classes + k]);
            }
            double sum = 0;
            for (int k = 0; k < classes; k++) {
                sum += Math.exp(logits[i * classes + k] - max);
            }
            double row = 0;
            for (int k = 0; k < classes; k++) {
                double q = (k == labels[i] ? 1 - smoothing : 0) + smoothing / classes;
                row -= q * (logits[i * classes + k] - max - Math.log(sum));
            }
            loss += weights[i] * row;
            weightSum += weights[i];
        }
        return loss / weightSum;
    }

    /** The loss metrics.jsonl reports for step 1 of one SGD step over the whole file, in file order. */
    private double firstStepLoss(Path model, Path train, int rows, String... extra) throws Exception {
        Path out = tmp.resolve("run-" + Files.list(tmp).count());
        List<String> args = new ArrayList<>(List.of("fine-tune", "--model", model.toString(), "--train", train.toString(),
                "--out", out.toString(), "--optimizer", "sgd", "--lr", "0.1", "--no-shuffle", "--epochs", "1",
                "--batch-size", Integer.toString(rows)));
        args.addAll(List.of(extra));
        Cli.Outcome o = Cli.run(args.toArray(String[]::new));
        assertEquals(0, o.code(), o.err());
        for (String line : Files.readAllLines(out.resolve("metrics.jsonl"))) {
            JsonNode event = JSON.readTree(line);
            if (event.path("event").asText().equals("step")) {
                return event.get("loss").asDouble();
            }
        }
        throw new AssertionError("no step event");
    }

    private static double[] ones(int n) {
        double[] w = new double[n];
        java.util.Arrays.fill(w, 1);
        return w;
    }

    /** The first 40 rows of the demo's training data: a model that is 80 % right is confident enough to tell. */
    private Path digits() throws Exception {
        Path file = tmp.resolve("digits.csv");
        if (!Files.exists(file)) {
            Files.write(file, Files.readAllLines(DIGITS.resolve("train.csv")).subList(0, 41));
        }
        return file;
    }

    @Test
    void labelSmoothingSmoothsTheCrossEntropysTarget() throws Exception {
        Dataset train = Datasets.read(digits(), List.of(inputSpec()), Task.CLASSIFICATION, "label");
        float[] logits = logits(DIGITS.resolve("model.onnx"), train);
        int[] labels = train.labels().classes();

        double smoothed = firstStepLoss(DIGITS.resolve("model.onnx"), digits(), train.size(), "--label-smoothing", "0.2");
        double plain = firstStepLoss(DIGITS.resolve("model.onnx"), digits(), train.size());

        double expected = crossEntropy(logits, labels, ones(labels.length), 0.2);
        assertEquals(expected, smoothed, 1e-5 * expected);
        assertEquals(crossEntropy(logits, labels, ones(labels.length), 0), plain, 1e-5 * plain);
        assertTrue(Math.abs(smoothed - plain) > 0.05, "smoothing changes the loss: " + smoothed + " vs " + plain);
    }

    @Test
    void npzSampleWeightsWeighTheMeanLoss() throws Exception {
        Dataset train = Datasets.read(digits(), List.of(inputSpec()), Task.CLASSIFICATION, "label");
        float[] logits = logits(DIGITS.resolve("model.onnx"), train);
        int[] labels = train.labels().classes();
        SplittableRandom random = new SplittableRandom(5);
        double[] weights = new double[labels.length];
        float[] stored = new float[labels.length];
        for (int i = 0; i < weights.length; i++) {
            stored[i] = (float) random.nextDouble(0, 3);
            weights[i] = stored[i];
        }
        Path weighted = tmp.resolve("weighted.npz");
        try (NpzWriter npz = new NpzWriter(weighted)) {
            npz.writeFloats("input", new long[] {labels.length, 64}, train.feature("input").floats());
            npz.writeLongs("labels", new long[] {labels.length}, IntStream.of(labels).asLongStream().toArray());
            npz.writeFloats("importance", new long[] {labels.length}, stored);
        }

        double loss = firstStepLoss(DIGITS.resolve("model.onnx"), weighted, labels.length, "--sample-weights", "importance");

        double expected = crossEntropy(logits, labels, weights, 0);
        assertEquals(expected, loss, 1e-5 * expected);
        assertTrue(Math.abs(expected - crossEntropy(logits, labels, ones(labels.length), 0)) > 0.01,
                "the weights matter for this batch");
    }

    @Test
    void aCsvWeightColumnWeighsTheLossAndIsNotAFeature() throws Exception {
        List<String> lines = Files.readAllLines(digits());
        List<String> out = new ArrayList<>(List.of(lines.getFirst() + ",w"));
        double[] weights = new double[lines.size() - 1];
        for (int i = 1; i < lines.size(); i++) {
            weights[i - 1] = i % 3 == 0 ? 0 : i % 3;
            out.add(lines.get(i) + "," + (int) weights[i - 1]);
        }
        Path csv = Files.write(tmp.resolve("weighted.csv"), out);
        Dataset plain = Datasets.read(digits(), List.of(inputSpec()), Task.CLASSIFICATION, "label");
        float[] logits = logits(DIGITS.resolve("model.onnx"), plain);

        double loss = firstStepLoss(DIGITS.resolve("model.onnx"), csv, weights.length, "--sample-weights", "w");

        double expected = crossEntropy(logits, plain.labels().classes(), weights, 0);
        assertEquals(expected, loss, 1e-5 * expected);
        assertTrue(Math.abs(expected - crossEntropy(logits, plain.labels().classes(), ones(weights.length), 0)) > 0.01,
                "the weights matter for this batch");
    }

    @Test
    void missingWeightsAreBadInput() throws Exception {
        Cli.Outcome o = Cli.run("fine-tune", "--model", MLP.resolve("model.onnx").toString(), "--train",
                MLP.resolve("train.npz").toString(), "--out", tmp.resolve("none").toString(), "--sample-weights", "w");
        assertEquals(2, o.code());
        assertTrue(o.err().contains("has no sample weights 'w'"), o.err());
    }

    private static dev.trainer.data.InputSpec inputSpec() {
        return new dev.trainer.data.InputSpec("input", dev.trainer.data.ElementType.FLOAT, new long[] {-1, 64});
    }
}
