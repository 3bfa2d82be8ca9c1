package dev.trainer.cli;

import dev.trainer.config.LossConfig;
import dev.trainer.config.ModelConfig;
import dev.trainer.config.RunConfig;
import picocli.CommandLine.Mixin;

/** The options of a training run, shared by fine-tune, cv and lr-find, in their help sections. */
final class TrainingOptions {

    @Mixin
    DataSection data;

    @Mixin
    LoopSection loop;

    @Mixin
    OptimizerSection optimizer;

    @Mixin
    BalanceSection balance;

    @Mixin
    StoppingSection stopping;

    @Mixin
    FreezingSection freezing;

    @Mixin
    LoraSection lora;

    @Mixin
    HeadSection heads;

    @Mixin
    GraphTrapSection traps;

    @Mixin
    ImageSection images;

    @Mixin
    ReportingSection reporting;

    @Mixin
    RecoverySection recovery;

    /**
     * The run's configuration, checked whole.
     *
     * @throws IllegalArgumentException for values that do not go together, naming the options
     */
    RunConfig toConfig() {
        return new RunConfig(
                new ModelConfig(data.model, data.loss.output, heads.head, heads.replaceHead, !loop.noDropout,
                        traps.toConfig()),
                data.toConfig(), heads.text.toConfig(), images.toConfig(),
                new LossConfig(data.loss.loss, stopping.labelSmoothing), loop.toConfig(), optimizer.toConfig(),
                optimizer.schedule(), optimizer.regularization(), balance.toConfig(), stopping.toConfig(),
                reporting.toConfig(), freezing.toConfig(), lora.toConfig(), loop.runtime(), recovery.toConfig());
    }
}
