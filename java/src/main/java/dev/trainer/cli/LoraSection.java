package dev.trainer.cli;

import dev.trainer.config.LoraConfig;
import dev.trainer.config.LoraSpec;
import dev.trainer.config.ParameterPattern;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/** LoRA adapters: low-rank updates beside the pre-trained weights, which stay frozen. */
final class LoraSection implements OptionSection {

    @Option(names = "--lora", paramLabel = "R[:ALPHA[:DROPOUT]]", converter = Converters.Lora.class,
            description = "Train rank-R adapters beside the frozen target weights (ALPHA: R and DROPOUT: 0 by default).")
    LoraSpec lora;

    @Option(names = "--lora-target", arity = "1..*", paramLabel = "PATTERN", converter = Converters.LoraTarget.class,
            description = "Globs on the weights to adapt (default: the transformer layers' projections).")
    List<ParameterPattern> targets = new ArrayList<>();

    @Option(names = "--lora-also", arity = "1..*", paramLabel = "PATTERN", converter = Converters.LoraAlso.class,
            description = "Also train these in full (a new --head always does).")
    List<ParameterPattern> alsoTrain = new ArrayList<>();

    @Option(names = "--export-adapters", description = "Also write DIR/adapters.onnx (see trainer merge).")
    boolean exportAdapters;

    @Override
    public String heading() {
        return "LoRA adapters";
    }

    LoraConfig toConfig() {
        return new LoraConfig(lora, targets, alsoTrain, exportAdapters);
    }
}
