package dev.trainer.cli;

import dev.trainer.config.Augmentation;
import dev.trainer.config.BalanceConfig;
import dev.trainer.config.ClassWeights;
import dev.trainer.config.SamplerKind;
import picocli.CommandLine.Option;

/** Remedies for class imbalance. */
final class BalanceSection implements OptionSection {

    @Option(names = "--class-weights", paramLabel = "auto|inverse|effective:BETA|w0,w1,..", converter = Converters.Weights.class,
            description = "Weight the loss per class.")
    ClassWeights classWeights;

    @Option(names = "--sampler", paramLabel = "balanced|oversample|undersample", converter = Converters.Sampler.class,
            description = "Draw batches to balance the classes.")
    SamplerKind sampler;

    @Option(names = "--augment", paramLabel = "ITEM,..", converter = Converters.Augment.class,
            description = "smote[:K] (tabular); flip, crop[:PAD], rotate:DEG, color:J, erase:P (images).")
    Augmentation augment;

    @Option(names = "--mixup", paramLabel = "ALPHA", description = "Mix pairs of examples, lambda ~ Beta(ALPHA, ALPHA).")
    double mixup;

    @Override
    public String heading() {
        return "Class imbalance and augmentation";
    }

    BalanceConfig toConfig() {
        return new BalanceConfig(classWeights, sampler, augment, mixup);
    }
}
