package dev.trainer.config;

import java.nio.file.Path;

/**
 * Everything a training run needs, as the user gave it: immutable, checked completely when built
 * (each section checks its own values, this record the combinations), so that a bad value fails
 * before any model is read. The command line builds one from its options; the Java API's
 * builders from their calls; {@code run.json} stores it as JSON (its {@code config} object) and
 * reads it back equal.
 *
 * @param images     how image folders become inputs; ignored for other data
 * @param reporting  what each validation reports, and the sinks besides metrics.jsonl
 * @param lora       LoRA adapters to train instead of the weights they sit beside, or {@link LoraConfig#NONE}
 * @param runtime    where the graphs run; the device defaults to the CPU
 * @param recovery   checkpoints and non-finite steps; {@link RecoveryConfig#DEFAULT} when {@code null}
 *                   (a run.json written before the section existed)
 */
public record RunConfig(ModelConfig model, DataConfig data, TextConfig text, ImageConfig images, LossConfig loss,
                        LoopConfig loop, OptimizerConfig optimizer, ScheduleConfig schedule,
                        RegularizationConfig regularization, BalanceConfig balance, StoppingConfig stopping,
                        ReportingConfig reporting, FreezingConfig freezing, LoraConfig lora,
                        RuntimeConfig runtime, RecoveryConfig recovery) {

    /**
     * @throws IllegalArgumentException for a missing section, or options that do not go together
     *         (one line naming them)
     */
    public RunConfig {
        if (recovery == null) {
            recovery = RecoveryConfig.DEFAULT;
        }
        if (model == null || data == null || text == null || images == null || loss == null || loop == null
                || optimizer == null || schedule == null || regularization == null || balance == null
                || stopping == null || reporting == null || freezing == null || lora == null || runtime == null) {
            throw new IllegalArgumentException("every section of a run's configuration is required");
        }
        if (!loss.kind().classification() && (balance.classWeights() != null || balance.sampler() != null
                || balance.augment() != null && balance.augment().smote())) {
            throw new IllegalArgumentException("--class-weights, --sampler and --augment smote need a classification loss");
        }
        if (stopping.metric().classificationOnly() && !loss.kind().classification()) {
            throw new IllegalArgumentException("--best-metric " + stopping.metric().spec()
                    + " needs a classification loss (--loss cross-entropy)");
        }
        if (stopping.metric().regressionOnly() && loss.kind().classification()) {
            throw new IllegalArgumentException("--best-metric " + stopping.metric().spec() + " needs --loss mse");
        }
        if (!loss.kind().classification() && data.sampleWeights() != null) {
            throw new IllegalArgumentException("--sample-weights needs --loss cross-entropy");
        }
        if (data.text() && data.sampleWeights() != null) {
            throw new IllegalArgumentException("--sample-weights works on CSV and NPZ data, not on text");
        }
        if (data.text() && (data.normalize() != null || balance.augment() != null || balance.mixup() > 0)) {
            throw new IllegalArgumentException("--normalize, --augment and --mixup work on tabular data (CSV or NPZ"
                    + " features), not on text");
        }
    }

    /** The defaults for every section, training {@code model}. */
    public static RunConfig defaults(Path model) {
        return new RunConfig(ModelConfig.of(model), DataConfig.DEFAULT, TextConfig.DEFAULT, ImageConfig.DEFAULT,
                LossConfig.DEFAULT, LoopConfig.DEFAULT, OptimizerConfig.DEFAULT, ScheduleConfig.DEFAULT,
                RegularizationConfig.DEFAULT, BalanceConfig.DEFAULT, StoppingConfig.DEFAULT, ReportingConfig.DEFAULT,
                FreezingConfig.DEFAULT, LoraConfig.NONE, RuntimeConfig.DEFAULT,
                RecoveryConfig.DEFAULT);
    }

    /** This configuration with another {@code model} section, checked as a whole again. */
    public RunConfig with(ModelConfig section) {
        return new RunConfig(section, data, text, images, loss, loop, optimizer, schedule, regularization, balance,
                stopping, reporting, freezing, lora, runtime, recovery);
    }

    /** This configuration with another {@code data} section, checked as a whole again. */
    public RunConfig with(DataConfig section) {
        return new RunConfig(model, section, text, images, loss, loop, optimizer, schedule, regularization, balance,
                stopping, reporting, freezing, lora, runtime, recovery);
    }

    /** This configuration with another {@code text} section, checked as a whole again. */
    public RunConfig with(TextConfig section) {
        return new RunConfig(model, data, section, images, loss, loop, optimizer, schedule, regularization, balance,
                stopping, reporting, freezing, lora, runtime, recovery);
    }

    /** This configuration with another {@code images} section, checked as a whole again. */
    public RunConfig with(ImageConfig section) {
        return new RunConfig(model, data, text, section, loss, loop, optimizer, schedule, regularization, balance,
                stopping, reporting, freezing, lora, runtime, recovery);
    }

    /** This configuration with another {@code loss} section, checked as a whole again. */
    public RunConfig with(LossConfig section) {
        return new RunConfig(model, data, text, images, section, loop, optimizer, schedule, regularization, balance,
                stopping, reporting, freezing, lora, runtime, recovery);
    }

    /** This configuration with another {@code loop} section, checked as a whole again. */
    public RunConfig with(LoopConfig section) {
        return new RunConfig(model, data, text, images, loss, section, optimizer, schedule, regularization, balance,
                stopping, reporting, freezing, lora, runtime, recovery);
    }

    /** This configuration with another {@code optimizer} section, checked as a whole again. */
    public RunConfig with(OptimizerConfig section) {
        return new RunConfig(model, data, text, images, loss, loop, section, schedule, regularization, balance,
                stopping, reporting, freezing, lora, runtime, recovery);
    }

    /** This configuration with another {@code schedule} section, checked as a whole again. */
    public RunConfig with(ScheduleConfig section) {
        return new RunConfig(model, data, text, images, loss, loop, optimizer, section, regularization, balance,
                stopping, reporting, freezing, lora, runtime, recovery);
    }

    /** This configuration with another {@code regularization} section, checked as a whole again. */
    public RunConfig with(RegularizationConfig section) {
        return new RunConfig(model, data, text, images, loss, loop, optimizer, schedule, section, balance,
                stopping, reporting, freezing, lora, runtime, recovery);
    }

    /** This configuration with another {@code balance} section, checked as a whole again. */
    public RunConfig with(BalanceConfig section) {
        return new RunConfig(model, data, text, images, loss, loop, optimizer, schedule, regularization, section,
                stopping, reporting, freezing, lora, runtime, recovery);
    }

    /** This configuration with another {@code stopping} section, checked as a whole again. */
    public RunConfig with(StoppingConfig section) {
        return new RunConfig(model, data, text, images, loss, loop, optimizer, schedule, regularization, balance,
                section, reporting, freezing, lora, runtime, recovery);
    }

    /** This configuration with another {@code reporting} section, checked as a whole again. */
    public RunConfig with(ReportingConfig section) {
        return new RunConfig(model, data, text, images, loss, loop, optimizer, schedule, regularization, balance,
                stopping, section, freezing, lora, runtime, recovery);
    }

    /** This configuration with another {@code freezing} section, checked as a whole again. */
    public RunConfig with(FreezingConfig section) {
        return new RunConfig(model, data, text, images, loss, loop, optimizer, schedule, regularization, balance,
                stopping, reporting, section, lora, runtime, recovery);
    }

    /** This configuration with another {@code lora} section, checked as a whole again. */
    public RunConfig with(LoraConfig section) {
        return new RunConfig(model, data, text, images, loss, loop, optimizer, schedule, regularization, balance,
                stopping, reporting, freezing, section, runtime, recovery);
    }

    /** This configuration with another {@code recovery} section, checked as a whole again. */
    public RunConfig with(RecoveryConfig section) {
        return new RunConfig(model, data, text, images, loss, loop, optimizer, schedule, regularization, balance,
                stopping, reporting, freezing, lora, runtime, section);
    }

    /** This configuration with another {@code runtime} section, checked as a whole again. */
    public RunConfig with(RuntimeConfig section) {
        return new RunConfig(model, data, text, images, loss, loop, optimizer, schedule, regularization, balance,
                stopping, reporting, freezing, lora, section, recovery);
    }
}
