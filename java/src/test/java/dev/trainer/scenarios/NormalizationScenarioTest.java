package dev.trainer.scenarios;

import static dev.trainer.scenarios.Scenario.fineTune;
import static dev.trainer.scenarios.Scenario.perEpoch;
import static dev.trainer.scenarios.Scenario.runJson;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.TypeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import dev.trainer.onnx.OnnxModel;
import dev.trainer.onnx.TensorTypes;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Unscaled features: breast-cancer measurements range from 1e-3 to 2.5e3, and a small MLP trained
 * on them raw starts far off and ends worse than one trained on standardized features. With
 * {@code --normalize standard} the statistics come from the training split only, go into run.json,
 * and sit in front of the exported model, which therefore takes raw features as before.
 */
class NormalizationScenarioTest {

    static final Path DATA = Path.of("src/test/resources/data/breast_cancer.csv");
    static final int FEATURES = 30;
    static final int HIDDEN = 16;

    @TempDir
    Path tmp;

    /** features [batch, 30] → Gemm(16) → Relu → Gemm(2) → logits, initialised like nn.Linear, seeded. */
    static ModelProto mlp() {
        Random random = new Random(3);
        GraphProto graph = GraphProto.newBuilder().setName("breast_cancer_mlp")
                .addInput(info("features", FEATURES))
                .addInitializer(uniform("fc1.weight", new long[] {HIDDEN, FEATURES}, FEATURES, random))
                .addInitializer(uniform("fc1.bias", new long[] {HIDDEN}, FEATURES, random))
                .addInitializer(uniform("fc2.weight", new long[] {2, HIDDEN}, HIDDEN, random))
                .addInitializer(uniform("fc2.bias", new long[] {2}, HIDDEN, random))
                .addNode(gemm("fc1", "features", "hidden"))
                .addNode(NodeProto.newBuilder().setOpType("Relu").setName("relu").addInput("hidden").addOutput("activated"))
                .addNode(gemm("fc2", "activated", "logits"))
                .addOutput(info("logits", 2))
                .build();
        return ModelProto.newBuilder().setIrVersion(8).setProducerName("test")
                .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(13)).setGraph(graph).build();
    }

    private static NodeProto gemm(String layer, String input, String output) {
        return NodeProto.newBuilder().setOpType("Gemm").setName(layer).addInput(input).addInput(layer + ".weight")
                .addInput(layer + ".bias").addOutput(output)
                .addAttribute(AttributeProto.newBuilder().setName("transB").setType(AttributeProto.AttributeType.INT).setI(1))
                .build();
    }

    private static ValueInfoProto info(String name, long size) {
        TensorShapeProto shape = TensorShapeProto.newBuilder()
                .addDim(TensorShapeProto.Dimension.newBuilder().setDimParam("batch"))
                .addDim(TensorShapeProto.Dimension.newBuilder().setDimValue(size)).build();
        return ValueInfoProto.newBuilder().setName(name).setType(TypeProto.newBuilder().setTensorType(
                TypeProto.Tensor.newBuilder().setElemType(TensorProto.DataType.FLOAT_VALUE).setShape(shape))).build();
    }

    private static TensorProto uniform(String name, long[] dims, int fanIn, Random random) {
        int count = (int) TensorTypes.elementCount(dims);
        ByteBuffer bytes = ByteBuffer.allocate(count * 4).order(ByteOrder.LITTLE_ENDIAN);
        double bound = 1 / Math.sqrt(fanIn);
        for (int i = 0; i < count; i++) {
            bytes.putFloat(i * 4, (float) ((2 * random.nextDouble() - 1) * bound));
        }
        return TensorTypes.tensor(name, TensorProto.DataType.FLOAT_VALUE, dims, bytes);
    }

    /** Column means of the feature columns (all but the last, the label) of a CSV file. */
    private static double[][] meanAndStd(Path csv) throws Exception {
        List<double[]> rows = new ArrayList<>();
        for (String line : Files.readAllLines(csv).subList(1, Files.readAllLines(csv).size())) {
            String[] cells = line.split(",");
            double[] row = new double[FEATURES];
            for (int j = 0; j < FEATURES; j++) {
                row[j] = Double.parseDouble(cells[j]);
            }
            rows.add(row);
        }
        double[] mean = new double[FEATURES];
        double[] std = new double[FEATURES];
        for (double[] r : rows) {
            for (int j = 0; j < FEATURES; j++) {
                mean[j] += r[j] / rows.size();
            }
        }
        for (double[] r : rows) {
            for (int j = 0; j < FEATURES; j++) {
                std[j] += (r[j] - mean[j]) * (r[j] - mean[j]) / rows.size();
            }
        }
        for (int j = 0; j < FEATURES; j++) {
            std[j] = Math.sqrt(std[j]);
        }
        return new double[][] {mean, std};
    }

    @Test
    void rawFeaturesTrainBadlyAndNormalizationIsFittedOnTrainingDataAndBakedIntoTheModel() throws Exception {
        Path model = Files.write(tmp.resolve("mlp.onnx"), mlp().toByteArray());
        Path train = Scenario.csvRows(DATA, tmp.resolve("train.csv"), (row, label) -> row % 10 < 7);
        Path val = Scenario.csvRows(DATA, tmp.resolve("val.csv"), (row, label) -> row % 10 >= 7);
        String[] common = {"--model", model.toString(), "--train", train.toString(), "--val", val.toString(),
                "--epochs", "10", "--lr", "0.01"};

        Path raw = tmp.resolve("raw");
        fineTune(raw, common);
        Path standard = tmp.resolve("standard");
        fineTune(standard, Scenario.concat(common, "--normalize", "standard"));

        double[] rawLoss = perEpoch(raw, "val_loss");
        double[] stdLoss = perEpoch(standard, "val_loss");
        double[] rawAccuracy = perEpoch(raw, "val_accuracy");
        double[] stdAccuracy = perEpoch(standard, "val_accuracy");
        double rawInitial = Scenario.evaluate(model, val).loss();
        assertTrue(rawInitial > 5, "raw features of up to 2500 put the untrained logits far off: " + rawInitial);
        assertTrue(stdAccuracy[9] > 0.95, "standardized features train well: " + stdAccuracy[9]);
        assertTrue(stdAccuracy[9] > rawAccuracy[9] + 0.03, "better than raw: " + rawAccuracy[9] + " vs " + stdAccuracy[9]);
        assertTrue(min(stdLoss) < 0.5 * min(rawLoss), "best val_loss " + min(rawLoss) + " raw vs " + min(stdLoss));
        // raw, the validation loss swings from epoch to epoch; standardized, it settles
        var rawFindings = Scenario.findings(Scenario.cli("diagnose", raw.toString()).ok().out());
        assertTrue(rawFindings.contains("oscillation"), rawFindings.toString());
        assertFalse(Scenario.findings(Scenario.cli("diagnose", standard.toString()).ok().out()).contains("oscillation"));

        // the statistics come from the training split, not from all the data
        var fitted = runJson(standard).path("data").path("normalization").get(0);
        assertEquals("features", fitted.path("input").asText());
        assertEquals("standard", runJson(standard).path("config").path("data").path("normalize").asText());
        double[][] trainStats = meanAndStd(train);
        double[][] allStats = meanAndStd(DATA);
        double[] offset = Scenario.doubles(fitted.path("offset"));
        double[] scale = Scenario.doubles(fitted.path("scale"));
        boolean differsFromAll = false;
        for (int j = 0; j < FEATURES; j++) {
            assertEquals(trainStats[0][j], offset[j], 1e-5 * Math.abs(trainStats[0][j]) + 1e-7, "mean of feature " + j);
            assertEquals(trainStats[1][j], scale[j], 1e-4 * trainStats[1][j], "std of feature " + j);
            differsFromAll |= Math.abs(allStats[0][j] - offset[j]) > 1e-3 * Math.abs(allStats[0][j]);
        }
        assertTrue(differsFromAll, "the validation rows did not enter the statistics");

        // the exported model starts with the normalization and takes raw features
        Path exported = standard.resolve("model.onnx");
        GraphProto graph = OnnxModel.load(exported).proto().getGraph();
        List<String> ops = graph.getNodeList().stream().map(NodeProto::getOpType).toList();
        assertEquals(List.of("Constant", "Constant", "Sub", "Div"), ops.subList(0, 4), ops.toString());
        assertEquals("features", graph.getNode(2).getInput(0), "Sub reads the raw input");
        assertEquals("features", graph.getInput(0).getName());
        var onRaw = Scenario.evaluate(exported, val);
        assertEquals(stdAccuracy[9], onRaw.accuracy(), 1e-12, "raw CSV through the exported model = training's view");
        assertEquals(stdLoss[9], onRaw.loss(), 1e-4);
    }

    private static double min(double[] values) {
        return java.util.Arrays.stream(values).min().orElseThrow();
    }
}
