package dev.trainer.runtime;

import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import dev.trainer.ModelException;
import dev.trainer.onnx.ModelGraph;
import dev.trainer.onnx.OnnxModel;
import dev.trainer.onnx.TensorTypes;
import dev.trainer.onnx.ValueType;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * Whether trainer can train a model, short of differentiating it: the output the loss reads is
 * float32, every input is a type data can fill, there are parameters to train, and none of them
 * is NaN or infinite. {@code trainer inspect} reports every problem this finds; {@code fine-tune}
 * refuses the model on the first, before reading any data. (Whether each op has a gradient is the
 * differentiation's own check, which both run too.)
 */
public final class ModelReadiness {

    private ModelReadiness() {
    }

    /**
     * Every problem, one line each, in the order to fix them; empty when the model is ready.
     *
     * @param output the output the loss reads, or {@code null} for the first
     */
    public static List<String> problems(OnnxModel model, String output) {
        ModelGraph graph = model.graph();
        List<String> problems = new ArrayList<>();
        String read = output != null ? output : graph.outputNames().getFirst();
        if (!graph.hasOutput(read)) {
            problems.add("the model has no output named '" + read + "' (outputs: " + String.join(", ", graph.outputNames())
                    + ")");
        } else {
            ValueInfoProto declared = graph.outputs().get(graph.outputNames().indexOf(read));
            int elementType = declared.getType().getTensorType().getElemType();
            if (elementType != TensorProto.DataType.UNDEFINED_VALUE && elementType != TensorProto.DataType.FLOAT_VALUE) {
                ValueType type = ValueType.of(declared);
                problems.add(notFloat(read, type != null ? type.toString() : TensorTypes.name(elementType))
                        + (graph.outputNames().size() > 1 ? " (choose one with --output)" : ""));
            }
        }
        for (ValueInfoProto input : graph.inputs()) {
            String problem = inputProblem(input);
            if (problem != null) {
                problems.add(problem);
            }
        }
        if (graph.trainableCandidates().isEmpty()) {
            problems.add("the model has no trainable parameters: no floating-point initializers"
                    + " (weights held in Constant nodes are not trained)");
        }
        String nonFinite = firstNonFinite(model);
        if (nonFinite != null) {
            problems.add(nonFinite);
        }
        return problems;
    }

    /** The problem of an output the loss cannot read, whose type is {@code type}. */
    public static String notFloat(String output, String type) {
        return "output '" + output + "' is " + type + "; trainer trains a float32 output";
    }

    /**
     * @throws ModelException with the first of the {@link #problems}
     */
    public static void require(OnnxModel model, String output) {
        List<String> problems = problems(model, output);
        if (!problems.isEmpty()) {
            throw new ModelException(problems.getFirst());
        }
    }

    /** What is wrong with a graph input for data to fill, or {@code null}. */
    private static String inputProblem(ValueInfoProto input) {
        if (!input.getType().hasTensorType()) {
            return "input '" + input.getName() + "' is not a tensor; trainer feeds tensors";
        }
        int type = input.getType().getTensorType().getElemType();
        try {
            Tensors.elementType(type);
            return null;
        } catch (ModelException unsupported) {
            return "input '" + input.getName() + "' is " + TensorTypes.name(type)
                    + "; trainer feeds float, double, int64, int32 and bool inputs";
        }
    }

    /** The first NaN or infinite value of a float32 or float64 initializer, described; {@code null} when all are finite. */
    private static String firstNonFinite(OnnxModel model) {
        for (TensorProto t : model.graph().initializers()) {
            boolean single = t.getDataType() == TensorProto.DataType.FLOAT_VALUE;
            if (!single && t.getDataType() != TensorProto.DataType.DOUBLE_VALUE) {
                continue;
            }
            ByteBuffer bytes = model.initializerBytes(t);
            int count = bytes.remaining() / (single ? Float.BYTES : Double.BYTES);
            for (int i = 0; i < count; i++) {
                double value = single ? bytes.getFloat(bytes.position() + i * Float.BYTES)
                        : bytes.getDouble(bytes.position() + i * Double.BYTES);
                if (!Double.isFinite(value)) {
                    return "initializer '" + t.getName() + "' holds " + value + " (at index " + i + " of " + count
                            + "): the model is broken before training; export it again from a healthy checkpoint";
                }
            }
        }
        return null;
    }
}
