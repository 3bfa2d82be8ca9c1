package dev.trainer.train.step;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.trainer.config.BalanceConfig;
import dev.trainer.config.DataConfig;
import dev.trainer.config.FreezingConfig;
import dev.trainer.config.LoopConfig;
import dev.trainer.config.LossConfig;
import dev.trainer.config.LossKind;
import dev.trainer.config.LrSchedule;
import dev.trainer.config.ModelConfig;
import dev.trainer.config.OptimizerConfig;
import dev.trainer.config.OptimizerKind;
import dev.trainer.config.Penalty;
import dev.trainer.config.RegularizationConfig;
import dev.trainer.config.RunConfig;
import dev.trainer.config.RuntimeConfig;
import dev.trainer.config.ScheduleConfig;
import dev.trainer.config.StoppingConfig;
import dev.trainer.config.StoppingMetric;
import dev.trainer.config.Warmup;
import dev.trainer.data.Batch;
import dev.trainer.data.BatchAssembler;
import dev.trainer.data.Dataset;
import dev.trainer.data.Datasets;
import dev.trainer.data.Task;
import dev.trainer.data.augment.Mix;
import dev.trainer.distributed.SingleProcess;
import dev.trainer.events.StepEvent;
import dev.trainer.events.TrainingEvent;
import dev.trainer.kernels.NativeKernels;
import dev.trainer.runtime.CapiRuntime;
import dev.trainer.runtime.DeviceStandIn;
import dev.trainer.runtime.HostPlacement;
import dev.trainer.runtime.ParameterBuffer;
import dev.trainer.runtime.TrainingRuntime;
import dev.trainer.run.ModelExport;
import dev.trainer.train.loop.Listeners;
import dev.trainer.train.loop.PreparedData;
import dev.trainer.train.loop.TrainingLoop;
import java.lang.foreign.Arena;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * The device code path of a training step, run on the CPU: the same {@link TrainingStep} on a
 * {@link DeviceStandIn} (host memory that plays a GPU: the flat buffers, the optimizer's moments,
 * the snapshot and the labels live apart from the host buffer, and every byte that crosses is
 * counted) against the host path. With the same kernels on both, every number must agree bit
 * for bit, and a step must send only its batch (inputs and labels, and mixup's partner labels)
 * and receive nothing: the host copy of the parameters is brought up to date only when read.
 */
class DevicePathTest {

    private static final Path DIGITS = Path.of("../models/digits");
    private static final Path FIXTURES = Path.of("src/test/resources/fixtures");

    /** Every feature a step has: AdamW with decay, clipping, L1 and L2, smoothing, class weights, mixup, statistics, unfreezing. */
    @Test
    void aClassifierStepsAsOnTheHost() {
        RunConfig config = RunConfig.defaults(DIGITS.resolve("model.onnx"))
                .with(new LossConfig(LossKind.CROSS_ENTROPY, 0.1))
                .with(OptimizerConfig.DEFAULT.with(OptimizerKind.ADAMW, 0.003).withWeightDecay(0.01).withMaxGradNorm(0.5))
                .with(new RegularizationConfig(List.of(new Penalty(null, 1e-4)), List.of(new Penalty(null, 1e-3)), false))
                .with(new FreezingConfig(List.of(), List.of(), 0, 1))
                .with(new RuntimeConfig(RuntimeConfig.DEFAULT.device(), 1));
        compare(config, DIGITS.resolve("train.csv"), Task.CLASSIFICATION, true);
    }

    @Test
    void aRegressionStepsAsOnTheHost() {
        RunConfig config = RunConfig.defaults(FIXTURES.resolve("mse_mlp/model.onnx"))
                .with(new LossConfig(LossKind.MSE, 0))
                .with(OptimizerConfig.DEFAULT.with(OptimizerKind.MOMENTUM, 0.01).withMomentum(0.9, true))
                .with(new RuntimeConfig(RuntimeConfig.DEFAULT.device(), 1));
        compare(withoutDropout(config), FIXTURES.resolve("mse_mlp/train.npz"), Task.REGRESSION, false);
    }

    /** Active Dropout (a seeded generator in each session) and a transformer's stash. */
    @Test
    void aTransformerWithDropoutStepsAsOnTheHost() {
        RunConfig config = RunConfig.defaults(FIXTURES.resolve("bert_tiny_export_style/model.onnx"))
                .with(OptimizerConfig.DEFAULT.with(OptimizerKind.ADAM, 1e-3))
                .with(new RuntimeConfig(RuntimeConfig.DEFAULT.device(), 1));
        compare(config, FIXTURES.resolve("bert_tiny_export_style/train.npz"), Task.CLASSIFICATION, false);
    }

    /**
     * A whole loop: validation split, gradual unfreezing, mixup, a schedule, statistics and
     * validation every few steps, early stopping that keeps and restores its best checkpoint;
     * the same events (but the step times), outcome and exported model.
     */
    @Test
    void aWholeLoopTrainsAsOnTheHost() {
        RunConfig config = RunConfig.defaults(DIGITS.resolve("model.onnx"))
                .with(new DataConfig(DIGITS.resolve("train.csv"), null, 0.2, "label", null, null))
                .with(new LoopConfig(4, 32, 1, 0, true, 7, 10, 5))
                .with(OptimizerConfig.DEFAULT.with(OptimizerKind.ADAM, 0.01).withMaxGradNorm(1))
                .with(new ScheduleConfig(LrSchedule.parse("cosine"), Warmup.NONE))
                .with(new BalanceConfig(null, null, null, 0.2))
                .with(new StoppingConfig(1, StoppingMetric.VAL_ACCURACY, 0))
                .with(new FreezingConfig(List.of(), List.of(), 0, 1))
                .with(new RuntimeConfig(RuntimeConfig.DEFAULT.device(), 1));
        NativeKernels kernels = NativeKernels.instance();
        Run host = Run.of(config, new CapiRuntime(new HostPlacement(kernels)));
        Run placed = Run.of(config, new CapiRuntime(new DeviceStandIn(kernels)));
        assertEquals(host.outcome(), placed.outcome());
        assertTrue(host.outcome().bestEpoch() > 0, "early stopping restored a checkpoint");
        assertEquals(host.events(), placed.events());
        assertArrayEquals(host.model(), placed.model());
    }

    /** What a loop left: its outcome, its events with the step times zeroed, the exported model's bytes. */
    private record Run(TrainingLoop.Outcome outcome, List<TrainingEvent> events, byte[] model) {
        static Run of(RunConfig config, TrainingRuntime runtime) {
            TrainingModel model = TrainingModel.of(config);
            Listeners listeners = new Listeners(List.of());
            try (TrainingStep step = TrainingStep.open(model, config, runtime); Arena arena = Arena.ofConfined()) {
                PreparedData data = PreparedData.prepare(config, step.session().inputs(), step.session().outputType(),
                        null, null, listeners::note);
                TrainingLoop.Outcome outcome;
                try (TrainingLoop loop = new TrainingLoop(config, step, data, listeners, NativeKernels.instance(),
                        new SingleProcess(), arena, null)) {
                    outcome = loop.run();
                }
                byte[] exported = ModelExport.trained(model.exported(), step.parameters(), Map.of()).proto().toByteArray();
                List<TrainingEvent> events = listeners.events().stream().map(e -> e instanceof StepEvent s
                        ? new StepEvent(s.epoch(), s.step(), s.loss(), s.lr(), s.momentum(), 0, s.samples()) : e).toList();
                return new Run(outcome, events, exported);
            }
        }
    }

    private static void compare(RunConfig config, Path data, Task task, boolean everyFeature) {
        NativeKernels kernels = NativeKernels.instance();
        DeviceStandIn device = new DeviceStandIn(kernels);
        TrainingModel model = TrainingModel.of(config);
        try (TrainingStep host = TrainingStep.open(model, config, new CapiRuntime(new HostPlacement(kernels)));
             TrainingStep placed = TrainingStep.open(model, config, new CapiRuntime(device));
             Arena arena = Arena.ofConfined()) {
            Dataset train = Datasets.read(data, host.session().inputs(), task, "label");
            BatchAssembler assembler = new BatchAssembler(train, 16, arena);
            if (everyFeature) {
                double[] weights = IntStream.range(0, 10).mapToDouble(c -> 0.5 + c / 10.0).toArray();
                host.weighClasses(weights);
                placed.weighClasses(weights);
            }
            for (int s = 0; s < 6; s++) {
                if (everyFeature && s == 3) {
                    List<String> more = model.selection().trainableAt(2);
                    host.retrain(more);
                    placed.retrain(more);
                }
                int first = 16 * s;
                Batch batch = assembler.assemble(IntStream.range(0, 16).map(i -> (first + i) % train.size()).toArray());
                Mix mix = everyFeature && s % 2 == 1 ? new Mix(0.3, IntStream.range(0, 16).map(i -> 15 - i).toArray()) : null;
                long in = device.bytesIn();
                long out = device.bytesOut();
                StepResult expected = host.run(batch, mix, 0.003, Double.NaN, true, s + 1);
                StepResult actual = placed.run(batch, mix, 0.003, Double.NaN, true, s + 1);
                assertEquals(expected, actual, "step " + s);
                assertEquals(batch.inputAndLabelBytes() * (mix == null ? 1 : 2) - inputBytesIfMixed(batch, mix),
                        device.bytesIn() - in, "step " + s + " sends its batch and nothing else");
                assertEquals(0, device.bytesOut() - out, "step " + s + " reads nothing back");
            }
            assertSameParameters(host.parameters(), placed.parameters(), device);
            Batch last = assembler.assemble(IntStream.range(0, 16).toArray());
            for (TrainingStep step : List.of(host, placed)) {
                step.zeroGradients();
                step.accumulate(last, null);
            }
            assertSameParameters(host.parameters(), placed.parameters(), device);
            for (TrainingStep step : List.of(host, placed)) {
                step.clipGradients();
                step.apply(0.003, Double.NaN);
            }
            assertSameParameters(host.parameters(), placed.parameters(), device);
            assertEquals(host.optimizerState().keySet(), placed.optimizerState().keySet());
            host.optimizerState().forEach((name, state) -> {
                var other = placed.optimizerState().get(name);
                assertArrayEquals(state.first(), other.first(), name);
                assertArrayEquals(state.second(), other.second(), name);
                assertEquals(state.steps(), other.steps(), name);
            });
        }
    }

    /** The host copy, read after a change: one copy of both buffers, then current without another. */
    private static void assertSameParameters(ParameterBuffer host, ParameterBuffer copy, DeviceStandIn device) {
        long out = device.bytesOut();
        for (ParameterBuffer.Slot slot : host.slots()) {
            assertArrayEquals(host.get(slot.name()), copy.get(slot.name()), slot.name());
            assertArrayEquals(host.gradients(slot.name()).toArray(ValueLayout.JAVA_FLOAT),
                    copy.gradients(slot.name()).toArray(ValueLayout.JAVA_FLOAT), slot.name());
        }
        assertEquals(2 * copy.length() * Float.BYTES, device.bytesOut() - out, "one copy of values and gradients");
        assertTrue(host.parameterCount() > 0);
    }


    /** A mixed batch sends its labels twice (its own and its partners'), its inputs once. */
    private static long inputBytesIfMixed(Batch batch, Mix mix) {
        return mix == null ? 0 : batch.inputAndLabelBytes() - batch.labels().data().remaining();
    }

    private static RunConfig withoutDropout(RunConfig config) {
        ModelConfig m = config.model();
        return config.with(new ModelConfig(m.file(), m.output(), m.head(), m.replaceHead(), false, m.traps()));
    }
}
