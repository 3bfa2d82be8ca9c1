package dev.trainer.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trainer.cli.Cli;
import dev.trainer.onnx.ModelWriter;
import dev.trainer.onnx.OnnxModel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A classifier exported with its final Softmax trains with cross-entropy on the Softmax's input,
 * exactly as PyTorch trained the logits, and is exported with its Softmax still in place.
 */
class SoftmaxOutputTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    @Test
    void crossEntropyTrainsTheLogitsUnderAFinalSoftmax() throws Exception {
        Path fixture = Path.of("src/test/resources/fixtures/mlp");
        OnnxModel mlp = OnnxModel.load(fixture.resolve("model.onnx"));
        GraphProto.Builder graph = mlp.proto().getGraph().toBuilder();
        ValueInfoProto logits = graph.getOutput(0);
        graph.clearOutput().addOutput(logits.toBuilder().setName("probabilities"))
                .addNode(NodeProto.newBuilder().setOpType("Softmax").setName("softmax").addInput("logits")
                        .addOutput("probabilities"));
        Path model = tmp.resolve("with-softmax.onnx");
        ModelWriter.write(mlp.withProto(mlp.proto().toBuilder().setGraph(graph).build()), model);

        JsonNode meta = JSON.readTree(fixture.resolve("fixture.json").toFile());
        Path out = tmp.resolve("run");
        Cli.Outcome o = Cli.run("fine-tune", "--model", model.toString(), "--train", fixture.resolve("train.npz").toString(),
                "--out", out.toString(), "--optimizer", "sgd", "--no-shuffle", "--lr", meta.get("lr").asText(),
                "--epochs", meta.get("steps").asText(), "--batch-size", meta.get("batch_size").asText());
        assertEquals(0, o.code(), o.err());
        assertTrue(o.out().contains("the output probabilities is a Softmax: cross-entropy reads its input logits"), o.out());

        List<Double> losses = new ArrayList<>();
        for (String line : Files.readAllLines(out.resolve("metrics.jsonl"))) {
            JsonNode event = JSON.readTree(line);
            if (event.get("event").asText().equals("step")) {
                losses.add(event.get("loss").asDouble());
            }
        }
        for (int i = 0; i < losses.size(); i++) {
            double expected = meta.get("losses").get(i).asDouble();
            assertEquals(expected, losses.get(i), 1e-4 * expected, "PyTorch's loss at step " + (i + 1));
        }
        ModelProto exported = OnnxModel.load(out.resolve("model.onnx")).proto();
        assertEquals(List.of("probabilities"), exported.getGraph().getOutputList().stream().map(ValueInfoProto::getName).toList());
        assertEquals("Softmax", exported.getGraph().getNode(exported.getGraph().getNodeCount() - 1).getOpType());

        // evaluate scores the logits under the Softmax too: PyTorch's loss after the last step
        Cli.Outcome evaluated = Cli.run("evaluate", "--model", out.resolve("model.onnx").toString(),
                "--data", fixture.resolve("train.npz").toString());
        assertEquals(0, evaluated.code(), evaluated.err());
        assertTrue(evaluated.err().contains("cross-entropy reads its input logits"), evaluated.err());
        double loss = evaluated.out().lines().filter(l -> l.startsWith("loss ")).mapToDouble(l -> Double.parseDouble(l.substring(5)))
                .findFirst().orElseThrow();
        double expected = meta.get("loss_after_training").asDouble();
        assertEquals(expected, loss, 1e-4 * expected);
    }
}
