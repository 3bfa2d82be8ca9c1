package dev.trainer;

import dev.trainer.run.AdapterMerge;
import java.nio.file.Path;

/**
 * LoRA adapters after training: a run with {@code --lora R --export-adapters} (or
 * {@code FineTuning.configure(c -> c.with(new LoraConfig(...)))}) writes {@code adapters.onnx}
 * beside its merged {@code model.onnx}; this merges such a file into its base model later.
 */
public final class Adapters {

    private Adapters() {
    }

    /**
     * Writes {@code base} with the adapters merged in to {@code out}, atomically: the model the run
     * exported, the same graph as {@code base} (with the run's head edit, if any).
     *
     * @throws ModelException when a file is missing, {@code adapters} is not an adapters file, or
     *     {@code base} is not the model the adapters were trained on
     */
    public static void merge(Path base, Path adapters, Path out) {
        AdapterMerge.merge(base, adapters, out);
    }
}
