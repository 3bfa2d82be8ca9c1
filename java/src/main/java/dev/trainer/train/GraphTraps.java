package dev.trainer.train;

import dev.trainer.onnx.ModelException;
import dev.trainer.onnx.OnnxModel;
import dev.trainer.onnx.RandomOps;
import dev.trainer.onnx.SharedInitializers;
import dev.trainer.onnx.UntieSharedInitializers;
import java.io.PrintStream;

/**
 * What trainer does about the two traps exported graphs hold before it trains one: random ops
 * (refused unless allowed) and shared initializers (BatchNormalization statistics merged with a
 * parameter are always untied; the rest on request, with a warning where sharing looks like the
 * exporter's merge of equal values).
 *
 * @param untieShared    give every trainable use of a shared initializer its own copy ({@code --untie-shared})
 * @param allowRandomOps train a model with random ops as it is ({@code --allow-random-ops})
 */
public record GraphTraps(boolean untieShared, boolean allowRandomOps) {

    public static final GraphTraps DEFAULT = new GraphTraps(false, false);

    /**
     * The model to train, with the untying done, after telling {@code log} what was found.
     *
     * @throws ModelException when the model has random ops and they are not allowed
     */
    public OnnxModel prepare(OnnxModel model, PrintStream log) {
        RandomOps random = RandomOps.of(model);
        if (!random.isEmpty()) {
            if (!allowRandomOps) {
                throw new ModelException(random.describe() + ", or give --allow-random-ops to train it as it is");
            }
            log.println("warning: " + random.describe());
        }
        SharedInitializers shared = SharedInitializers.of(model);
        if (shared.isEmpty()) {
            return model;
        }
        if (untieShared) {
            log.printf("untied %d shared initializers: every use trains its own copy (--untie-shared)%n", shared.tensors().size());
            return UntieSharedInitializers.all(model, shared);
        }
        var statistics = shared.statisticMerges();
        if (!statistics.isEmpty()) {
            log.printf("untied %d BatchNormalization statistics merged with a parameter (e.g. %s): they stay frozen%n",
                    statistics.size(), statistics.getFirst().name());
        }
        var merged = shared.merges();
        if (!merged.isEmpty()) {
            log.printf("warning: %d initializers look like the exporter's merges of equal tensors (e.g. %s, read by %d nodes):"
                    + " they train as one, tied, where the original model trained them apart; --untie-shared gives every"
                    + " use its own copy (trainer inspect lists them)%n", merged.size(), merged.getFirst().name(),
                    merged.getFirst().trainableUses().size());
        }
        return UntieSharedInitializers.statistics(model, shared);
    }
}
