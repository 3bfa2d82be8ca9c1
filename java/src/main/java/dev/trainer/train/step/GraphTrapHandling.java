package dev.trainer.train.step;

import dev.trainer.ModelException;
import dev.trainer.config.GraphTraps;
import dev.trainer.edit.UntieSharedInitializers;
import dev.trainer.onnx.OnnxModel;
import dev.trainer.onnx.RandomOps;
import dev.trainer.onnx.SharedInitializers;
import java.util.function.Consumer;

/**
 * What trainer does about the two traps of an exported graph before it trains it, as
 * {@link GraphTraps} says: random ops are refused unless allowed; BatchNormalization statistics
 * merged with a parameter are always untied (statistics never train); other shared initializers
 * are untied on request, and otherwise train tied, with a warning where the sharing looks like the
 * exporter's merge of equal values rather than intended tying.
 */
final class GraphTrapHandling {

    private GraphTrapHandling() {
    }

    /**
     * The model to train, untied as asked, after telling {@code notes} what was found and done.
     *
     * @throws ModelException when the model has random ops and they are not allowed
     */
    static OnnxModel apply(OnnxModel model, GraphTraps traps, Consumer<String> notes) {
        RandomOps random = RandomOps.of(model);
        if (!random.isEmpty()) {
            if (!traps.allowRandomOps()) {
                throw new ModelException(random.describe() + ", or give --allow-random-ops to train it as it is");
            }
            notes.accept("warning: " + random.describe());
        }
        SharedInitializers shared = SharedInitializers.of(model);
        if (shared.isEmpty()) {
            return model;
        }
        if (traps.untieShared()) {
            notes.accept(String.format("untied %d shared initializers: every use trains its own copy (--untie-shared)",
                    shared.tensors().size()));
            return UntieSharedInitializers.all(model, shared);
        }
        var statistics = shared.statisticMerges();
        if (!statistics.isEmpty()) {
            notes.accept(String.format("untied %d BatchNormalization statistics merged with a parameter (e.g. %s):"
                    + " they stay frozen", statistics.size(), statistics.getFirst().name()));
        }
        var merged = shared.merges();
        if (!merged.isEmpty()) {
            notes.accept(String.format("warning: %d initializers look like the exporter's merges of equal tensors (e.g. %s,"
                    + " read by %d nodes): they train as one, tied, where the original model trained them apart;"
                    + " --untie-shared gives every use its own copy (trainer inspect lists them)", merged.size(),
                    merged.getFirst().name(), merged.getFirst().trainableUses().size()));
        }
        return UntieSharedInitializers.statistics(model, shared);
    }
}
