package dev.trainer.edit;

import dev.trainer.onnx.OnnxModel;
import java.util.List;

/**
 * A model whose head was attached or replaced.
 *
 * @param model      the edited model: same inputs as before, loadable by plain ONNX Runtime
 * @param output     the graph output that carries the head's logits, {@code [batch, classes]}
 * @param parameters the head's freshly initialised initializers: the weight, then the bias when
 *                   the head has one
 */
public record HeadEdit(OnnxModel model, String output, List<String> parameters) {

    public HeadEdit {
        parameters = List.copyOf(parameters);
    }
}
