package dev.trainer.runtime;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import dev.trainer.onnx.ModelException;
import dev.trainer.onnx.OnnxModel;
import dev.trainer.onnx.TensorTypes;
import dev.trainer.onnx.ValueType;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * The element type and shape of every value in a graph, as ONNX Runtime infers them: every node
 * output is declared a graph output without a type, and ORT's resolved output types are read back.
 * Symbolic dimensions stay symbolic (-1) with their names.
 */
public final class ShapeInference {

    private ShapeInference() {
    }

    public static Map<String, ValueType> infer(OnnxModel model) {
        GraphProto graph = model.proto().getGraph();
        Map<String, ValueType> types = new HashMap<>();
        for (ValueInfoProto input : graph.getInputList()) {
            ValueType t = ValueType.of(input);
            if (t != null) {
                types.put(input.getName(), t);
            }
        }
        for (TensorProto t : graph.getInitializerList()) {
            types.put(t.getName(), new ValueType(t.getDataType(), TensorTypes.dims(t)));
        }
        GraphProto.Builder probe = graph.toBuilder();
        Set<String> declared = new HashSet<>();
        graph.getOutputList().forEach(o -> declared.add(o.getName()));
        for (NodeProto node : graph.getNodeList()) {
            for (String out : node.getOutputList()) {
                if (!out.isEmpty() && declared.add(out)) {
                    probe.addOutput(ValueInfoProto.newBuilder().setName(out));
                }
            }
        }
        try (ModelSession session = ModelSession.open(model.withProto(model.proto().toBuilder().setGraph(probe).build()),
                OrtSession.SessionOptions.OptLevel.NO_OPT)) {
            for (Map.Entry<String, NodeInfo> e : session.session().getOutputInfo().entrySet()) {
                if (e.getValue().getInfo() instanceof TensorInfo info) {
                    types.put(e.getKey(), valueType(info));
                }
            }
        } catch (OrtException e) {
            throw new ModelException("ONNX Runtime cannot infer the model's shapes: " + ModelSession.firstLine(e.getMessage()), e);
        }
        return types;
    }

    /** ORT numbers element types its own way; the names match ONNX's. */
    private static ValueType valueType(TensorInfo info) {
        String name = info.onnxType.name().substring("ONNX_TENSOR_ELEMENT_DATA_TYPE_".length());
        return new ValueType(TensorProto.DataType.valueOf(name).getNumber(), info.getShape().clone(),
                info.getDimensionNames().clone());
    }
}
