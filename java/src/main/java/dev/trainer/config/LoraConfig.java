package dev.trainer.config;

import java.util.List;

/**
 * LoRA adapters: which weights get one, what else trains beside them, and whether they are also
 * exported on their own.
 *
 * @param adapter        the adapters' rank, alpha and dropout ({@code --lora}), or {@code null} for none
 * @param targets        globs on the weights to adapt ({@code --lora-target}); empty for the default,
 *                       every MatMul or Gemm weight inside the model's normalized (transformer) layers
 * @param alsoTrain      parameters that train in full beside the adapters ({@code --lora-also})
 * @param exportAdapters whether the run also writes the adapters alone, {@code adapters.onnx}
 *                       ({@code --export-adapters})
 */
public record LoraConfig(LoraSpec adapter, List<ParameterPattern> targets, List<ParameterPattern> alsoTrain,
                         boolean exportAdapters) {

    /** No adapters: every parameter trains as the freezing options say. */
    public static final LoraConfig NONE = new LoraConfig(null, List.of(), List.of(), false);

    /** @throws IllegalArgumentException for targets, extra parameters or an adapter export without {@code --lora} */
    public LoraConfig {
        targets = List.copyOf(targets);
        alsoTrain = List.copyOf(alsoTrain);
        if (adapter == null && (!targets.isEmpty() || !alsoTrain.isEmpty() || exportAdapters)) {
            throw new IllegalArgumentException("--lora-target, --lora-also and --export-adapters need --lora");
        }
    }

    /** Adapters of the given shape on the default targets, nothing else trained. */
    public static LoraConfig of(LoraSpec adapter) {
        return new LoraConfig(adapter, List.of(), List.of(), false);
    }

    /** Whether the run trains adapters. */
    public boolean enabled() {
        return adapter != null;
    }
}
