package dev.trainer.cli;

import dev.trainer.config.LrGroup;
import dev.trainer.config.LrSchedule;
import dev.trainer.config.OptimizerConfig;
import dev.trainer.config.OptimizerKind;
import dev.trainer.config.Penalty;
import dev.trainer.config.RegularizationConfig;
import dev.trainer.config.ScheduleConfig;
import dev.trainer.config.Warmup;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/** The optimizer, the learning rate and its schedule, and the penalties. */
final class OptimizerSection implements OptionSection {

    @Option(names = "--optimizer", paramLabel = "KIND", defaultValue = "adam", converter = Converters.Optimizer.class,
            description = "sgd, momentum, adam or adamw (default: ${DEFAULT-VALUE}).")
    OptimizerKind optimizer;

    @Option(names = "--lr", paramLabel = "LR", description = "Learning rate (default: ${DEFAULT-VALUE}).")
    double lr = OptimizerConfig.DEFAULT.learningRate();

    @Option(names = "--momentum", paramLabel = "M", description = "Momentum of --optimizer momentum (default: ${DEFAULT-VALUE}).")
    double momentum = OptimizerConfig.DEFAULT.momentum();

    @Option(names = "--nesterov", description = "Nesterov's momentum for --optimizer momentum.")
    boolean nesterov;

    @Option(names = "--weight-decay", paramLabel = "WD", description = "Weight decay (L2 for sgd/adam, decoupled for adamw).")
    double weightDecay;

    @Option(names = "--max-grad-norm", paramLabel = "NORM", description = "Clip the global gradient norm to this (0: off).")
    double maxGradNorm;

    @Option(names = "--lr-schedule", defaultValue = "constant", paramLabel = "SPEC", converter = Converters.Schedule.class,
            description = "constant | step:N[:GAMMA] | exponential:GAMMA | cosine[:MIN] | cosine-restarts:T0[:MULT[:MIN]]"
                    + " | one-cycle[:MAX] | plateau[:FACTOR[:PATIENCE]] (default: ${DEFAULT-VALUE}).")
    LrSchedule schedule;

    @Option(names = "--warmup-steps", paramLabel = "N", description = "Linear warm-up over this many steps.")
    long warmupSteps;

    @Option(names = "--warmup-ratio", paramLabel = "F", description = "Linear warm-up over this fraction of all steps.")
    double warmupRatio;

    @Option(names = "--lr-group", paramLabel = "PATTERN=LR|xF", converter = Converters.Group.class,
            description = "Learning rate (or multiplier xF) for parameters matching PATTERN; repeatable.")
    List<LrGroup> lrGroups = new ArrayList<>();

    @Option(names = "--layer-decay", paramLabel = "F",
            description = "Layer-wise learning-rate decay: each layer group below the top trains at F times the one above.")
    double layerDecay = OptimizerConfig.DEFAULT.layerDecay();

    @Option(names = "--l1", paramLabel = "X|PATTERN=X", converter = Converters.L1.class,
            description = "L1 penalty, for all or matching parameters; repeatable.")
    List<Penalty> l1 = new ArrayList<>();

    @Option(names = "--l2", paramLabel = "X|PATTERN=X", converter = Converters.L2.class,
            description = "L2 penalty, for all or matching parameters; repeatable.")
    List<Penalty> l2 = new ArrayList<>();

    @Option(names = "--regularize-all", description = "Also decay and penalize biases and normalization parameters.")
    boolean regularizeAll;

    @Override
    public String heading() {
        return "Optimizer and learning rate";
    }

    OptimizerConfig toConfig() {
        return new OptimizerConfig(optimizer, lr, momentum, nesterov, weightDecay, maxGradNorm, lrGroups, layerDecay);
    }

    ScheduleConfig schedule() {
        return new ScheduleConfig(schedule, Warmup.of(warmupSteps, warmupRatio));
    }

    RegularizationConfig regularization() {
        return new RegularizationConfig(l1, l2, regularizeAll);
    }
}
