package dev.trainer.cli;

import dev.trainer.config.Augmentation;
import dev.trainer.config.ClassWeights;
import dev.trainer.config.Device;
import dev.trainer.config.DistributedMode;
import dev.trainer.config.HeadSpec;
import dev.trainer.config.ImageNormalization;
import dev.trainer.config.ImageSize;
import dev.trainer.config.LoraSpec;
import dev.trainer.config.LossKind;
import dev.trainer.config.LrGroup;
import dev.trainer.config.LrSchedule;
import dev.trainer.config.NonFinitePolicy;
import dev.trainer.config.NormalizeMethod;
import dev.trainer.config.OptimizerKind;
import dev.trainer.config.ParameterPattern;
import dev.trainer.config.Penalty;
import dev.trainer.config.RecomputeMode;
import dev.trainer.config.RuntimeApi;
import dev.trainer.config.SamplerKind;
import dev.trainer.config.Sink;
import dev.trainer.config.StoppingMetric;
import java.util.Set;
import java.util.function.Function;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * Option values as users type them, read by the configuration's own parsers: a typo fails while
 * the command line is parsed, with the parser's one-line message, before any model is read.
 */
final class Converters {

    private Converters() {
    }

    /** A converter that calls a configuration parser, its IllegalArgumentException becoming picocli's. */
    private abstract static class Parsed<T> implements ITypeConverter<T> {
        private final Function<String, T> parse;

        Parsed(Function<String, T> parse) {
            this.parse = parse;
        }

        @Override
        public T convert(String value) {
            try {
                return parse.apply(value);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }

    static final class Loss extends Parsed<LossKind> {
        Loss() {
            super(LossKind::parse);
        }
    }

    static final class Optimizer extends Parsed<OptimizerKind> {
        Optimizer() {
            super(OptimizerKind::parse);
        }
    }

    static final class Schedule extends Parsed<LrSchedule> {
        Schedule() {
            super(LrSchedule::parse);
        }
    }

    static final class Group extends Parsed<LrGroup> {
        Group() {
            super(LrGroup::parse);
        }
    }

    static final class L1 extends Parsed<Penalty> {
        L1() {
            super(v -> Penalty.parse("--l1", v));
        }
    }

    static final class L2 extends Parsed<Penalty> {
        L2() {
            super(v -> Penalty.parse("--l2", v));
        }
    }

    static final class Weights extends Parsed<ClassWeights> {
        Weights() {
            super(ClassWeights::parse);
        }
    }

    static final class Sampler extends Parsed<SamplerKind> {
        Sampler() {
            super(SamplerKind::parse);
        }
    }

    static final class Augment extends Parsed<Augmentation> {
        Augment() {
            super(Augmentation::parse);
        }
    }

    static final class Normalize extends Parsed<NormalizeMethod> {
        Normalize() {
            super(NormalizeMethod::parse);
        }
    }

    static final class OnNonFinite extends Parsed<NonFinitePolicy> {
        OnNonFinite() {
            super(NonFinitePolicy::parse);
        }
    }

    static final class Metric extends Parsed<StoppingMetric> {
        Metric() {
            super(StoppingMetric::parse);
        }
    }

    static final class Size extends Parsed<ImageSize> {
        Size() {
            super(ImageSize::parse);
        }
    }

    static final class ImageNormalize extends Parsed<ImageNormalization> {
        ImageNormalize() {
            super(ImageNormalization::parse);
        }
    }

    static final class ReportTo extends Parsed<Set<Sink>> {
        ReportTo() {
            super(Sink::parseList);
        }
    }

    static final class Head extends Parsed<HeadSpec> {
        Head() {
            super(HeadSpec::parse);
        }
    }

    static final class Freeze extends Parsed<ParameterPattern> {
        Freeze() {
            super(v -> ParameterPattern.parse("--freeze", v));
        }
    }

    static final class TrainOnly extends Parsed<ParameterPattern> {
        TrainOnly() {
            super(v -> ParameterPattern.parse("--train-only", v));
        }
    }

    static final class Lora extends Parsed<LoraSpec> {
        Lora() {
            super(LoraSpec::parse);
        }
    }

    static final class LoraTarget extends Parsed<ParameterPattern> {
        LoraTarget() {
            super(v -> ParameterPattern.parse("--lora-target", v));
        }
    }

    static final class LoraAlso extends Parsed<ParameterPattern> {
        LoraAlso() {
            super(v -> ParameterPattern.parse("--lora-also", v));
        }
    }

    static final class Distributed extends Parsed<DistributedMode> {
        Distributed() {
            super(DistributedMode::parse);
        }
    }

    static final class Devices extends Parsed<Device> {
        Devices() {
            super(Device::parse);
        }
    }

    static final class Api extends Parsed<RuntimeApi> {
        Api() {
            super(RuntimeApi::parse);
        }
    }

    static final class Recompute extends Parsed<RecomputeMode> {
        Recompute() {
            super(RecomputeMode::parse);
        }
    }
}
