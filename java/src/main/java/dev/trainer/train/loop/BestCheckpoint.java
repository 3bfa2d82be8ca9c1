package dev.trainer.train.loop;

import dev.trainer.onnx.OnnxModel;
import dev.trainer.runtime.ParameterBuffer;
import java.util.HashMap;
import java.util.Map;

/**
 * The values of the trainable parameters at one moment (the best validation score so far), kept
 * in memory to be restored into the parameter buffer before export. Parameters trained later
 * (gradual unfreezing) but not at that moment go back to the model's original values.
 *
 * @param values each parameter's values, by name
 */
record BestCheckpoint(int epoch, long step, Map<String, float[]> values) {

    /** A copy of the buffer's values now. */
    static BestCheckpoint of(ParameterBuffer parameters, int epoch, long step) {
        Map<String, float[]> values = new HashMap<>();
        parameters.slots().forEach(s -> values.put(s.name(), parameters.get(s.name())));
        return new BestCheckpoint(epoch, step, values);
    }

    /** Puts the kept values back; parameters not kept take the original model's. */
    void restore(ParameterBuffer parameters, OnnxModel original) {
        for (ParameterBuffer.Slot slot : parameters.slots()) {
            float[] kept = values.get(slot.name());
            if (kept != null) {
                parameters.set(slot.name(), kept);
            } else {
                parameters.load(slot.name(), original.initializerBytes(original.graph().initializer(slot.name())));
            }
        }
    }
}
