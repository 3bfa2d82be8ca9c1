package dev.trainer.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.trainer.autodiff.GradientDistance;
import dev.trainer.config.LossKind;
import dev.trainer.data.BatchAssembler;
import dev.trainer.data.Dataset;
import dev.trainer.data.Datasets;
import dev.trainer.data.ElementType;
import dev.trainer.data.Feature;
import dev.trainer.data.InputSpec;
import dev.trainer.data.Task;
import dev.trainer.kernels.NativeKernels;
import dev.trainer.onnx.OnnxModel;
import dev.trainer.runtime.ParameterBuffer;
import dev.trainer.runtime.TrainingSession;
import dev.trainer.train.step.Losses;
import java.lang.foreign.Arena;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The gradient of every parameter of a whole convolutional network for one batch, against PyTorch
 * autograd in float64 (scripts/make_bench_models.py): trainer's float32 step must agree to a
 * relative 1e-4 per tensor (the norm of the difference over the norm of the reference). The
 * committed fixtures are small networks with every layer kind of ResNet-18 and MobileNetV3; the
 * benchmark models themselves (45 MB, git-ignored) are checked with
 * {@code -Dtrainer.benchModels=build/bench-models} after {@code scripts/make_bench_models.py}.
 */
class PyTorchGradientsTest {

    private static final double TOLERANCE = 1e-4;

    @ParameterizedTest
    @ValueSource(strings = {"resnet_tiny", "mobilenet_tiny"})
    void convNetGradientsMatchPyTorchFloat64(String name) {
        matchesPyTorch(Path.of("src/test/resources/fixtures", name));
    }

    @Test
    @EnabledIfSystemProperty(named = "trainer.benchModels", matches = ".+")
    void benchmarkModelGradientsMatchPyTorchFloat64() {
        Path folder = Path.of(System.getProperty("trainer.benchModels"));
        for (String name : List.of("resnet18", "mobilenetv3")) {
            matchesPyTorch(folder.resolve(name));
        }
    }

    private static void matchesPyTorch(Path fixture) {
        OnnxModel model = OnnxModel.load(fixture.resolve("model.onnx"));
        try (TrainingSession session = TrainingSession.open(model, model.graph().trainableCandidates(), "logits");
             Arena arena = Arena.ofConfined()) {
            ParameterBuffer parameters = session.parameters();
            Path reference = fixture.resolve("gradients.npz");
            int rows = (int) array(reference, "rows", ElementType.INT64, 1).longs()[0];
            Dataset train = Datasets.read(fixture.resolve("train.npz"), session.inputs(), Task.CLASSIFICATION, "label");
            var batch = new BatchAssembler(train, rows, arena).assemble(IntStream.range(0, rows).toArray());
            double loss = session.step(batch, Losses.of(LossKind.CROSS_ENTROPY, NativeKernels.instance()));
            double expectedLoss = array(reference, "loss", ElementType.FLOAT, 1).floats()[0];
            assertEquals(expectedLoss, loss, 1e-5 * expectedLoss, fixture + ": loss");

            double worst = 0;
            String worstName = null;
            for (ParameterBuffer.Slot slot : parameters.slots()) {
                double error = GradientDistance.relative(parameters.gradients(slot.name()).toArray(ValueLayout.JAVA_FLOAT),
                        array(reference, slot.name(), ElementType.FLOAT, slot.shape().length).floats());
                if (error > worst) {
                    worst = error;
                    worstName = slot.name();
                }
            }
            System.out.printf("%s: %d parameter tensors, loss %.6f, worst relative gradient error %.2e (%s)%n",
                    fixture.getFileName(), parameters.slots().size(), loss, worst, worstName);
            assertTrue(worst <= TOLERANCE, fixture + ": gradient of " + worstName + " is " + worst
                    + " off PyTorch's float64 (relative)");
        }
    }

    /** One array of an npz file, read through the data layer as a model input of that rank. */
    private static Feature array(Path npz, String name, ElementType type, int rank) {
        long[] symbolic = new long[Math.max(1, rank)];
        Arrays.fill(symbolic, -1);
        return Datasets.read(npz, List.of(new InputSpec(name, type, symbolic)), Task.CLASSIFICATION, "label", false)
                .feature(name);
    }
}
