package dev.trainer.cli;

import dev.trainer.config.FreezingConfig;
import dev.trainer.config.ParameterPattern;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/** Which pre-trained parameters train, and when. */
final class FreezingSection implements OptionSection {

    @Option(names = "--freeze", arity = "1..*", paramLabel = "PATTERN", converter = Converters.Freeze.class,
            description = "Freeze parameters matching these globs.")
    List<ParameterPattern> freeze = new ArrayList<>();

    @Option(names = "--train-only", arity = "1..*", paramLabel = "PATTERN", converter = Converters.TrainOnly.class,
            description = "Train only parameters matching these globs.")
    List<ParameterPattern> trainOnly = new ArrayList<>();

    @Option(names = "--freeze-bottom", paramLabel = "N", description = "Freeze the N lowest layer groups.")
    int freezeBottom;

    @Option(names = "--unfreeze-every", paramLabel = "E",
            description = "Gradual unfreezing: start with the top group, unfreeze one more every E epochs.")
    int unfreezeEvery;

    @Override
    public String heading() {
        return "Pre-trained layers";
    }

    FreezingConfig toConfig() {
        return new FreezingConfig(freeze, trainOnly, freezeBottom, unfreezeEvery);
    }
}
