package dev.trainer.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Every option value's spec reads back as the same value, and bad ones fail in one line naming the option. */
class OptionValueTest {

    private static <T extends OptionValue> void roundTrips(Function<String, T> parse, T value) {
        assertEquals(value, parse.apply(value.spec()), value.spec());
    }

    @Test
    void schedulesRoundTrip() {
        for (LrSchedule s : List.of(new LrSchedule.Constant(), new LrSchedule.StepDecay(30, 0.5),
                new LrSchedule.Exponential(0.99), new LrSchedule.Cosine(1e-5), new LrSchedule.CosineRestarts(10, 2, 0.001),
                new LrSchedule.OneCycle(null), new LrSchedule.OneCycle(0.1), new LrSchedule.Plateau(0.5, 3))) {
            roundTrips(LrSchedule::parse, s);
        }
        assertEquals(new LrSchedule.StepDecay(30, 0.1), LrSchedule.parse("step:30"));
        assertEquals(new LrSchedule.Plateau(0.1, 10), LrSchedule.parse("plateau"));
        assertEquals(new LrSchedule.OneCycle(0.5), LrSchedule.parse(" One-Cycle:0.5 "));
    }

    @Test
    void theOtherValuesRoundTrip() {
        for (Warmup w : List.of(Warmup.NONE, new Warmup.Steps(100), new Warmup.Ratio(0.05))) {
            roundTrips(Warmup::parse, w);
        }
        for (ClassWeights w : List.of(new ClassWeights.Auto(), new ClassWeights.Inverse(), new ClassWeights.Effective(0.99),
                new ClassWeights.Explicit(List.of(1.0, 0.25)))) {
            roundTrips(ClassWeights::parse, w);
        }
        roundTrips(LrGroup::parse, LrGroup.parse("encoder.**=X0.1"));
        roundTrips(LrGroup::parse, LrGroup.parse("classifier=1e-3"));
        roundTrips(s -> Penalty.parse("--l2", s), Penalty.parse("--l2", "2e-4"));
        roundTrips(s -> Penalty.parse("--l2", s), Penalty.parse("--l2", "encoder.layer.0=0.5"));
        roundTrips(Device::parse, new Device("cuda", 3));
        roundTrips(Device::parse, Device.CPU);
        for (OptimizerKind k : OptimizerKind.values()) {
            roundTrips(OptimizerKind::parse, k);
        }
        for (SamplerKind k : SamplerKind.values()) {
            roundTrips(SamplerKind::parse, k);
        }
        for (StoppingMetric m : StoppingMetric.values()) {
            roundTrips(StoppingMetric::parse, m);
        }
        assertEquals(LossKind.CROSS_ENTROPY, LossKind.parse("cross-entropy"));
        assertEquals(OptimizerKind.ADAMW, OptimizerKind.parse(" AdamW "));
        assertEquals(new Warmup.Steps(50), Warmup.of(50, 0));
    }

    @ParameterizedTest
    @ValueSource(strings = {"--optimizer:rmsprop", "--loss:hinge", "--sampler:smote", "--best-metric:val_f1",
            "--normalize:zscore", "--device:tpu", "--lr-schedule:cosin", "--class-weights:balanced", "--augment:mixup",
            "--lr-group:fc=fast", "--l1:big", "--head:regress:3", "--report-to:csv,tensorbored", "--best-metric:f2"})
    void badValuesNameTheirOption(String optionAndValue) {
        String option = optionAndValue.substring(0, optionAndValue.indexOf(':'));
        String value = optionAndValue.substring(option.length() + 1);
        Function<String, ?> parse = switch (option) {
            case "--optimizer" -> OptimizerKind::parse;
            case "--loss" -> LossKind::parse;
            case "--sampler" -> SamplerKind::parse;
            case "--best-metric" -> StoppingMetric::parse;
            case "--report-to" -> Sink::parseList;
            case "--normalize" -> NormalizeMethod::parse;
            case "--device" -> Device::parse;
            case "--lr-schedule" -> LrSchedule::parse;
            case "--class-weights" -> ClassWeights::parse;
            case "--augment" -> Augmentation::parse;
            case "--lr-group" -> LrGroup::parse;
            case "--l1" -> s -> Penalty.parse("--l1", s);
            default -> HeadSpec::parse;
        };
        String message = assertThrows(IllegalArgumentException.class, () -> parse.apply(value)).getMessage();
        assertTrue(message.startsWith(option + " '" + value + "'"), message);
        assertFalse(message.contains("\n"), message);
    }

    @Test
    void combinationsAreCheckedWhenTheConfigurationIsBuilt() {
        RunConfig plain = RunConfig.defaults(java.nio.file.Path.of("m.onnx"));
        assertEquals("--class-weights, --sampler and --augment smote need a classification loss",
                assertThrows(IllegalArgumentException.class, () -> plain.with(new LossConfig(LossKind.MSE, 0))
                        .with(new BalanceConfig(null, SamplerKind.BALANCED, null, 0))).getMessage());
        assertEquals("--best-metric val_accuracy needs a classification loss (--loss cross-entropy)",
                assertThrows(IllegalArgumentException.class, () -> plain.with(new StoppingConfig(0,
                        StoppingMetric.VAL_ACCURACY, 0)).with(new LossConfig(LossKind.MSE, 0))).getMessage());
        assertEquals("--best-metric val_rmse needs --loss mse", assertThrows(IllegalArgumentException.class,
                () -> plain.with(new StoppingConfig(0, StoppingMetric.parse("rmse"), 0))).getMessage());
        assertEquals("--label-smoothing needs --loss cross-entropy",
                assertThrows(IllegalArgumentException.class, () -> new LossConfig(LossKind.MSE, 0.1)).getMessage());
        assertEquals("--nesterov needs --optimizer momentum with a --momentum above 0",
                assertThrows(IllegalArgumentException.class,
                        () -> OptimizerConfig.DEFAULT.withMomentum(0.9, true)).getMessage());
        assertEquals("give --warmup-steps or --warmup-ratio, not both",
                assertThrows(IllegalArgumentException.class, () -> Warmup.of(10, 0.1)).getMessage());
        assertEquals("--normalize, --augment and --mixup work on tabular data (CSV or NPZ features), not on text",
                assertThrows(IllegalArgumentException.class, () -> plain.with(new DataConfig(java.nio.file.Path.of("t.jsonl"),
                        null, 0, "label", null, NormalizeMethod.STANDARD))).getMessage());
    }
}
