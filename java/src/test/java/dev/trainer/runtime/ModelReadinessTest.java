package dev.trainer.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import dev.trainer.ModelException;
import dev.trainer.badinput.BadModels;
import dev.trainer.cli.Cli;
import dev.trainer.onnx.OnnxModel;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One readiness check: what it finds in each kind of broken model, and that {@code inspect}
 * reports exactly what {@code fine-tune} refuses.
 */
class ModelReadinessTest {

    @TempDir
    Path dir;

    private static List<String> problems(Path model) {
        return ModelReadiness.problems(OnnxModel.load(model), null);
    }

    @Test
    void theShippedModelIsReady() {
        assertEquals(List.of(), problems(BadModels.DIGITS));
    }

    @Test
    void eachProblemIsNamed() {
        assertEquals(List.of("initializer 'fc1.weight' holds NaN (at index 3 of 8192): the model is broken before training;"
                + " export it again from a healthy checkpoint"), problems(BadModels.nonFiniteWeight(dir.resolve("nan.onnx"),
                Float.NaN)));
        assertEquals(List.of("input 'comment' is string; trainer feeds float, double, int64, int32 and bool inputs"),
                problems(BadModels.stringInput(dir.resolve("string.onnx"))));
        assertEquals(List.of("output 'class' is int64; trainer trains a float32 output"),
                problems(BadModels.integerOutput(dir.resolve("int.onnx"))));
        assertEquals(List.of("the model has no trainable parameters: no floating-point initializers (weights held in"
                + " Constant nodes are not trained)"), problems(BadModels.noInitializers(dir.resolve("constants.onnx"))));
    }

    @Test
    void everyProblemIsListedAndTheFirstIsTheOneRefused() {
        ModelProto m = OnnxModel.load(BadModels.stringInput(dir.resolve("string.onnx"))).proto();
        ModelProto nan = OnnxModel.load(BadModels.nonFiniteWeight(dir.resolve("nan.onnx"), Float.POSITIVE_INFINITY)).proto();
        GraphProto both = m.getGraph().toBuilder().clearInitializer().addAllInitializer(nan.getGraph().getInitializerList())
                .build();
        OnnxModel model = OnnxModel.of(m.toBuilder().setGraph(both).build());

        List<String> problems = ModelReadiness.problems(model, null);
        ModelException refused = assertThrows(ModelException.class, () -> ModelReadiness.require(model, null));

        assertEquals(2, problems.size(), problems.toString());
        assertTrue(problems.get(1).startsWith("initializer 'fc1.weight' holds Infinity"), problems.toString());
        assertEquals(problems.getFirst(), refused.getMessage());
    }

    @Test
    void anOutputTheLossWouldReadIsNamedByTheCaller() {
        OnnxModel model = OnnxModel.load(BadModels.DIGITS);

        assertEquals(List.of("the model has no output named 'probabilities' (outputs: logits)"),
                ModelReadiness.problems(model, "probabilities"));
    }

    /** Issue 8, defect 10: inspect said "ready" for models fine-tune refused. */
    @Test
    void inspectReportsWhatFineTuneRefuses() {
        for (Path model : List.of(BadModels.stringInput(dir.resolve("string.onnx")),
                BadModels.noInitializers(dir.resolve("constants.onnx")),
                BadModels.integerOutput(dir.resolve("int.onnx")),
                BadModels.nonFiniteWeight(dir.resolve("nan.onnx"), Float.NaN))) {
            Cli.Outcome inspect = Cli.run("inspect", "--model", model.toString());
            Cli.Outcome fineTune = Cli.run("fine-tune", "--model", model.toString(), "--train", "../models/digits/train.csv",
                    "--out", dir.resolve("run").toString());

            String verdict = inspect.out().lines().filter(l -> l.startsWith("training: ")).findFirst().orElseThrow();
            String refusal = fineTune.err().strip().substring("trainer: error: ".length());
            assertEquals(0, inspect.code(), inspect.err());
            assertEquals(2, fineTune.code(), fineTune.err());
            assertEquals("training: blocked: " + refusal, verdict);
        }
    }
}
