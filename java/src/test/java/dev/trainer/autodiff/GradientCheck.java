package dev.trainer.autodiff;

import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.trainer.onnx.OnnxModel;
import dev.trainer.onnx.TensorTypes;
import dev.trainer.onnx.ValueType;
import dev.trainer.runtime.ModelSession;
import dev.trainer.runtime.ShapeInference;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Checks reverse mode against central finite differences through ONNX Runtime itself. The loss is
 * {@code L = sum(y * r)} for a fixed random r, so the backward graph is fed {@code dy = r}; every
 * tensor marked trainable (inputs included, fed as initializers) gets its analytic gradient
 * compared with {@code (L(θ + ε) - L(θ - ε)) / 2ε} at sampled elements.
 */
final class GradientCheck {

    private final List<NodeProto> nodes = new ArrayList<>();
    private final Map<String, double[]> values = new LinkedHashMap<>();
    private final Map<String, long[]> shapes = new LinkedHashMap<>();
    private final Map<String, Integer> types = new LinkedHashMap<>();
    private final List<String> trainable = new ArrayList<>();
    /** Graph inputs (not initializers) and the axes of each declared symbolic. */
    private final Map<String, int[]> inputs = new LinkedHashMap<>();
    private final Random random;
    private int elementType = TensorProto.DataType.DOUBLE_VALUE;
    private long opset = 17;
    private double epsilon = 1e-6;
    private double tolerance = 1e-6;
    private String output = "y";
    private TrainingGraphs graphs;
    private OnnxModel model;

    GradientCheck(long seed) {
        random = new Random(seed);
    }

    /** Float32 throughout, for ops ONNX Runtime implements only for float: a larger step, looser bounds. */
    GradientCheck float32() {
        elementType = TensorProto.DataType.FLOAT_VALUE;
        epsilon = 1e-2;
        tolerance = 2e-2;
        return this;
    }

    GradientCheck opset(long version) {
        opset = version;
        return this;
    }

    GradientCheck output(String name) {
        output = name;
        return this;
    }

    GradientCheck node(NodeProto node) {
        nodes.add(node);
        return this;
    }

    /** A trainable tensor of uniform values in ±[lowMagnitude, 1], kept away from kinks at zero. */
    GradientCheck param(String name, long[] shape, double lowMagnitude) {
        double[] v = new double[(int) TensorTypes.elementCount(shape)];
        for (int i = 0; i < v.length; i++) {
            double m = lowMagnitude + (1 - lowMagnitude) * random.nextDouble();
            v[i] = random.nextBoolean() ? m : -m;
        }
        return tensor(name, shape, v, elementType, true);
    }

    /** A trainable tensor with the given values, e.g. placed away from an op's kinks. */
    GradientCheck param(String name, long[] shape, double[] v) {
        return tensor(name, shape, v.clone(), elementType, true);
    }

    GradientCheck param(String name, long... shape) {
        return param(name, shape, 0.0);
    }

    /** A tensor that is not trained: fixed values of any type (e.g. int64 shapes, BN statistics). */
    GradientCheck constant(String name, long[] shape, double[] v, int type) {
        return tensor(name, shape, v, type, false);
    }

    /** An int64 constant, e.g. indices, axes, starts or split sizes. */
    GradientCheck ints(String name, long[] shape, long... v) {
        return tensor(name, shape, java.util.Arrays.stream(v).asDoubleStream().toArray(), TensorProto.DataType.INT64_VALUE, false);
    }

    /** A 1-D int64 constant. */
    GradientCheck ints(String name, long... v) {
        return ints(name, new long[] {v.length}, v);
    }

    GradientCheck constant(String name, long[] shape, double[] v) {
        return tensor(name, shape, v, elementType, false);
    }

    /**
     * A graph input (not trained, not an initializer) whose listed axes are declared symbolic, so
     * that the shapes flowing from it are only known at run time; fed {@code v} of {@code type}.
     */
    GradientCheck input(String name, long[] shape, double[] v, int type, int... symbolicAxes) {
        inputs.put(name, symbolicAxes);
        return tensor(name, shape, v, type, false);
    }

    private GradientCheck tensor(String name, long[] shape, double[] v, int type, boolean train) {
        values.put(name, v);
        shapes.put(name, shape);
        types.put(name, type);
        if (train) {
            trainable.add(name);
        }
        return this;
    }

    int elementType() {
        return elementType;
    }

    /** The graphs the last {@link #run} checked. */
    TrainingGraphs graphs() {
        return graphs;
    }

    /** The model the last {@link #run} differentiated. */
    OnnxModel model() {
        return model;
    }

    /** The trainable tensors that {@code model} takes as inputs, at their current values; the caller closes them. */
    Map<String, OnnxTensor> feeds(OnnxModel model) throws OrtException {
        Map<String, OnnxTensor> feeds = new HashMap<>();
        for (ValueInfoProto input : model.proto().getGraph().getInputList()) {
            if (values.containsKey(input.getName())) {
                feeds.put(input.getName(), tensor(values.get(input.getName()), shapes.get(input.getName()), types.get(input.getName())));
            }
        }
        return feeds;
    }

    /** Runs the check; fails with the worst element when any gradient is off. */
    void run() throws OrtException {
        GraphProto.Builder graph = GraphProto.newBuilder().setName("check").addAllNode(nodes)
                .addOutput(ValueInfoProto.newBuilder().setName(output));
        for (String name : values.keySet()) {
            if (inputs.containsKey(name)) {
                graph.addInput(declared(name));
            } else {
                graph.addInitializer(tensorProto(name));
            }
        }
        ModelProto proto = ModelProto.newBuilder().setIrVersion(8)
                .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(opset)).setGraph(graph).build();
        model = OnnxModel.of(proto);
        Map<String, ValueType> inferred = ShapeInference.infer(model);
        graphs = ReverseMode.differentiate(model, trainable, List.of(output), inferred);
        try (ModelSession forward = ModelSession.open(graphs.forward());
             ModelSession backward = ModelSession.open(graphs.backward())) {
            long[] yShape = outputShape(forward);
            double[] r = new double[(int) TensorTypes.elementCount(yShape)];
            for (int i = 0; i < r.length; i++) {
                r[i] = random.nextGaussian();
            }
            Map<String, double[]> analytic = analytic(forward, backward, graphs, yShape, r);
            for (String p : trainable) {
                double[] grad = analytic.getOrDefault(p, new double[values.get(p).length]);
                compare(p, grad, forward, r);
            }
        }
    }

    private Map<String, double[]> analytic(ModelSession forward, ModelSession backward, TrainingGraphs graphs,
                                           long[] yShape, double[] r) throws OrtException {
        List<OnnxTensor> owned = new ArrayList<>();
        try {
            Map<String, OnnxTensor> feeds = feeds(owned);
            List<String> wanted = new ArrayList<>(graphs.stash().stream().filter(n -> !inputs.containsKey(n)).toList());
            wanted.add(output);
            try (OrtSession.Result result = forward.session().run(feeds, new java.util.HashSet<>(wanted))) {
                Map<String, OnnxTensor> backwardFeeds = new HashMap<>();
                for (String s : graphs.stash()) {
                    backwardFeeds.put(s, inputs.containsKey(s) ? feeds.get(s) : (OnnxTensor) result.get(s).orElseThrow());
                }
                for (String p : trainable) {
                    if (backward.session().getInputNames().contains(p)) {
                        backwardFeeds.put(p, feeds.get(p));
                    }
                }
                backwardFeeds.put(graphs.outputGradientInputs().get(output), track(owned, tensor(r, yShape, elementType)));
                try (OrtSession.Result grads = backward.session().run(backwardFeeds)) {
                    Map<String, double[]> out = new HashMap<>();
                    graphs.parameterGradients().forEach((p, g) -> out.put(p, read((OnnxTensor) grads.get(g).orElseThrow())));
                    return out;
                }
            }
        } finally {
            owned.forEach(OnnxTensor::close);
        }
    }

    /** The output's shape in a run, which symbolic input axes leave to the run to tell. */
    private long[] outputShape(ModelSession forward) throws OrtException {
        List<OnnxTensor> owned = new ArrayList<>();
        try (OrtSession.Result result = forward.session().run(feeds(owned), java.util.Set.of(output))) {
            return ((OnnxTensor) result.get(output).orElseThrow()).getInfo().getShape();
        } finally {
            owned.forEach(OnnxTensor::close);
        }
    }

    private void compare(String p, double[] grad, ModelSession forward, double[] r) throws OrtException {
        double[] v = values.get(p);
        int samples = Math.min(v.length, 24);
        for (int s = 0; s < samples; s++) {
            int i = v.length <= 24 ? s : random.nextInt(v.length);
            double saved = v[i];
            v[i] = saved + epsilon;
            double plus = loss(forward, r);
            v[i] = saved - epsilon;
            double minus = loss(forward, r);
            v[i] = saved;
            double numeric = (plus - minus) / (2 * epsilon);
            double error = Math.abs(grad[i] - numeric);
            assertTrue(error <= tolerance * (1 + Math.abs(numeric)),
                    "d" + output + "/d" + p + "[" + i + "]: analytic " + grad[i] + ", numeric " + numeric);
        }
    }

    private double loss(ModelSession forward, double[] r) throws OrtException {
        List<OnnxTensor> owned = new ArrayList<>();
        try {
            Map<String, OnnxTensor> feeds = feeds(owned);
            try (OrtSession.Result result = forward.session().run(feeds, java.util.Set.of(output))) {
                double[] y = read((OnnxTensor) result.get(output).orElseThrow());
                double sum = 0;
                for (int i = 0; i < y.length; i++) {
                    sum += y[i] * r[i];
                }
                return sum;
            }
        } finally {
            owned.forEach(OnnxTensor::close);
        }
    }

    /** The trainable tensors and graph inputs, as the forward graph takes them. */
    private Map<String, OnnxTensor> feeds(List<OnnxTensor> owned) throws OrtException {
        Map<String, OnnxTensor> feeds = new HashMap<>();
        for (String p : trainable) {
            feeds.put(p, track(owned, tensor(values.get(p), shapes.get(p), elementType)));
        }
        for (String i : inputs.keySet()) {
            feeds.put(i, track(owned, tensor(values.get(i), shapes.get(i), types.get(i))));
        }
        return feeds;
    }

    private ValueInfoProto declared(String name) {
        var shape = ai.onnx.proto.OnnxMl.TensorShapeProto.newBuilder();
        long[] dims = shapes.get(name);
        for (int a = 0; a < dims.length; a++) {
            int axis = a;
            boolean symbolic = java.util.Arrays.stream(inputs.get(name)).anyMatch(s -> s == axis);
            shape.addDim(symbolic ? ai.onnx.proto.OnnxMl.TensorShapeProto.Dimension.newBuilder().setDimParam(name + "_" + a)
                    : ai.onnx.proto.OnnxMl.TensorShapeProto.Dimension.newBuilder().setDimValue(dims[a]));
        }
        return ValueInfoProto.newBuilder().setName(name).setType(ai.onnx.proto.OnnxMl.TypeProto.newBuilder()
                .setTensorType(ai.onnx.proto.OnnxMl.TypeProto.Tensor.newBuilder().setElemType(types.get(name)).setShape(shape)))
                .build();
    }

    private static OnnxTensor track(List<OnnxTensor> owned, OnnxTensor t) {
        owned.add(t);
        return t;
    }

    private static OnnxTensor tensor(double[] v, long[] shape, int type) throws OrtException {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        if (type == TensorProto.DataType.DOUBLE_VALUE) {
            return OnnxTensor.createTensor(env, DoubleBuffer.wrap(v), shape);
        }
        if (type == TensorProto.DataType.INT64_VALUE) {
            return OnnxTensor.createTensor(env, java.nio.LongBuffer.wrap(java.util.Arrays.stream(v).mapToLong(x -> (long) x).toArray()), shape);
        }
        float[] f = new float[v.length];
        for (int i = 0; i < v.length; i++) {
            f[i] = (float) v[i];
        }
        return OnnxTensor.createTensor(env, FloatBuffer.wrap(f), shape);
    }

    private static double[] read(OnnxTensor t) {
        if (t.getInfo().type == ai.onnxruntime.OnnxJavaType.DOUBLE) {
            DoubleBuffer b = t.getDoubleBuffer();
            double[] out = new double[b.remaining()];
            b.get(out);
            return out;
        }
        FloatBuffer b = t.getFloatBuffer();
        double[] out = new double[b.remaining()];
        for (int i = 0; i < out.length; i++) {
            out[i] = b.get(i);
        }
        return out;
    }

    private TensorProto tensorProto(String name) {
        double[] v = values.get(name);
        int type = types.get(name);
        ByteBuffer bytes = ByteBuffer.allocate(v.length * TensorTypes.elementBytes(type)).order(ByteOrder.LITTLE_ENDIAN);
        for (double x : v) {
            switch (TensorProto.DataType.forNumber(type)) {
                case DOUBLE -> bytes.putDouble(x);
                case FLOAT -> bytes.putFloat((float) x);
                case INT64 -> bytes.putLong((long) x);
                case INT32 -> bytes.putInt((int) x);
                case BOOL -> bytes.put((byte) (x != 0 ? 1 : 0));
                default -> throw new IllegalArgumentException("type " + type);
            }
        }
        return TensorTypes.tensor(name, type, shapes.get(name), bytes.flip());
    }
}
