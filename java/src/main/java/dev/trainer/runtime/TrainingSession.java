package dev.trainer.runtime;

import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.trainer.autodiff.DropoutActivation;
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
    private final Map<Integer, OutputPair> pinned = new HashMap<>();
    private final Set<String> stashOutputs;
    private final List<String> parametersInBackward;
    /** The Dropout training-mode feeds, true for steps and false for predictions; null without active Dropout. */
    private final OnnxTensor[] trainingFlags;
    private final Map<String, OnnxValue> gradientOutputs = new LinkedHashMap<>();
    /** The C-API session this one stands for when opened with {@link SessionRuntime#C_API}; null otherwise. */
    private final CapiTrainingSession capi;

    /** The model and graphs a session opens, whichever runtime runs them. */
    record Prepared(OnnxModel model, TrainingGraphs graphs, String output, Map<String, ValueType> types,
                    boolean dropoutActive) {
    }

    private TrainingSession(Prepared prepared, int threads) {
        OnnxModel model = prepared.model();
        TrainingGraphs graphs = prepared.graphs();
        String output = prepared.output();
        Map<String, ValueType> types = prepared.types();
        this.capi = null;
        this.model = model;
        this.trainingFlags = prepared.dropoutActive() ? flags() : null;
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
            f = ModelSession.open(graphs.forward(), OrtSession.SessionOptions.OptLevel.ALL_OPT, threads, false);
            b = ModelSession.open(graphs.backward(), OrtSession.SessionOptions.OptLevel.ALL_OPT, threads, false);
            p = new ParameterBuffer(shapes);
        } catch (RuntimeException e) {
            closeAll(f, b, p);
            throw e;
        }
        this.forward = f;
        this.backward = b;
        this.parameters = p;
        loadInitialValues(model, parameters);
        Set<String> graphInputs = new HashSet<>();
        inputs.forEach(i -> graphInputs.add(i.name()));
        forwardOutputsForStep = new LinkedHashSet<>();
        forwardOutputsForStep.add(output);
        graphs.stash().stream().filter(s -> !graphInputs.contains(s)).forEach(forwardOutputsForStep::add);
        stashOutputs = new LinkedHashSet<>(forwardOutputsForStep);
        stashOutputs.remove(output);
        parametersInBackward = graphs.trainable().stream().filter(backward.session().getInputNames()::contains).toList();
        graphs.parameterGradients().forEach((param, gradName) -> gradientOutputs.put(gradName, parameters.gradientTensor(param)));
    }

    /** Stands for a C-API session: every call goes to it. */
    private TrainingSession(CapiTrainingSession capi) {
        this.capi = capi;
        this.model = capi.model();
        this.graphs = capi.graphs();
        this.output = capi.output();
        this.outputType = capi.outputType();
        this.inputs = capi.inputs();
        this.parameters = capi.parameters();
        this.forward = null;
        this.backward = null;
        this.forwardOutputsForStep = null;
        this.stashOutputs = null;
        this.parametersInBackward = null;
        this.trainingFlags = null;
    }

    /** Sets each trainable parameter to its initializer's value in the model. */
    static void loadInitialValues(OnnxModel model, ParameterBuffer parameters) {
        for (TensorProto t : model.proto().getGraph().getInitializerList()) {
            if (parameters.contains(t.getName())) {
                parameters.load(t.getName(), model.initializerBytes(t));
            }
        }
    }

    /**
     * Differentiates the model with respect to the trainable initializers and opens its sessions.
     *
     * @param output the model output the loss reads; it must be float32
     */
    public static TrainingSession open(OnnxModel model, List<String> trainable, String output) {
        return open(model, trainable, output, SessionOptions.DEFAULT);
    }

    /**
     * As {@link #open(OnnxModel, List, String)}, with the model's Dropout nodes active in training
     * steps (seeded) and inactive in {@link #predict} when the options ask for it, on the runtime
     * {@code -Dtrainer.runtime} selects ({@link SessionRuntime#selected()}).
     */
    public static TrainingSession open(OnnxModel model, List<String> trainable, String output, SessionOptions options) {
        return open(model, trainable, output, options, SessionRuntime.selected());
    }

    /** As {@link #open(OnnxModel, List, String, SessionOptions)}, on the given runtime. */
    public static TrainingSession open(OnnxModel model, List<String> trainable, String output, SessionOptions options,
                                       SessionRuntime runtime) {
        Prepared prepared = prepare(model, trainable, output, options);
        return switch (runtime) {
            case JAVA_API -> new TrainingSession(prepared, options.threads());
            case C_API -> new TrainingSession(CapiTrainingSession.open(prepared, options.threads(), new HostPlacement()));
        };
    }

    /** Checks the output and parameters and differentiates the model. */
    static Prepared prepare(OnnxModel model, List<String> trainable, String output, SessionOptions options) {
        boolean activate = options.dropout() && DropoutActivation.applies(model);
        OnnxModel training = activate ? DropoutActivation.activate(model, options.seed()) : model;
        Map<String, ValueType> types = ShapeInference.infer(training);
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
        TrainingGraphs graphs = ReverseMode.differentiate(training, trainable, List.of(output), types);
        return new Prepared(model, graphs, output, types, activate);
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
        if (capi != null) {
            return capi.step(batch, loss);
        }
        Map<String, OnnxTensor> batchTensors = InferenceSession.wrap(batch, inputs);
        try {
            Map<String, OnnxTensor> feeds = new HashMap<>(batchTensors);
            for (String p : graphs.trainable()) {
                feeds.put(p, parameters.valueTensor(p));
            }
            if (trainingFlags != null) {
                feeds.put(DropoutActivation.TRAINING_FLAG, trainingFlags[1]);
            }
            OutputPair pinned = pinnedOutputs(batch.size());
            try (OrtSession.Result result = pinned == null
                    ? forward.session().run(feeds, forwardOutputsForStep)
                    : forward.session().run(feeds, stashOutputs, Map.of(output, pinned.output()))) {
                OutputPair pair = pinned != null ? pinned : copiedOutputs((OnnxTensor) result.get(output).orElseThrow());
                double value = loss.lossAndGradient(pair.values(), pair.shape(), batch, pair.gradients());
                Map<String, OnnxTensor> backwardFeeds = new HashMap<>();
                backwardFeeds.put(graphs.outputGradientInputs().get(output), pair.gradient());
                for (String s : graphs.stash()) {
                    OnnxTensor t = batchTensors.containsKey(s) ? batchTensors.get(s)
                            : s.equals(output) ? pair.output() : (OnnxTensor) result.get(s).orElseThrow();
                    backwardFeeds.put(s, t);
                }
                for (String p : parametersInBackward) {
                    backwardFeeds.put(p, parameters.valueTensor(p));
                }
                backward.session().run(backwardFeeds, gradientOutputs).close();
                if (pinned == null) {
                    pair.close();
                }
                return value;
            }
        } catch (OrtException e) {
            throw new IllegalStateException("ONNX Runtime failed in a training step: " + ModelSession.firstLine(e.getMessage()), e);
        } finally {
            batchTensors.values().forEach(OnnxTensor::close);
        }
    }

    /**
     * The model output and its gradient as tensors over native buffers the loss kernel reads and
     * writes directly.
     */
    private record OutputPair(OnnxTensor output, OnnxTensor gradient, MemorySegment values, MemorySegment gradients,
                              long[] shape, Arena ownMemory) implements AutoCloseable {
        @Override
        public void close() {
            output.close();
            gradient.close();
            if (ownMemory != null) {
                ownMemory.close();
            }
        }
    }

    /**
     * Where the output's per-sample shape is static, ORT writes it straight into a buffer of ours
     * (a pinned output), one pair per batch size; otherwise {@code null}.
     */
    private OutputPair pinnedOutputs(int batchSize) {
        if (!outputType.isStaticPerSample()) {
            return null;
        }
        return pinned.computeIfAbsent(batchSize, n -> {
            long[] shape = outputType.dims().clone();
            shape[0] = n;
            long count = TensorTypes.elementCount(shape);
            MemorySegment values = arena.allocate(ValueLayout.JAVA_FLOAT, Math.max(1, count));
            MemorySegment gradients = arena.allocate(ValueLayout.JAVA_FLOAT, Math.max(1, count));
            return new OutputPair(Tensors.over(values, shape, OnnxJavaType.FLOAT),
                    Tensors.over(gradients, shape, OnnxJavaType.FLOAT), values, gradients, shape, null);
        });
    }

    /** For outputs whose shape only the run reveals: copy the output once into a buffer of ours. */
    private OutputPair copiedOutputs(OnnxTensor out) throws OrtException {
        long[] shape = out.getInfo().getShape();
        long count = TensorTypes.elementCount(shape);
        Arena memory = Arena.ofShared();
        MemorySegment values = memory.allocate(ValueLayout.JAVA_FLOAT, Math.max(1, count));
        MemorySegment.copy(MemorySegment.ofBuffer(out.getFloatBuffer()), 0, values, 0, count * Float.BYTES);
        MemorySegment gradients = memory.allocate(ValueLayout.JAVA_FLOAT, Math.max(1, count));
        return new OutputPair(Tensors.over(values, shape, OnnxJavaType.FLOAT),
                Tensors.over(gradients, shape, OnnxJavaType.FLOAT), values, gradients, shape, memory);
    }

    /** Runs the model on a batch with the current parameters. */
    @Override
    public Map<String, float[]> predict(Batch batch, List<String> outputs) {
        if (capi != null) {
            return capi.predict(batch, outputs);
        }
        Map<String, OnnxTensor> feeds = new HashMap<>();
        for (String p : graphs.trainable()) {
            feeds.put(p, parameters.valueTensor(p));
        }
        if (trainingFlags != null) {
            feeds.put(DropoutActivation.TRAINING_FLAG, trainingFlags[0]);
        }
        return InferenceSession.run(forward.session(), batch, inputs, feeds, outputs);
    }

    private static OnnxTensor[] flags() {
        try {
            var env = ai.onnxruntime.OrtEnvironment.getEnvironment();
            return new OnnxTensor[] {OnnxTensor.createTensor(env, false), OnnxTensor.createTensor(env, true)};
        } catch (OrtException e) {
            throw new IllegalStateException("cannot make the training-mode flags", e);
        }
    }

    /** Whether the model's Dropout nodes are active in training steps. */
    public boolean dropoutActive() {
        return capi != null ? capi.dropoutActive() : trainingFlags != null;
    }

    @Override
    public void close() {
        if (capi != null) {
            capi.close();
            arena.close();
            return;
        }
        if (trainingFlags != null) {
            trainingFlags[0].close();
            trainingFlags[1].close();
        }
        pinned.values().forEach(OutputPair::close);
        closeAll(forward, backward, parameters);
        arena.close();
    }

    /** Closes each non-null resource, all of them even when some fail; then throws the first failure. */
    static void closeAll(AutoCloseable... resources) {
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
