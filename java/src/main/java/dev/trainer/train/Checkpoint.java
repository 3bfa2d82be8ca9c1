package dev.trainer.train;

import ai.onnx.proto.OnnxMl.TensorProto;
import dev.trainer.onnx.OnnxModel;
import dev.trainer.runtime.ParameterBuffer;
import java.util.HashMap;
import java.util.Map;

/**
 * The values of the trainable parameters at one moment (the best validation score so far), kept
 * in memory to be restored into the parameter buffer before export. Parameters trained later
 * (gradual unfreezing) but not at that moment go back to the model's original values.
 */
final class Checkpoint {

    private final Map<String, float[]> values = new HashMap<>();
    private final int epoch;
    private final long step;

    Checkpoint(ParameterBuffer parameters, int epoch, long step) {
        parameters.slots().forEach(s -> values.put(s.name(), parameters.get(s.name())));
        this.epoch = epoch;
        this.step = step;
    }

    int epoch() {
        return epoch;
    }

    long step() {
        return step;
    }

    void restore(ParameterBuffer parameters, OnnxModel original) {
        Map<String, TensorProto> initializers = new HashMap<>();
        original.proto().getGraph().getInitializerList().forEach(t -> initializers.put(t.getName(), t));
        for (ParameterBuffer.Slot slot : parameters.slots()) {
            float[] kept = values.get(slot.name());
            if (kept != null) {
                parameters.set(slot.name(), kept);
            } else {
                parameters.load(slot.name(), original.initializerBytes(initializers.get(slot.name())));
            }
        }
    }
}
