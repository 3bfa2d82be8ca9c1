package dev.trainer.train;

import dev.trainer.heads.ClassificationHead;
import dev.trainer.heads.HeadEdit;
import dev.trainer.heads.HeadReplacement;
import dev.trainer.heads.HeadSpec;
import dev.trainer.onnx.OnnxModel;

/**
 * A classification head to give the model before training: a new pooled linear layer on a
 * backbone's hidden states, or the model's own last classifier re-initialised for other classes.
 *
 * @param head         {@code classify:N[:pool=mean|cls]}, or {@code null}
 * @param replaceHead  class count of a re-initialised last classifier, or 0
 */
public record HeadSettings(HeadSpec head, int replaceHead) {

    public static final HeadSettings NONE = new HeadSettings(null, 0);

    public HeadSettings {
        if (head != null && replaceHead > 0) {
            throw new IllegalArgumentException("give either --head or --replace-head, not both");
        }
        if (replaceHead < 0) {
            throw new IllegalArgumentException("--replace-head needs a positive class count, got " + replaceHead);
        }
    }

    /** The model to train, and the output the loss reads unless the user named one. */
    HeadEdit apply(OnnxModel model, String output, long seed) {
        if (head != null) {
            return ClassificationHead.attach(model, head, output, seed);
        }
        if (replaceHead > 0) {
            return HeadReplacement.replace(model, replaceHead, output, seed);
        }
        return new HeadEdit(model, output != null ? output : model.proto().getGraph().getOutput(0).getName(), java.util.List.of());
    }
}
