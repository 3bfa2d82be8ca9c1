package dev.trainer.train.loop;

import dev.trainer.onnx.OnnxModel;
import dev.trainer.onnx.TensorTypes;
import dev.trainer.runtime.ParameterBuffer;

/** How many parameters train and how many stay frozen, as runs tell the user at the start and at every unfreezing. */
public final class ParameterCounts {

    private ParameterCounts() {
    }

    /** {@code trainable parameters: N in T tensors; frozen: F}. */
    public static String of(ParameterBuffer parameters, OnnxModel model) {
        long total = 0;
        for (var t : model.graph().initializers()) {
            if (TensorTypes.isFloatingPoint(t.getDataType())) {
                total += TensorTypes.elementCount(t.getDimsList());
            }
        }
        long trainable = parameters.parameterCount();
        return String.format("trainable parameters: %d in %d tensors; frozen: %d", trainable, parameters.slots().size(),
                total - trainable);
    }
}
