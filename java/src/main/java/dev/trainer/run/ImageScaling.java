package dev.trainer.run;

import dev.trainer.data.ImageDataset;
import dev.trainer.data.Samples;
import dev.trainer.edit.InputNormalization;
import dev.trainer.onnx.OnnxModel;

/**
 * An image model's channel normalization ({@code --image-normalize}), which the exported model
 * computes as its first nodes, {@code (x - mean) / std} broadcast over the image input: recorded
 * in {@code adapters.onnx} so that {@code trainer merge} prepends it as the run's export did.
 *
 * @param input the image input's name
 * @param shape the shape {@code mean} and {@code std} broadcast from, e.g. {@code [1, 3, 1, 1]}
 */
public record ImageScaling(String input, long[] shape, float[] mean, float[] std) {

    /** The training images' normalization, or {@code null} for other data or images left as read. */
    static ImageScaling of(Samples train) {
        if (train instanceof ImageDataset images && images.preprocessing().normalizes()) {
            var p = images.preprocessing();
            return new ImageScaling(images.inputName(), p.affineShape(), p.mean(), p.std());
        }
        return null;
    }

    /** The model with the normalization as its first nodes. */
    OnnxModel prependTo(OnnxModel model) {
        return model.withProto(InputNormalization.prependBroadcast(model.proto(), input, shape, mean, std));
    }
}
