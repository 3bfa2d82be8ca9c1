package dev.trainer.train.loop;

import dev.trainer.onnx.OnnxModel;
import dev.trainer.onnx.TensorTypes;
import dev.trainer.runtime.ParameterBuffer;
import java.util.Locale;

/** How many parameters train and how many stay frozen, as runs tell the user at the start and at every unfreezing. */
public final class ParameterCounts {

    private ParameterCounts() {
    }

    /**
     * {@code trainable parameters: N in T tensors (P% of all); frozen: F}, counting the floating-point
     * initializers of the model the step runs (LoRA's adapters included).
     */
    public static String of(ParameterBuffer parameters, OnnxModel model) {
        long total = 0;
        for (var t : model.graph().initializers()) {
            if (TensorTypes.isFloatingPoint(t.getDataType())) {
                total += TensorTypes.elementCount(t.getDimsList());
            }
        }
        long trainable = parameters.parameterCount();
        return String.format(Locale.ROOT, "trainable parameters: %d in %d tensors (%.2f%% of all); frozen: %d", trainable,
                parameters.slots().size(), 100.0 * trainable / Math.max(1, total), total - trainable);
    }
}
