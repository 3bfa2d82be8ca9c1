package dev.trainer.runtime;

import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.trainer.autodiff.ReverseMode;
import dev.trainer.autodiff.TrainingGraphs;
import dev.trainer.data.Batch;
import dev.trainer.data.InputSpec;
import dev.trainer.onnx.ModelException;
import dev.trainer.onnx.OnnxModel;
import dev.trainer.onnx.TensorTypes;
import dev.trainer.onnx.ValueType;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One model being trained: its forward and backward sessions, and its trainable parameters in a
 * {@link ParameterBuffer}. A step runs the forward graph, the loss, and the backward graph, which
 * leaves the gradients in {@link ParameterBuffer#gradients()}; updating the parameters is the
 * caller's (the optimizer's) business.
 */
public final class TrainingSession implements Predictor, AutoCloseable {

    private final OnnxModel model;
    private final TrainingGraphs graphs;
    private final String output;
    private final ValueType outputType;
    private final List<InputSpec> inputs;
    private final ModelSession forward;
    private final ModelSession backward;
    private final ParameterBuffer parameters;
    private final Set<String> forwardOutputsForStep;
    private final Arena arena = Arena.ofShared();
    private MemorySegment outputBuffer = MemorySegment.NULL;
    private MemorySegment outputGradientBuffer = MemorySegment.NULL;

    private TrainingSession(OnnxModel model, TrainingGraphs graphs, String output, Map<String, ValueType> types) {
        this.model = model;
        this.graphs = graphs;
        this.output = output;
        this.outputType = types.get(output);
        this.inputs = modelInputs(model, types);
        Map<String, long[]> shapes = new LinkedHashMap<>();
        graphs.trainable().forEach(p -> shapes.put(p, types.get(p).dims()));
        ModelSession f = null;
        ModelSession b = null;
        ParameterBuffer p = null;
        try {
            f = ModelSession.open(graphs.forward());
            b = ModelSession.open(graphs.backward());
            p = new ParameterBuffer(shapes);
        } catch (RuntimeException e) {
            closeAll(f, b, p);
            throw e;
        }
        this.forward = f;
        this.backward = b;
        this.parameters = p;
        for (TensorProto t : model.proto().getGraph().getInitializerList()) {
            if (shapes.containsKey(t.getName())) {
                parameters.load(t.getName(), model.initializerBytes(t));
            }
        }
        Set<String> graphInputs = new HashSet<>();
        inputs.forEach(i -> graphInputs.add(i.name()));
        forwardOutputsForStep = new LinkedHashSet<>();
        forwardOutputsForStep.add(output);
        graphs.stash().stream().filter(s -> !graphInputs.contains(s)).forEach(forwardOutputsForStep::add);
    }

    /**
     * Differentiates the model with respect to the trainable initializers and opens its sessions.
     *
     * @param output the model output the loss reads; it must be float32
     */
    public static TrainingSession open(OnnxModel model, List<String> trainable, String output) {
        Map<String, ValueType> types = ShapeInference.infer(model);
        ValueType outputType = types.get(output);
        if (outputType == null || model.proto().getGraph().getOutputList().stream().noneMatch(o -> o.getName().equals(output))) {
            throw new ModelException("model has no output named " + output);
        }
        if (outputType.elementType() != TensorProto.DataType.FLOAT_VALUE) {
            throw new ModelException("output " + output + " is " + outputType + "; trainer trains float32 outputs");
        }
        for (String p : trainable) {
            ValueType t = types.get(p);
            if (t != null && t.elementType() != TensorProto.DataType.FLOAT_VALUE) {
                throw new ModelException("parameter " + p + " is " + t + "; trainer trains float32 parameters");
            }
        }
        TrainingGraphs graphs = ReverseMode.differentiate(model, trainable, List.of(output), types);
        return new TrainingSession(model, graphs, output, types);
    }

    /** The model's inputs that data must fill: graph inputs that are not initializers. */
    public static List<InputSpec> modelInputs(OnnxModel model, Map<String, ValueType> types) {
        Set<String> initializers = new HashSet<>();
        model.proto().getGraph().getInitializerList().forEach(t -> initializers.add(t.getName()));
        List<InputSpec> specs = new ArrayList<>();
        for (ValueInfoProto input : model.proto().getGraph().getInputList()) {
            if (!initializers.contains(input.getName())) {
                ValueType t = types.get(input.getName());
                if (t == null) {
                    throw new ModelException("model input " + input.getName() + " declares no tensor shape");
                }
                specs.add(new InputSpec(input.getName(), Tensors.elementType(t.elementType()), t.dims()));
            }
        }
        return specs;
    }

    public List<InputSpec> inputs() {
        return inputs;
    }

    public ParameterBuffer parameters() {
        return parameters;
    }

    public TrainingGraphs graphs() {
        return graphs;
    }

    public OnnxModel model() {
        return model;
    }

    public String output() {
        return output;
    }

    public ValueType outputType() {
        return outputType;
    }

    /**
     * Runs forward, loss and backward on a batch; afterwards {@link ParameterBuffer#gradients()}
     * holds the gradient of the returned loss.
     */
    public double step(Batch batch, LossFunction loss) {
        Map<String, OnnxTensor> batchTensors = InferenceSession.wrap(batch, inputs);
        try {
            Map<String, OnnxTensor> feeds = new HashMap<>(batchTensors);
            for (String p : graphs.trainable()) {
                feeds.put(p, parameters.valueTensor(p));
            }
            try (OrtSession.Result result = forward.session().run(feeds, forwardOutputsForStep)) {
                OnnxTensor out = (OnnxTensor) result.get(output).orElseThrow();
                long[] shape = out.getInfo().getShape();
                long count = TensorTypes.elementCount(shape);
                ensureOutputCapacity(count);
                MemorySegment outputs = outputBuffer.asSlice(0, count * Float.BYTES);
                MemorySegment.copy(MemorySegment.ofBuffer(out.getFloatBuffer()), 0, outputs, 0, count * Float.BYTES);
                MemorySegment dOutputs = outputGradientBuffer.asSlice(0, count * Float.BYTES);
                double value = loss.lossAndGradient(outputs, shape, batch, dOutputs);
                try (OnnxTensor dOut = Tensors.over(dOutputs, shape, OnnxJavaType.FLOAT)) {
                    Map<String, OnnxTensor> backwardFeeds = new HashMap<>();
                    backwardFeeds.put(graphs.outputGradientInputs().get(output), dOut);
                    for (String s : graphs.stash()) {
                        OnnxTensor t = batchTensors.containsKey(s) ? batchTensors.get(s) : (OnnxTensor) result.get(s).orElseThrow();
                        backwardFeeds.put(s, t);
                    }
                    for (String p : graphs.trainable()) {
                        if (backward.session().getInputNames().contains(p)) {
                            backwardFeeds.put(p, parameters.valueTensor(p));
                        }
                    }
                    Map<String, OnnxValue> pinned = new LinkedHashMap<>();
                    graphs.parameterGradients().forEach((p, gradName) -> pinned.put(gradName, parameters.gradientTensor(p)));
                    backward.session().run(backwardFeeds, pinned).close();
                }
                return value;
            }
        } catch (OrtException e) {
            throw new IllegalStateException("ONNX Runtime failed in a training step: " + ModelSession.firstLine(e.getMessage()), e);
        } finally {
            batchTensors.values().forEach(OnnxTensor::close);
        }
    }

    /** Runs the model on a batch with the current parameters. */
    @Override
    public Map<String, float[]> predict(Batch batch, List<String> outputs) {
        Map<String, OnnxTensor> feeds = new HashMap<>();
        for (String p : graphs.trainable()) {
            feeds.put(p, parameters.valueTensor(p));
        }
        return InferenceSession.run(forward.session(), batch, inputs, feeds, outputs);
    }

    private void ensureOutputCapacity(long count) {
        if (outputBuffer.byteSize() < count * Float.BYTES) {
            outputBuffer = arena.allocate(ValueLayout.JAVA_FLOAT, count);
            outputGradientBuffer = arena.allocate(ValueLayout.JAVA_FLOAT, count);
        }
    }

    @Override
    public void close() {
        closeAll(forward, backward, parameters);
        arena.close();
    }

    private static void closeAll(AutoCloseable... resources) {
        RuntimeException failure = null;
        for (AutoCloseable r : resources) {
            if (r == null) {
                continue;
            }
            try {
                r.close();
            } catch (Exception e) {
                if (failure == null) {
                    failure = new IllegalStateException("closing the training session failed", e);
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
    }
}
