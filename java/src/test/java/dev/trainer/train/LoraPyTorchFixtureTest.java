package dev.trainer.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trainer.config.LoraConfig;
import dev.trainer.config.LoraSpec;
import dev.trainer.config.ModelConfig;
import dev.trainer.config.RunConfig;
import dev.trainer.data.Batch;
import dev.trainer.data.BatchAssembler;
import dev.trainer.data.Dataset;
import dev.trainer.data.Datasets;
import dev.trainer.data.ElementType;
import dev.trainer.data.InputSpec;
import dev.trainer.data.Task;
import dev.trainer.edit.LoraAdapter;
import dev.trainer.kernels.NativeKernels;
import dev.trainer.onnx.OnnxModel;
import dev.trainer.run.ModelExport;
import dev.trainer.runtime.InferenceSession;
import dev.trainer.runtime.ParameterBuffer;
import dev.trainer.train.step.BatchLoss;
import dev.trainer.train.step.TrainingModel;
import dev.trainer.train.step.TrainingStep;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * LoRA against PyTorch (scripts/make_lora_fixtures.py: hand-written adapters on the tiny BERT in
 * both export styles, float64). With the adapters' factors set to the fixture's non-zero values,
 * one accumulate must leave PyTorch's gradient of every A and B, and the merged export must
 * compute the PyTorch model with merged weights, as the adapted training graph does.
 *
 * <p>The references are float64, read as float32 (a rounding of 6e-8, far below the tolerance).
 */
class LoraPyTorchFixtureTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path FIXTURES = Path.of("src/test/resources/fixtures");

    @ParameterizedTest
    @ValueSource(strings = {"bert_tiny_torchscript", "bert_tiny_export_style"})
    void adapterGradientsAndTheMergedExportArePyTorchs(String name) throws IOException {
        Path base = FIXTURES.resolve(name);
        Path fixture = FIXTURES.resolve("lora").resolve(name);
        JsonNode meta = JSON.readTree(fixture.resolve("fixture.json").toFile());
        RunConfig config = RunConfig.defaults(base.resolve("model.onnx"));
        ModelConfig m = config.model();
        config = config.with(new ModelConfig(m.file(), m.output(), null, 0, false, m.traps()))
                .with(LoraConfig.of(new LoraSpec(meta.get("rank").asInt(), meta.get("alpha").asDouble(), 0)));

        try (TrainingStep step = TrainingStep.open(TrainingModel.of(config), config, NativeKernels.instance());
             Arena arena = Arena.ofConfined()) {
            List<LoraAdapter> adapters = step.model().adapters();
            assertEquals(meta.get("targets").size(), adapters.size());
            ParameterBuffer parameters = step.parameters();
            for (int i = 0; i < adapters.size(); i++) {
                JsonNode target = meta.get("targets").get(i);
                LoraAdapter adapter = adapters.get(i);
                assertEquals(target.get("weight").asText(), adapter.weight(), "the default targets are PyTorch's");
                assertEquals(target.get("transposed").asBoolean(), adapter.transposed(), adapter.weight());
                parameters.set(adapter.a(), read(fixture.resolve("factors.npz"), adapter.weight() + "|A"));
                parameters.set(adapter.b(), read(fixture.resolve("factors.npz"), adapter.weight() + "|B"));
            }

            Dataset train = Datasets.read(base.resolve("train.npz"), step.session().inputs(), Task.CLASSIFICATION, "label");
            step.zeroGradients();
            BatchLoss loss = step.accumulate(all(train, arena), null);
            step.reduceGradients();
            assertEquals(meta.get("loss").asDouble(), loss.value(), 1e-5 * loss.value());
            double worst = 0;
            for (LoraAdapter adapter : adapters) {
                for (String factor : List.of("A", "B")) {
                    String slot = factor.equals("A") ? adapter.a() : adapter.b();
                    float[] expected = read(fixture.resolve("grads.npz"), adapter.weight() + "|" + factor);
                    float[] actual = parameters.gradients(slot).toArray(ValueLayout.JAVA_FLOAT);
                    worst = Math.max(worst, relativeError(expected, actual, slot));
                }
            }
            System.out.printf("%s: LoRA factor gradients vs PyTorch float64, worst relative error %.2e%n", name, worst);

            Dataset held = Datasets.read(base.resolve("held.npz"), step.session().inputs(), Task.CLASSIFICATION, "label",
                    false);
            Batch heldBatch = all(held, arena);
            String output = step.model().output();
            float[] adapted = step.session().predict(heldBatch, List.of(output)).get(output);
            OnnxModel merged = ModelExport.trained(step.model().exported(), step.model().trained(), parameters, adapters,
                    Map.of());
            float[] mergedOutputs;
            try (InferenceSession session = new InferenceSession(merged)) {
                mergedOutputs = session.predict(heldBatch, List.of(output)).get(output);
            }
            float[] pytorch = read(fixture.resolve("expected.npz"), "logits_merged");
            for (int i = 0; i < pytorch.length; i++) {
                assertEquals(pytorch[i], mergedOutputs[i], 1e-4, "merged export vs PyTorch, logit " + i);
                assertEquals(adapted[i], mergedOutputs[i], 1e-5, "merged export vs the adapted training graph, logit " + i);
            }
        }
    }

    /**
     * Each element within 1e-4 of the tensor's largest magnitude, and the tensor within 1e-4 in norm.
     *
     * @return the norm-relative error
     */
    private static double relativeError(float[] expected, float[] actual, String name) {
        assertEquals(expected.length, actual.length, name);
        double scale = 0;
        double norm = 0;
        double error = 0;
        for (int i = 0; i < expected.length; i++) {
            scale = Math.max(scale, Math.abs(expected[i]));
            norm += (double) expected[i] * expected[i];
            error += ((double) actual[i] - expected[i]) * ((double) actual[i] - expected[i]);
        }
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], actual[i], 1e-4 * scale, name + "[" + i + "]");
        }
        double relative = Math.sqrt(error / norm);
        assertTrue(relative <= 1e-4, name + ": relative error " + relative);
        return relative;
    }

    private static Batch all(Dataset data, Arena arena) {
        return new BatchAssembler(data, data.size(), arena).assemble(IntStream.range(0, data.size()).toArray());
    }

    /** One array of an npz (float64 or float32), as float32, through the data layer. */
    private static float[] read(Path npz, String array) {
        Dataset d = Datasets.read(npz, List.of(new InputSpec(array, ElementType.FLOAT, new long[] {-1, -1})),
                Task.CLASSIFICATION, "label", false);
        return d.feature(array).floats();
    }
}
