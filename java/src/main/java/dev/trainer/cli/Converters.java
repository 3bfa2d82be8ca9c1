package dev.trainer.cli;

import dev.trainer.config.Augmentation;
import dev.trainer.config.ClassWeights;
import dev.trainer.config.HeadSpec;
import dev.trainer.config.LossKind;
import dev.trainer.config.LrGroup;
import dev.trainer.config.LrSchedule;
import dev.trainer.config.NormalizeMethod;
import dev.trainer.config.OptimizerKind;
import dev.trainer.config.ParameterPattern;
import dev.trainer.config.Penalty;
import dev.trainer.config.SamplerKind;
import dev.trainer.config.StoppingMetric;
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

    private static <T> T parsed(Function<String, T> parse, String value) {
        try {
            return parse.apply(value);
        } catch (IllegalArgumentException e) {
            throw new TypeConversionException(e.getMessage());
        }
    }

    static final class Loss implements ITypeConverter<LossKind> {
        @Override
        public LossKind convert(String value) {
            return parsed(LossKind::parse, value);
        }
    }

    static final class Optimizer implements ITypeConverter<OptimizerKind> {
        @Override
        public OptimizerKind convert(String value) {
            return parsed(OptimizerKind::parse, value);
        }
    }

    static final class Schedule implements ITypeConverter<LrSchedule> {
        @Override
        public LrSchedule convert(String value) {
            return parsed(LrSchedule::parse, value);
        }
    }

    static final class Group implements ITypeConverter<LrGroup> {
        @Override
        public LrGroup convert(String value) {
            return parsed(LrGroup::parse, value);
        }
    }

    static final class L1 implements ITypeConverter<Penalty> {
        @Override
        public Penalty convert(String value) {
            return parsed(v -> Penalty.parse("--l1", v), value);
        }
    }

    static final class L2 implements ITypeConverter<Penalty> {
        @Override
        public Penalty convert(String value) {
            return parsed(v -> Penalty.parse("--l2", v), value);
        }
    }

    static final class Weights implements ITypeConverter<ClassWeights> {
        @Override
        public ClassWeights convert(String value) {
            return parsed(ClassWeights::parse, value);
        }
    }

    static final class Sampler implements ITypeConverter<SamplerKind> {
        @Override
        public SamplerKind convert(String value) {
            return parsed(SamplerKind::parse, value);
        }
    }

    static final class Augment implements ITypeConverter<Augmentation> {
        @Override
        public Augmentation convert(String value) {
            return parsed(Augmentation::parse, value);
        }
    }

    static final class Normalize implements ITypeConverter<NormalizeMethod> {
        @Override
        public NormalizeMethod convert(String value) {
            return parsed(NormalizeMethod::parse, value);
        }
    }

    static final class Metric implements ITypeConverter<StoppingMetric> {
        @Override
        public StoppingMetric convert(String value) {
            return parsed(StoppingMetric::parse, value);
        }
    }

    static final class Head implements ITypeConverter<HeadSpec> {
        @Override
        public HeadSpec convert(String value) {
            return parsed(HeadSpec::parse, value);
        }
    }

    static final class Freeze implements ITypeConverter<ParameterPattern> {
        @Override
        public ParameterPattern convert(String value) {
            return parsed(v -> ParameterPattern.parse("--freeze", v), value);
        }
    }

    static final class TrainOnly implements ITypeConverter<ParameterPattern> {
        @Override
        public ParameterPattern convert(String value) {
            return parsed(v -> ParameterPattern.parse("--train-only", v), value);
        }
    }
}
