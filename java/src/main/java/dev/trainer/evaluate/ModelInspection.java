package dev.trainer.evaluate;

import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import dev.trainer.ModelException;
import dev.trainer.autodiff.GradientRules;
import dev.trainer.autodiff.ReverseMode;
import dev.trainer.edit.UntieSharedInitializers;
import dev.trainer.onnx.ModelGraph;
import dev.trainer.onnx.OnnxModel;
import dev.trainer.onnx.RandomOps;
import dev.trainer.onnx.SharedInitializers;
import dev.trainer.onnx.TensorTypes;
import dev.trainer.onnx.ValueType;
import dev.trainer.runtime.ModelReadiness;
import dev.trainer.runtime.ShapeInference;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What {@code trainer inspect} tells about a model: its interface, parameters, ops, the traps of
 * exported graphs (shared initializers, random ops) and what blocks training.
 *
 * @param report             the description, several lines
 * @param ready              whether the model is ready to train ({@link ModelReadiness}) and every default
 *                           trainable parameter can be differentiated with respect to the first output (with
 *                           BatchNormalization statistics merged into a parameter untied, as fine-tune unties them)
 * @param sharedInitializers the float initializers more than one node input reads, in graph order
 * @param randomOps          the names of the random nodes (training-mode dropout), in graph order
 */
public record ModelInspection(String report, boolean ready, List<String> sharedInitializers, List<String> randomOps) {

    /** Inspects a model: shape inference, the traps, and a trial differentiation of its first output. */
    public static ModelInspection of(OnnxModel model) {
        Map<String, ValueType> types = ShapeInference.infer(model);
        ModelGraph graph = model.graph();
        StringBuilder s = new StringBuilder();
        s.append(String.format("opset %d, IR version %d, producer %s %s%n", model.opset(), model.proto().getIrVersion(),
                model.proto().getProducerName(), model.proto().getProducerVersion()));
        interfaceOf(graph, types, s);
        List<String> trainable = graph.trainableCandidates();
        parameters(graph, trainable, s);
        ops(graph, s);
        SharedInitializers shared = SharedInitializers.of(model);
        RandomOps random = RandomOps.of(model);
        traps(shared, random, s);
        List<String> sharedNames = shared.tensors().stream().map(SharedInitializers.Shared::name).toList();
        List<String> randomNames = random.nodes().stream().map(ModelGraph::nameOf).toList();
        s.append("training: ");
        List<String> problems = ModelReadiness.problems(model, null);
        if (!problems.isEmpty()) {
            s.append("blocked: ").append(String.join("; ", problems)).append('\n');
            return new ModelInspection(s.toString(), false, sharedNames, randomNames);
        }
        try {
            String output = graph.outputNames().getFirst();
            OnnxModel untied = UntieSharedInitializers.statistics(model, shared);
            ReverseMode.differentiate(untied, untied.graph().trainableCandidates(), List.of(output),
                    untied == model ? types : ShapeInference.infer(untied));
            s.append("ready (all ").append(trainable.size()).append(" parameter tensors differentiable w.r.t. ")
                    .append(output).append(")").append(random.isEmpty() ? "" : " with --allow-random-ops")
                    .append('\n');
            return new ModelInspection(s.toString(), true, sharedNames, randomNames);
        } catch (ModelException e) {
            s.append("blocked: ").append(e.getMessage()).append('\n');
            return new ModelInspection(s.toString(), false, sharedNames, randomNames);
        }
    }

    /** The shared initializers and random ops, when the model has any. */
    private static void traps(SharedInitializers shared, RandomOps random, StringBuilder s) {
        if (!shared.isEmpty()) {
            s.append("shared initializers (one tensor read by several nodes trains as one):\n").append(shared.describe());
        }
        if (!random.isEmpty()) {
            s.append("random ops: ").append(random.describe()).append("; fine-tune refuses them unless --allow-random-ops\n");
        }
    }

    private static void interfaceOf(ModelGraph graph, Map<String, ValueType> types, StringBuilder s) {
        s.append("inputs:\n");
        for (ValueInfoProto in : graph.inputs()) {
            s.append(String.format("  %-24s %s%n", in.getName(), typeString(types.get(in.getName()))));
        }
        s.append("outputs:\n");
        for (ValueInfoProto out : graph.outputs()) {
            s.append(String.format("  %-24s %s%n", out.getName(), typeString(types.get(out.getName()))));
        }
    }

    private static void parameters(ModelGraph graph, List<String> trainable, StringBuilder s) {
        long trainableCount = 0;
        long frozenCount = 0;
        s.append("parameters (trainable by default unless marked frozen):\n");
        for (TensorProto t : graph.initializers()) {
            long count = TensorTypes.elementCount(t.getDimsList());
            boolean train = trainable.contains(t.getName());
            if (train) {
                trainableCount += count;
            } else {
                frozenCount += count;
            }
            s.append(String.format("  %-32s %-10s %-16s %10d%s%n", t.getName(), TensorTypes.name(t.getDataType()),
                    Arrays.toString(TensorTypes.dims(t)), count, train ? "" : "  frozen"));
        }
        s.append(String.format("  total: %d trainable, %d frozen%n", trainableCount, frozenCount));
    }

    private static void ops(ModelGraph graph, StringBuilder s) {
        Map<String, Integer> ops = new TreeMap<>();
        for (NodeProto n : graph.nodes()) {
            ops.merge(n.getOpType(), 1, Integer::sum);
        }
        s.append("ops:\n");
        ops.forEach((op, count) -> s.append(String.format("  %-24s %4d  %s%n", op, count,
                GradientRules.isDifferentiable(op) ? "differentiable"
                        : GradientRules.isNonDifferentiable(op) ? "no gradient needed" : "no gradient rule")));
    }

    private static String typeString(ValueType t) {
        return t == null ? "(no tensor type)" : t.toString();
    }
}
