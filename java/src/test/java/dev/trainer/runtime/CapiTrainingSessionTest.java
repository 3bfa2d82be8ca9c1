package dev.trainer.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trainer.data.Batch;
import dev.trainer.data.BatchAssembler;
import dev.trainer.data.Dataset;
import dev.trainer.data.Datasets;
import dev.trainer.data.ElementType;
import dev.trainer.data.Feature;
import dev.trainer.data.Labels;
import dev.trainer.data.Task;
import dev.trainer.kernels.Kernels;
import dev.trainer.onnx.OnnxModel;
import dev.trainer.config.LossKind;
import dev.trainer.config.RecomputeMode;
import dev.trainer.train.step.Losses;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The C-API runtime against the ORT Java runtime on every training fixture and the digits demo:
 * the same batch through both, then three SGD steps on each side's own buffers, must give equal
 * losses, gradients and predictions bit for bit (both run the same graphs on ORT's CPU provider,
 * on one thread, so any difference is a binding error: a wrong value fed, a stale stash, a
 * gradient written elsewhere). The export-style BERT runs with its Dropout nodes active.
 */
class CapiTrainingSessionTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @ParameterizedTest
    @ValueSource(strings = {"mlp", "mlp_wide", "cnn", "mse_mlp", "bert_tiny_torchscript", "bert_tiny_opset17",
            "bert_tiny_export_style", "vit_tiny", "digits"})
    void reproducesTheJavaRuntimeBitForBit(String name) throws IOException {
        boolean digits = name.equals("digits");
        Path folder = digits ? Path.of("../models/digits") : Path.of("src/test/resources/fixtures", name);
        JsonNode meta = digits ? JSON.createObjectNode().put("loss", "cross-entropy").put("lr", 0.003)
                .put("dropout_nodes", 0) : JSON.readTree(folder.resolve("fixture.json").toFile());
        LossKind kind = meta.get("loss").asText().equals("mse") ? LossKind.MSE : LossKind.CROSS_ENTROPY;
        OnnxModel model = OnnxModel.load(folder.resolve("model.onnx"));
        String output = model.proto().getGraph().getOutput(0).getName();
        TrainingPlan plan = TrainingPlan.of(model, model.graph().trainableCandidates(), output,
                meta.path("dropout_nodes").asInt() > 0, 7, RecomputeMode.NONE);
        try (TrainingRuntime javaRuntime = new OrtRuntime(new HostPlacement(Kernels.defaultKernels()));
             TrainingRuntime capiRuntime = new CapiRuntime(new HostPlacement(Kernels.defaultKernels()));
             TrainingSession java = javaRuntime.open(plan, 1);
             TrainingSession capi = capiRuntime.open(plan, 1);
             Arena arena = Arena.ofConfined()) {
            assertEquals(java.dropoutActive(), capi.dropoutActive());
            Task task = kind == LossKind.MSE ? Task.REGRESSION : Task.CLASSIFICATION;
            Dataset train = Datasets.read(folder.resolve(digits ? "train.csv" : "train.npz"), java.inputs(), task, "label");
            int rows = Math.min(32, train.size());
            Batch batch = new BatchAssembler(train, rows, arena).assemble(IntStream.range(0, rows).toArray());
            var loss = Losses.of(kind, Kernels.defaultKernels());
            float lr = (float) meta.get("lr").asDouble();
            for (int step = 0; step < 3; step++) {
                double expected = java.step(batch, loss);
                double actual = capi.step(batch, loss);
                assertEquals(expected, actual, "loss at step " + step);
                float[] gradients = floats(java.parameters().gradients());
                assertTrue(IntStream.range(0, gradients.length).anyMatch(i -> gradients[i] != 0), "no gradient");
                assertArrayEquals(gradients, floats(capi.parameters().gradients()), "gradients at step " + step);
                for (TrainingSession s : List.of(java, capi)) {
                    ParameterBuffer p = s.parameters();
                    Kernels.defaultKernels().sgd(p.values(), p.gradients(), MemorySegment.NULL, p.length(), lr, 0, false, 0);
                }
            }
            List<String> outputs = List.of(output);
            assertArrayEquals(java.predict(batch, outputs).get(output), capi.predict(batch, outputs).get(output));
        }
    }

    /** An output whose size only the run reveals is read where ORT allocated it, and gets its gradient. */
    @Test
    void outputsOfRunTimeShapeTrainAsOnTheJavaRuntime() {
        Dataset data = new Dataset("inline", Map.of("x", Feature.ofFloats(ElementType.FLOAT, new long[] {3},
                new float[] {1, 2, 3, -1, 0.5f, 4})), Labels.ofTargets(new long[] {3}, new float[] {1, 1, 1, 0, 0, 0}));
        OnnxModel model = TrainingSessionTest.scaleModel(0.5f);
        TrainingPlan plan = TrainingPlan.of(model, List.of("w"), "y", false, 0, RecomputeMode.NONE);
        try (TrainingRuntime javaRuntime = new OrtRuntime(new HostPlacement(Kernels.defaultKernels()));
             TrainingRuntime capiRuntime = new CapiRuntime(new HostPlacement(Kernels.defaultKernels()));
             TrainingSession java = javaRuntime.open(plan, 0);
             TrainingSession capi = capiRuntime.open(plan, 0);
             Arena arena = Arena.ofConfined()) {
            Batch batch = new BatchAssembler(data, 2, arena).assemble(new int[] {0, 1});
            var loss = Losses.of(LossKind.MSE, Kernels.defaultKernels());
            assertEquals(java.step(batch, loss), capi.step(batch, loss));
            float gradient = capi.parameters().gradients("w").get(ValueLayout.JAVA_FLOAT, 0);
            assertTrue(gradient != 0);
            assertEquals(java.parameters().gradients("w").get(ValueLayout.JAVA_FLOAT, 0), gradient);
        }
    }

    private static float[] floats(MemorySegment segment) {
        return segment.toArray(ValueLayout.JAVA_FLOAT);
    }
}
