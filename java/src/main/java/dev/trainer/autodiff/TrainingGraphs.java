package dev.trainer.autodiff;

import dev.trainer.onnx.OnnxModel;
import java.util.List;
import java.util.Map;

/**
 * The two graphs of a training step, made from one inference model.
 *
 * @param forward    the model with trainable parameters as inputs, emitting its outputs and the stash
 * @param backward   stash, trainable parameters and output gradients in; parameter gradients out
 * @param trainable  trainable parameter names, in the order of the flat parameter buffer
 * @param stash      forward values the backward reads: forward outputs, or forward inputs passed through
 * @param outputGradientInputs backward input name of the gradient of each differentiated output
 * @param parameterGradients   backward output name of each parameter's gradient; parameters the
 *                   outputs do not depend on are absent (their gradient is zero)
 */
public record TrainingGraphs(OnnxModel forward, OnnxModel backward, List<String> trainable, List<String> stash,
                             Map<String, String> outputGradientInputs, Map<String, String> parameterGradients) {
}
