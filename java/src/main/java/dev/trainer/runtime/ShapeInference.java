package dev.trainer.runtime;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import dev.trainer.ModelException;
import dev.trainer.onnx.ModelGraph;
import dev.trainer.onnx.OnnxModel;
import dev.trainer.onnx.TensorTypes;
import dev.trainer.onnx.ValueType;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The element type and shape of every value in a graph. ONNX Runtime infers them: every node
 * output is declared a graph output without a type, and ORT's resolved output types are read
 * back; symbolic dimensions stay symbolic (-1) with their names.
 *
 * <p>Where ORT's static inference gives up (older exports build shapes at run time from
 * Shape/Gather/Concat chains), it reports no dimensions at all, which reads like a scalar. So the
 * graph is also run twice on small dummy inputs whose symbolic dimensions differ between the runs:
 * the observed ranks are the truth, a dimension equal in both runs is static, and one that differs
 * is symbolic.
 */
public final class ShapeInference {

    private ShapeInference() {
    }

    public static Map<String, ValueType> infer(OnnxModel model) {
        ModelGraph graph = model.graph();
        Map<String, ValueType> types = new HashMap<>();
        for (ValueInfoProto input : graph.inputs()) {
            ValueType t = ValueType.of(input);
            if (t != null) {
                types.put(input.getName(), t);
            }
        }
        for (TensorProto t : graph.initializers()) {
            types.put(t.getName(), new ValueType(t.getDataType(), TensorTypes.dims(t)));
        }
        GraphProto.Builder probe = model.proto().getGraph().toBuilder();
        Set<String> declared = new HashSet<>(graph.outputNames());
        for (NodeProto node : graph.nodes()) {
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
            Map<String, long[]> small = probe(session, types, graph, 2);
            Map<String, long[]> large = small == null ? null : probe(session, types, graph, 3);
            if (large != null) {
                small.forEach((name, dims) -> {
                    long[] other = large.get(name);
                    ValueType inferred = types.get(name);
                    if (inferred != null && other != null && other.length == dims.length
                            && (inferred.rank() != dims.length || hasUnknown(inferred))) {
                        types.put(name, merged(inferred, dims, other));
                    }
                });
            }
        } catch (OrtException e) {
            throw new ModelException("ONNX Runtime cannot infer the model's shapes: " + OrtErrors.message(e), e);
        }
        return types;
    }

    private static boolean hasUnknown(ValueType t) {
        for (long d : t.dims()) {
            if (d < 0) {
                return true;
            }
        }
        return false;
    }

    /** Dimensions seen in two runs: equal ones are static, differing ones symbolic (keeping ORT's names where ranks agree). */
    private static ValueType merged(ValueType inferred, long[] a, long[] b) {
        long[] dims = new long[a.length];
        String[] names = new String[a.length];
        for (int i = 0; i < a.length; i++) {
            dims[i] = a[i] == b[i] ? a[i] : ValueType.SYMBOLIC;
            names[i] = inferred.rank() == a.length ? inferred.dimNames()[i] : null;
        }
        return new ValueType(inferred.elementType(), dims, names);
    }

    /**
     * The shape of every value in one run on dummy inputs (zeros; ones for masks), each symbolic
     * input dimension set to {@code size}; {@code null} when the model cannot run on such inputs.
     */
    private static Map<String, long[]> probe(ModelSession session, Map<String, ValueType> types, ModelGraph graph, long size) {
        List<OnnxTensor> feeds = new ArrayList<>();
        try {
            Map<String, OnnxTensor> inputs = new HashMap<>();
            for (ValueInfoProto input : graph.inputs()) {
                ValueType t = types.get(input.getName());
                if (t == null) {
                    return null;
                }
                long[] dims = t.dims().clone();
                for (int i = 0; i < dims.length; i++) {
                    dims[i] = dims[i] < 0 ? size : dims[i];
                }
                OnnxTensor tensor = dummy(t.elementType(), dims, input.getName().contains("mask"));
                if (tensor == null) {
                    return null;
                }
                feeds.add(tensor);
                inputs.put(input.getName(), tensor);
            }
            Map<String, long[]> shapes = new HashMap<>();
            try (OrtSession.Result result = session.session().run(inputs)) {
                for (Map.Entry<String, ai.onnxruntime.OnnxValue> e : result) {
                    if (e.getValue() instanceof OnnxTensor t) {
                        shapes.put(e.getKey(), t.getInfo().getShape());
                    }
                }
            }
            return shapes;
        } catch (OrtException | RuntimeException e) {
            return null;
        } finally {
            feeds.forEach(OnnxTensor::close);
        }
    }

    private static OnnxTensor dummy(int elementType, long[] dims, boolean ones) throws OrtException {
        int count = Math.toIntExact(TensorTypes.elementCount(dims));
        var env = OrtLogging.environment();
        return switch (TensorProto.DataType.forNumber(elementType)) {
            case FLOAT -> OnnxTensor.createTensor(env, java.nio.FloatBuffer.wrap(filled(count, ones ? 1 : 0)), dims);
            case INT64 -> {
                long[] v = new long[count];
                java.util.Arrays.fill(v, ones ? 1 : 0);
                yield OnnxTensor.createTensor(env, java.nio.LongBuffer.wrap(v), dims);
            }
            case INT32 -> {
                int[] v = new int[count];
                java.util.Arrays.fill(v, ones ? 1 : 0);
                yield OnnxTensor.createTensor(env, java.nio.IntBuffer.wrap(v), dims);
            }
            case null, default -> null;
        };
    }

    private static float[] filled(int count, float value) {
        float[] v = new float[count];
        java.util.Arrays.fill(v, value);
        return v;
    }

    /** ORT numbers element types its own way; the names match ONNX's. */
    private static ValueType valueType(TensorInfo info) {
        String name = info.onnxType.name().substring("ONNX_TENSOR_ELEMENT_DATA_TYPE_".length());
        return new ValueType(TensorProto.DataType.valueOf(name).getNumber(), info.getShape().clone(),
                info.getDimensionNames().clone());
    }
}
