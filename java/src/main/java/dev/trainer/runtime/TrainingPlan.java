package dev.trainer.runtime;

import ai.onnx.proto.OnnxMl.TensorProto;
import dev.trainer.ModelException;
import dev.trainer.autodiff.Recompute;
import dev.trainer.autodiff.ReverseMode;
import dev.trainer.autodiff.TrainingGraphs;
import dev.trainer.config.RecomputeMode;
import dev.trainer.data.InputSpec;
import dev.trainer.edit.DropoutActivation;
import dev.trainer.edit.DropoutKeys;
import dev.trainer.onnx.OnnxModel;
import dev.trainer.onnx.TensorTypes;
import dev.trainer.onnx.ValueType;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a {@link TrainingRuntime} opens to train a model: the forward and backward graphs, the
 * model whose initializers give the parameters their first values, the output the loss reads and
 * the inputs data fills. Independent of any runtime, since every graph is standard ONNX.
 *
 * @param model         the model as differentiated (Dropout activated when asked)
 * @param graphs        the forward and backward graphs, and the order of the flat parameter buffer
 * @param output        the model output the loss reads, float32
 * @param outputType    its type, batch first
 * @param inputs        the inputs a batch fills
 * @param dropoutNodes  active Dropout nodes: with any, the forward graph takes
 *                      {@link DropoutActivation#TRAINING_FLAG} and {@link DropoutActivation#KEYS}
 * @param seed          the run's seed, from which every step's Dropout keys are derived ({@link DropoutKeys})
 */
public record TrainingPlan(OnnxModel model, TrainingGraphs graphs, String output, ValueType outputType,
                           List<InputSpec> inputs, int dropoutNodes, long seed) {

    public TrainingPlan {
        inputs = List.copyOf(inputs);
    }

    /** Whether the model's Dropout nodes are active in training steps. */
    public boolean dropoutActive() {
        return dropoutNodes > 0;
    }

    /** The Dropout keys of one training forward pass, {@code draw} numbering them in the run. */
    public int[] dropoutKeys(long draw) {
        return DropoutKeys.of(seed, draw, dropoutNodes);
    }

    /**
     * Differentiates the model with respect to the trainable initializers.
     *
     * @param output  the model output the loss reads; it must be float32
     * @param dropout   whether the model's Dropout nodes are active in training steps, seeded from {@code seed}
     * @param recompute what the backward graph computes again rather than reading from the forward's stash
     * @throws ModelException for a missing or non-float output or parameter, or an op without a gradient rule
     */
    public static TrainingPlan of(OnnxModel model, List<String> trainable, String output, boolean dropout, long seed,
                                  RecomputeMode recompute) {
        DropoutActivation.Activated activated = dropout && DropoutActivation.applies(model)
                ? DropoutActivation.activate(model) : new DropoutActivation.Activated(model, 0);
        OnnxModel training = activated.model();
        Map<String, ValueType> types = ShapeInference.infer(training);
        ValueType outputType = types.get(output);
        if (outputType == null || !model.graph().hasOutput(output)) {
            throw new ModelException("model has no output named " + output);
        }
        if (outputType.elementType() != TensorProto.DataType.FLOAT_VALUE) {
            throw new ModelException(ModelReadiness.notFloat(output, outputType.toString()));
        }
        for (String p : trainable) {
            ValueType t = types.get(p);
            if (t != null && t.elementType() != TensorProto.DataType.FLOAT_VALUE) {
                throw new ModelException("parameter " + p + " is " + t + "; trainer trains float32 parameters");
            }
        }
        TrainingGraphs graphs = ReverseMode.differentiate(training, trainable, List.of(output), types, switch (recompute) {
            case NONE -> Recompute.CHEAP_CHAINS;
            case SEGMENTS -> Recompute.SEGMENTS;
        });
        return new TrainingPlan(training, graphs, output, outputType, ModelInputs.of(model, types), activated.nodes(), seed);
    }

    /** The trainable parameters' shapes, in the flat buffer's order. */
    public Map<String, long[]> parameterShapes() {
        Map<String, long[]> shapes = new LinkedHashMap<>();
        graphs.trainable().forEach(p -> shapes.put(p, TensorTypes.dims(model.graph().initializer(p))));
        return shapes;
    }

    /** Opens a buffer for the trainable parameters, holding their values from the model. */
    public ParameterBuffer parameterBuffer() {
        ParameterBuffer parameters = new ParameterBuffer(parameterShapes());
        try {
            for (ParameterBuffer.Slot slot : parameters.slots()) {
                parameters.load(slot.name(), model.initializerBytes(model.graph().initializer(slot.name())));
            }
            return parameters;
        } catch (RuntimeException e) {
            parameters.close();
            throw e;
        }
    }
}
