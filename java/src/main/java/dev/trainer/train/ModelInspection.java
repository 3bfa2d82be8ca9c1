package dev.trainer.train;

import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import dev.trainer.autodiff.GradientRules;
import dev.trainer.autodiff.ReverseMode;
import dev.trainer.onnx.ModelException;
import dev.trainer.onnx.OnnxModel;
import dev.trainer.onnx.RandomOps;
import dev.trainer.onnx.SharedInitializers;
import dev.trainer.onnx.UntieSharedInitializers;
import dev.trainer.onnx.TensorTypes;
import dev.trainer.onnx.ValueType;
import dev.trainer.runtime.ShapeInference;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

/** What {@code trainer inspect} tells about a model: its interface, parameters, ops and what blocks training. */
public final class ModelInspection {

    private ModelInspection() {
    }

    public static String describe(OnnxModel model) {
        Map<String, ValueType> types = ShapeInference.infer(model);
        var graph = model.proto().getGraph();
        StringBuilder s = new StringBuilder();
        s.append(String.format("opset %d, IR version %d, producer %s %s%n", model.opset(), model.proto().getIrVersion(),
                model.proto().getProducerName(), model.proto().getProducerVersion()));
        Set<String> initializerNames = graph.getInitializerList().stream().map(TensorProto::getName).collect(Collectors.toSet());
        s.append("inputs:\n");
        for (ValueInfoProto in : graph.getInputList()) {
            if (!initializerNames.contains(in.getName())) {
                s.append(String.format("  %-24s %s%n", in.getName(), typeString(types.get(in.getName()))));
            }
        }
        s.append("outputs:\n");
        for (ValueInfoProto out : graph.getOutputList()) {
            s.append(String.format("  %-24s %s%n", out.getName(), typeString(types.get(out.getName()))));
        }
        List<String> trainable = TrainableParameters.of(model);
        long trainableCount = 0;
        long frozenCount = 0;
        s.append("parameters (trainable by default unless marked frozen):\n");
        for (TensorProto t : graph.getInitializerList()) {
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
        Map<String, Integer> ops = new TreeMap<>();
        for (NodeProto n : graph.getNodeList()) {
            ops.merge(n.getOpType(), 1, Integer::sum);
        }
        s.append("ops:\n");
        ops.forEach((op, count) -> s.append(String.format("  %-24s %4d  %s%n", op, count,
                GradientRules.isDifferentiable(op) ? "differentiable"
                        : GradientRules.isNonDifferentiable(op) ? "no gradient needed" : "no gradient rule")));
        SharedInitializers shared = SharedInitializers.of(model);
        s.append(traps(model, shared));
        s.append("training: ");
        try {
            String output = graph.getOutput(0).getName();
            OnnxModel untied = UntieSharedInitializers.statistics(model, shared);
            ReverseMode.differentiate(untied, TrainableParameters.of(untied), List.of(output),
                    untied == model ? types : ShapeInference.infer(untied));
            s.append("ready (all ").append(trainable.size()).append(" parameter tensors differentiable w.r.t. ")
                    .append(output).append(")\n");
        } catch (ModelException e) {
            s.append("blocked: ").append(e.getMessage()).append('\n');
        }
        return s.toString();
    }

    /** The shared initializers and random ops, when the model has any. */
    private static String traps(OnnxModel model, SharedInitializers shared) {
        StringBuilder s = new StringBuilder();
        if (!shared.isEmpty()) {
            s.append("shared initializers (one tensor read by several nodes trains as one):\n").append(shared.describe());
        }
        RandomOps random = RandomOps.of(model);
        if (!random.isEmpty()) {
            s.append("random ops: ").append(random.describe()).append("; fine-tune refuses them unless --allow-random-ops\n");
        }
        return s.toString();
    }

    private static String typeString(ValueType t) {
        return t == null ? "(no tensor type)" : t.toString();
    }
}
