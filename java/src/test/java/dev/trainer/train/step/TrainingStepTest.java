package dev.trainer.train.step;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trainer.config.LossConfig;
import dev.trainer.config.LossKind;
import dev.trainer.config.ModelConfig;
import dev.trainer.config.OptimizerConfig;
import dev.trainer.config.OptimizerKind;
import dev.trainer.config.RunConfig;
import dev.trainer.data.Batch;
import dev.trainer.data.BatchAssembler;
import dev.trainer.data.Dataset;
import dev.trainer.data.Datasets;
import dev.trainer.data.ElementType;
import dev.trainer.data.InputSpec;
import dev.trainer.data.Task;
import dev.trainer.kernels.NativeKernels;
import dev.trainer.runtime.ParameterBuffer;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The step's phases on their own: the gradient one {@code accumulate} leaves in the flat buffer is
 * PyTorch's for the same batch, and the phases called one by one are {@code run}.
 */
class TrainingStepTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path FIXTURES = Path.of("src/test/resources/fixtures");

    /**
     * PyTorch's gradient of the first batch's loss for every parameter
     * ({@code grads_step0.npz}, scripts/make_sgd_fixtures.py), against the buffer after one accumulate.
     */
    @ParameterizedTest
    @ValueSource(strings = {"mlp", "cnn", "mse_mlp"})
    void oneAccumulateLeavesPyTorchsGradient(String name) throws IOException {
        Path fixture = FIXTURES.resolve(name);
        JsonNode meta = JSON.readTree(fixture.resolve("fixture.json").toFile());
        LossKind lossKind = LossKind.parse(meta.get("loss").asText());
        RunConfig config = withoutDropout(RunConfig.defaults(fixture.resolve("model.onnx")))
                .with(new LossConfig(lossKind, 0))
                .with(OptimizerConfig.DEFAULT.with(OptimizerKind.SGD, meta.get("lr").asDouble()));

        try (TrainingStep step = TrainingStep.open(TrainingModel.of(config), config, NativeKernels.instance());
             Arena arena = Arena.ofConfined()) {
            Task task = lossKind.classification() ? Task.CLASSIFICATION : Task.REGRESSION;
            Dataset train = Datasets.read(fixture.resolve("train.npz"), step.session().inputs(), task, "label");
            int batchSize = meta.get("batch_size").asInt();
            Batch first = new BatchAssembler(train, batchSize, arena).assemble(IntStream.range(0, batchSize).toArray());

            step.zeroGradients(1);
            BatchLoss loss = step.accumulate(first, null);

            assertEquals(meta.get("losses").get(0).asDouble(), loss.value(), 1e-4 * Math.abs(loss.value()));
            assertEquals(batchSize, loss.samples());
            ParameterBuffer parameters = step.parameters();
            Iterator<Map.Entry<String, JsonNode>> trainable = meta.get("trainable").fields();
            int compared = 0;
            while (trainable.hasNext()) {
                Map.Entry<String, JsonNode> parameter = trainable.next();
                float[] expected = read(fixture.resolve("grads_step0.npz"), parameter.getKey(), parameter.getValue().size());
                float[] ours = parameters.gradients(parameter.getKey()).toArray(ValueLayout.JAVA_FLOAT);
                assertEquals(expected.length, ours.length, parameter.getKey());
                double scale = maxAbs(expected);
                for (int i = 0; i < ours.length; i++) {
                    assertEquals(expected[i], ours[i], 1e-5 + 1e-4 * scale, name + " " + parameter.getKey() + "[" + i + "]");
                }
                compared++;
            }
            assertEquals(parameters.slots().size(), compared, "every trained parameter has PyTorch's gradient");
        }
    }

    @Test
    void thePhasesOneByOneAreTheStep() {
        RunConfig config = RunConfig.defaults(Path.of("../models/digits/model.onnx"))
                .with(OptimizerConfig.DEFAULT.with(OptimizerKind.ADAM, 0.003).withMaxGradNorm(0.5));
        NativeKernels kernels = NativeKernels.instance();
        try (TrainingStep whole = TrainingStep.open(TrainingModel.of(config), config, kernels);
             TrainingStep phased = TrainingStep.open(TrainingModel.of(config), config, kernels);
             Arena arena = Arena.ofConfined()) {
            Dataset train = Datasets.read(Path.of("../models/digits/train.csv"), whole.session().inputs(),
                    Task.CLASSIFICATION, "label");
            BatchAssembler assembler = new BatchAssembler(train, 32, arena);
            for (int s = 0; s < 3; s++) {
                int[] indices = IntStream.range(32 * s, 32 * s + 32).toArray();
                StepResult result = whole.run(assembler.assemble(indices), null, 0.003, Double.NaN, false, s + 1);

                phased.zeroGradients(s + 1);
                BatchLoss loss = phased.accumulate(assembler.assemble(indices), null);
                assertEquals(loss, phased.reduceGradients(), "one process: the step's figures are its batch's");
                double norm = phased.clipGradients();
                phased.apply(0.003, Double.NaN);

                assertTrue(result.applied());
                assertEquals(result.loss().value(), loss.value());
                assertEquals(result.gradientNorm(), norm);
                assertTrue(norm > 0.5, "clipping took part: norm " + norm);
            }
            assertArrayEquals(whole.parameters().values().toArray(ValueLayout.JAVA_FLOAT),
                    phased.parameters().values().toArray(ValueLayout.JAVA_FLOAT));
            assertFalse(whole.optimizerState().isEmpty());
        }
    }

    private static RunConfig withoutDropout(RunConfig config) {
        ModelConfig m = config.model();
        return config.with(new ModelConfig(m.file(), m.output(), m.head(), m.replaceHead(), false, m.traps()));
    }

    /** One float32 array of an npz of {@code rank} dimensions, read through the data layer as a model input. */
    private static float[] read(Path npz, String array, int rank) {
        long[] shape = new long[rank];
        Arrays.fill(shape, -1);
        Dataset d = Datasets.read(npz, List.of(new InputSpec(array, ElementType.FLOAT, shape)),
                Task.CLASSIFICATION, "label", false);
        return d.feature(array).floats();
    }

    private static double maxAbs(float[] values) {
        double max = 0;
        for (float v : values) {
            max = Math.max(max, Math.abs(v));
        }
        return max;
    }
}
