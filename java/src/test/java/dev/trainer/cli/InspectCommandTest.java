package dev.trainer.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import dev.trainer.onnx.OnnxModel;
import dev.trainer.onnx.TensorTypes;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code trainer inspect}: a model's interface, parameters, ops, and what would block training. */
class InspectCommandTest {

    private static final Path FIXTURES = Path.of("src/test/resources/fixtures");

    @TempDir
    Path tmp;

    @Test
    void describesTheCnn() {
        Path model = FIXTURES.resolve("cnn/model.onnx");
        Cli.Outcome o = Cli.run("inspect", "--model", model.toString());
        assertEquals(0, o.code(), o.err());
        assertEquals("", o.err());
        String out = o.out();

        assertLine(out, "opset 13, IR version 7, producer pytorch 1.13.0");
        assertLine(out, "  input\\s+float\\[batch, 1, 8, 8\\]");
        assertLine(out, "  logits\\s+float\\[batch, 10\\]");
        List<TensorProto> initializers = OnnxModel.load(model).proto().getGraph().getInitializerList();
        assertEquals(14, initializers.size());
        for (TensorProto t : initializers) {
            boolean statistic = t.getName().contains("running_");
            assertLine(out, "  " + Pattern.quote(t.getName()) + "\\s+float\\s+" + Pattern.quote(
                    java.util.Arrays.toString(TensorTypes.dims(t))) + "\\s+" + TensorTypes.elementCount(t.getDimsList())
                    + (statistic ? "  frozen" : ""));
        }
        assertLine(out, "  bn2.running_var\\s+float\\s+\\[16\\]\\s+16  frozen");
        assertLine(out, "  conv2.weight\\s+float\\s+\\[16, 4, 3, 3\\]\\s+576");
        assertLine(out, "  total: 1370 trainable, 48 frozen");
        for (String op : List.of("AveragePool\\s+1", "BatchNormalization\\s+2", "Conv\\s+2", "Flatten\\s+1", "Gemm\\s+1",
                "MaxPool\\s+1", "Relu\\s+2")) {
            assertLine(out, "  " + op + "  differentiable");
        }
        assertLine(out, "training: ready \\(all 10 parameter tensors differentiable w.r.t. logits\\)");
    }

    @Test
    void namesTheOpThatBlocksTraining() throws Exception {
        Path model = withCoshAfterFirstGemm(FIXTURES.resolve("mlp/model.onnx"), tmp.resolve("cosh.onnx"));
        Cli.Outcome o = Cli.run("inspect", "--model", model.toString());
        assertEquals(0, o.code(), o.err());
        String out = o.out();

        assertLine(out, "  Cosh\\s+1  no gradient rule");
        assertLine(out, "  Gemm\\s+2  differentiable");
        String verdict = out.lines().filter(l -> l.startsWith("training: ")).findFirst().orElseThrow();
        assertTrue(verdict.startsWith("training: blocked: "), verdict);
        assertTrue(verdict.contains("Cosh"), verdict);
        assertTrue(verdict.contains("fc1.weight") && verdict.contains("fc1.bias"), verdict);
        assertTrue(!verdict.contains("fc2."), "fc2 is reachable without the Cosh: " + verdict);
    }

    @Test
    void missingModelIsBadInput() {
        Cli.Outcome o = Cli.run("inspect", "--model", tmp.resolve("absent.onnx").toString());
        assertEquals(2, o.code());
        assertEquals("", o.out());
        assertEquals(1, o.err().strip().lines().count(), o.err());
        assertTrue(o.err().contains("model file not found"), o.err());
    }

    /** The model with {@code y = cos(x)} spliced in after its first Gemm. */
    static Path withCoshAfterFirstGemm(Path source, Path target) throws Exception {
        ModelProto proto = OnnxModel.load(source).proto();
        GraphProto.Builder graph = proto.getGraph().toBuilder();
        int gemm = 0;
        while (!graph.getNode(gemm).getOpType().equals("Gemm")) {
            gemm++;
        }
        String gemmOut = graph.getNode(gemm).getOutput(0);
        for (int i = gemm + 1; i < graph.getNodeCount(); i++) {
            NodeProto.Builder n = graph.getNodeBuilder(i);
            for (int k = 0; k < n.getInputCount(); k++) {
                if (n.getInput(k).equals(gemmOut)) {
                    n.setInput(k, "cos_out");
                }
            }
        }
        graph.addNode(gemm + 1, NodeProto.newBuilder().setOpType("Cosh").setName("the_cosh").addInput(gemmOut).addOutput("cos_out"));
        Files.write(target, proto.toBuilder().setGraph(graph).build().toByteArray());
        return target;
    }

    private static void assertLine(String out, String regex) {
        Pattern p = Pattern.compile(regex);
        assertTrue(out.lines().anyMatch(l -> p.matcher(l).matches()), "no line matching /" + regex + "/ in\n" + out);
    }
}
