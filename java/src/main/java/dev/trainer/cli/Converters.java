package dev.trainer.cli;

import dev.trainer.train.LossKind;
import dev.trainer.train.OptimizerKind;
import java.util.Arrays;
import java.util.stream.Collectors;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** Option values as users type them: lower case, with hyphens. */
final class Converters {

    private Converters() {
    }

    static final class Optimizer implements ITypeConverter<OptimizerKind> {
        @Override
        public OptimizerKind convert(String value) {
            return Arrays.stream(OptimizerKind.values()).filter(k -> k.cliName().equals(value)).findFirst()
                    .orElseThrow(() -> new TypeConversionException("unknown optimizer '" + value + "'; choose "
                            + Arrays.stream(OptimizerKind.values()).map(OptimizerKind::cliName).collect(Collectors.joining(", "))));
        }
    }

    static final class Loss implements ITypeConverter<LossKind> {
        @Override
        public LossKind convert(String value) {
            return Arrays.stream(LossKind.values()).filter(k -> k.cliName().equals(value)).findFirst()
                    .orElseThrow(() -> new TypeConversionException("unknown loss '" + value + "'; choose cross-entropy or mse"));
        }
    }
}
