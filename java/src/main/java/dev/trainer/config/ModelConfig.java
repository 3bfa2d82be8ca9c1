package dev.trainer.config;

import java.nio.file.Path;

/**
 * The model to train and how: the file, the output the loss reads, a head to give it, whether
 * its Dropout nodes are active in training steps, and what to do about shared initializers and
 * random ops.
 *
 * @param file        the ONNX model ({@code --model})
 * @param output      the output the loss reads ({@code --output}), or {@code null} for the first
 * @param head        a new pooled classification head on a backbone's hidden states ({@code --head}), or {@code null}
 * @param replaceHead class count of the model's last classifier re-initialised ({@code --replace-head}), or 0
 * @param dropout     whether Dropout nodes are active (seeded) in training steps ({@code --no-dropout} turns them off)
 * @param traps       shared initializers and random ops ({@code --untie-shared}, {@code --allow-random-ops});
 *                    {@code null} reads as {@link GraphTraps#DEFAULT}, as in a run.json written before they existed
 */
public record ModelConfig(Path file, String output, HeadSpec head, int replaceHead, boolean dropout, GraphTraps traps) {

    /** @throws IllegalArgumentException for no file, or both kinds of head */
    public ModelConfig {
        traps = traps == null ? GraphTraps.DEFAULT : traps;
        if (file == null) {
            throw new IllegalArgumentException("--model is required");
        }
        if (head != null && replaceHead > 0) {
            throw new IllegalArgumentException("give either --head or --replace-head, not both");
        }
        if (replaceHead < 0) {
            throw new IllegalArgumentException("--replace-head needs a positive class count, got " + replaceHead);
        }
    }

    /** The model as it is: its first output, no head edit, Dropout active, the traps' defaults. */
    public static ModelConfig of(Path file) {
        return new ModelConfig(file, null, null, 0, true, GraphTraps.DEFAULT);
    }

    /** This section with other handling of shared initializers and random ops. */
    public ModelConfig with(GraphTraps section) {
        return new ModelConfig(file, output, head, replaceHead, dropout, section);
    }
}
