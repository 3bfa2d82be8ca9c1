package dev.trainer.runtime;

import ai.onnx.proto.OnnxMl.TensorProto;
import dev.trainer.autodiff.DropoutActivation;
import dev.trainer.autodiff.TrainingGraphs;
import dev.trainer.data.Batch;
import dev.trainer.data.HostTensor;
import dev.trainer.data.InputSpec;
import dev.trainer.onnx.ModelException;
import dev.trainer.onnx.OnnxModel;
import dev.trainer.onnx.TensorTypes;
import dev.trainer.onnx.ValueType;
import dev.trainer.ort.NativeIoBinding;
import dev.trainer.ort.NativeMemoryInfo;
import dev.trainer.ort.NativeValue;
import dev.trainer.ort.OrtStatusException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A {@link TrainingSession} run through ONNX Runtime's C API with I/O binding, so that the data
 * can stay where the graphs run. The parameters and gradients are ORT values over the flat
 * buffers, made once and bound once; the forward graph's outputs and stash are allocated by ORT
 * (in the placement's memory) and handed to the backward graph as they are; the gradients land in
 * the flat gradient buffer. Per step, only the batch is bound anew.
 *
 * <p>On the host ({@link HostPlacement}, ORT's CPU provider) it reproduces the ORT Java path bit
 * for bit and works on the {@link ParameterBuffer} itself. On a GPU ({@link CudaPlacement}) the
 * flat buffers live in device memory: {@link #parameterValues()} and {@link #parameterGradients()}
 * are device segments for {@code CudaKernels}, the loss function receives device segments, and
 * {@link #parameters()} holds host values only after {@link #copyParametersToHost()}. The CUDA
 * path is written but has not run on a GPU.
 */
public final class CapiTrainingSession implements Predictor, AutoCloseable {

    private final OnnxModel model;
    private final TrainingGraphs graphs;
    private final String output;
    private final ValueType outputType;
    private final List<InputSpec> inputs;
    private final Placement placement;
    private final ParameterBuffer parameters;
    private final CapiGraph forward;
    private final CapiGraph backward;
    private final FlatParameters flat;
    private final NativeIoBinding forwardBinding;
    private final NativeIoBinding backwardBinding;
    /** The forward outputs a step binds, the model output first, then the stash values the graph computes. */
    private final List<String> stepOutputs = new ArrayList<>();
    private final List<String> parametersInBackward;
    private final Map<Integer, OutputPair> pinned = new HashMap<>();
    private final NativeMemoryInfo hostMemory = NativeMemoryInfo.cpu();
    private final Arena flagMemory = Arena.ofShared();
    /** The Dropout training-mode feeds, false and true; null without active Dropout. */
    private final NativeValue[] trainingFlags;

    /**
     * Differentiates the model and opens its graphs in {@code placement}, which the session then
     * owns and closes. Use {@link TrainingSession#open} for the host; this for a {@link CudaPlacement}.
     */
    public static CapiTrainingSession open(OnnxModel model, List<String> trainable, String output,
                                           SessionOptions options, CudaPlacement placement) {
        return open(TrainingSession.prepare(model, trainable, output, options), options.threads(), placement);
    }

    static CapiTrainingSession open(TrainingSession.Prepared prepared, int threads, Placement placement) {
        try {
            return new CapiTrainingSession(prepared, threads, placement);
        } catch (RuntimeException e) {
            placement.close();
            throw e;
        }
    }

    private CapiTrainingSession(TrainingSession.Prepared prepared, int threads, Placement placement) {
        this.model = prepared.model();
        this.graphs = prepared.graphs();
        this.output = prepared.output();
        this.outputType = prepared.types().get(output);
        this.inputs = TrainingSession.modelInputs(model, prepared.types());
        this.placement = placement;
        Map<String, long[]> shapes = new LinkedHashMap<>();
        graphs.trainable().forEach(p -> shapes.put(p, prepared.types().get(p).dims()));
        ParameterBuffer p = new ParameterBuffer(shapes);
        List<AutoCloseable> opened = new ArrayList<>(List.of(p));
        try {
            TrainingSession.loadInitialValues(model, p);
            this.trainingFlags = prepared.dropoutActive() ? flags() : null;
            if (trainingFlags != null) {
                opened.addAll(List.of(trainingFlags));
            }
            this.forward = opened(opened, new CapiGraph(graphs.forward(), threads, placement));
            this.backward = opened(opened, new CapiGraph(graphs.backward(), threads, placement));
            this.flat = opened(opened, new FlatParameters(p, placement));
            this.forwardBinding = opened(opened, new NativeIoBinding(forward.session()));
            this.backwardBinding = opened(opened, new NativeIoBinding(backward.session()));
            this.parameters = p;
            stepOutputs.add(output);
            graphs.stash().stream().filter(s -> !isInput(s) && !s.equals(output)).forEach(stepOutputs::add);
            parametersInBackward = graphs.trainable().stream().filter(graphInputs(graphs.backward())::contains).toList();
            bindOnce();
        } catch (RuntimeException e) {
            TrainingSession.closeAll(opened.reversed().toArray(AutoCloseable[]::new));
            flagMemory.close();
            hostMemory.close();
            throw e;
        }
    }

    /** Remembers a resource for closing should the constructor fail. */
    private static <T extends AutoCloseable> T opened(List<AutoCloseable> opened, T resource) {
        opened.add(resource);
        return resource;
    }

    /** Parameters and the training flag feed every forward run; gradients are written in place by every backward run. */
    private void bindOnce() {
        graphs.trainable().forEach(name -> forwardBinding.input(name, flat.value(name)));
        if (trainingFlags != null) {
            forwardBinding.input(DropoutActivation.TRAINING_FLAG, trainingFlags[1]);
        }
        graphs.parameterGradients().forEach((param, gradient) -> backwardBinding.output(gradient, flat.gradient(param)));
    }

    /** A graph's inputs that are not initializers: what a run must feed. */
    private static Set<String> graphInputs(OnnxModel graph) {
        Set<String> names = new HashSet<>();
        graph.proto().getGraph().getInputList().forEach(i -> names.add(i.getName()));
        graph.proto().getGraph().getInitializerList().forEach(t -> names.remove(t.getName()));
        return names;
    }

    private boolean isInput(String name) {
        return inputs.stream().anyMatch(i -> i.name().equals(name));
    }

    public List<InputSpec> inputs() {
        return inputs;
    }

    /** The host parameter buffer; on a device it holds current values only after {@link #copyParametersToHost()}. */
    public ParameterBuffer parameters() {
        return parameters;
    }

    /** The flat parameter values where the graphs read them: host memory, or device memory on a GPU. */
    public MemorySegment parameterValues() {
        return flat.values();
    }

    /** The flat gradients where the backward graph writes them: host memory, or device memory on a GPU. */
    public MemorySegment parameterGradients() {
        return flat.gradients();
    }

    /** Brings the trained values back to {@link #parameters()} (for checkpoints and export). */
    public void copyParametersToHost() {
        flat.copyToHost();
    }

    /** Sends values set in {@link #parameters()} to where the graphs read them. */
    public void copyParametersFromHost() {
        flat.copyFromHost();
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

    public boolean dropoutActive() {
        return trainingFlags != null;
    }

    /**
     * Runs forward, loss and backward on a batch; afterwards {@link #parameterGradients()} holds
     * the gradient of the returned loss.
     */
    public double step(Batch batch, LossFunction loss) {
        Map<String, NativeValue> batchValues = new HashMap<>();
        List<NativeValue> produced = List.of();
        try {
            bindBatch(forwardBinding, batch, placement.memoryInfo(), true, batchValues);
            OutputPair pinnedPair = pinnedOutputs(batch.size());
            bindStepOutputs(pinnedPair);
            forwardBinding.run();
            produced = forwardBinding.outputs();
            forwardBinding.clearOutputs();
            OutputPair pair = pinnedPair != null ? pinnedPair : gradientFor(produced.getFirst());
            try {
                double value = loss.lossAndGradient(pair.values(), pair.shape(), batch, pair.gradients());
                runBackward(batchValues, pair, produced);
                return value;
            } finally {
                if (pinnedPair == null) {
                    pair.close();
                }
            }
        } catch (OrtStatusException e) {
            throw new IllegalStateException("ONNX Runtime failed in a training step: "
                    + ModelSession.firstLine(e.getMessage()), e);
        } finally {
            produced.forEach(NativeValue::close);
            batchValues.values().forEach(NativeValue::close);
        }
    }

    /** Binds each model input to a value over the batch's memory in {@code memory} (staged there when needed). */
    private void bindBatch(NativeIoBinding binding, Batch batch, NativeMemoryInfo memory, boolean placed,
                           Map<String, NativeValue> values) {
        for (InputSpec spec : inputs) {
            HostTensor t = batch.input(spec.name());
            MemorySegment data = placed ? placement.stage(spec.name(), t) : MemorySegment.ofBuffer(t.data());
            NativeValue value = NativeValue.tensorOver(memory, data, t.shape(), Tensors.onnxType(t.type()));
            values.put(spec.name(), value);
            binding.input(spec.name(), value);
        }
    }

    /** The model output into our pinned buffer when its shape is known, else allocated by ORT; the stash by ORT. */
    private void bindStepOutputs(OutputPair pinnedPair) {
        for (String name : stepOutputs) {
            if (name.equals(output) && pinnedPair != null) {
                forwardBinding.output(name, pinnedPair.output());
            } else {
                forwardBinding.outputOn(name, placement.memoryInfo());
            }
        }
    }

    /** Feeds the backward graph this step's stash, the output's gradient and the parameters; drops them after. */
    private void runBackward(Map<String, NativeValue> batchValues, OutputPair pair, List<NativeValue> produced) {
        backwardBinding.clearInputs();
        for (String p : parametersInBackward) {
            backwardBinding.input(p, flat.value(p));
        }
        backwardBinding.input(graphs.outputGradientInputs().get(output), pair.gradient());
        for (String s : graphs.stash()) {
            NativeValue value = batchValues.containsKey(s) ? batchValues.get(s)
                    : s.equals(output) ? pair.output() : produced.get(stepOutputs.indexOf(s));
            backwardBinding.input(s, value);
        }
        backwardBinding.run();
        backwardBinding.clearInputs();
    }

    /**
     * The model output and its gradient as values over buffers the loss kernel reads and writes
     * directly; {@code memory} is null when the output buffer belongs to ORT.
     */
    private record OutputPair(NativeValue output, NativeValue gradient, MemorySegment values, MemorySegment gradients,
                              long[] shape, PlacedMemory outputMemory, PlacedMemory gradientMemory)
            implements AutoCloseable {
        @Override
        public void close() {
            gradient.close();
            gradientMemory.close();
            if (outputMemory != null) {
                output.close();
                outputMemory.close();
            }
        }
    }

    /** Where the output's per-sample shape is static, a pinned pair per batch size; otherwise null. */
    private OutputPair pinnedOutputs(int batchSize) {
        if (!outputType.isStaticPerSample()) {
            return null;
        }
        return pinned.computeIfAbsent(batchSize, n -> {
            long[] shape = outputType.dims().clone();
            shape[0] = n;
            long bytes = TensorTypes.elementCount(shape) * Float.BYTES;
            PlacedMemory values = placement.allocate(bytes);
            PlacedMemory gradients = placement.allocate(bytes);
            return new OutputPair(floats(values.segment(), shape), floats(gradients.segment(), shape),
                    values.segment(), gradients.segment(), shape, values, gradients);
        });
    }

    /** For an output whose shape only the run reveals: read it where ORT put it, with a fresh gradient buffer. */
    private OutputPair gradientFor(NativeValue out) {
        long[] shape = out.shape();
        long bytes = TensorTypes.elementCount(shape) * Float.BYTES;
        PlacedMemory gradients = placement.allocate(bytes);
        return new OutputPair(out, floats(gradients.segment(), shape), out.data(bytes), gradients.segment(), shape,
                null, gradients);
    }

    private NativeValue floats(MemorySegment memory, long[] shape) {
        return NativeValue.tensorOver(placement.memoryInfo(), memory, shape, TensorProto.DataType.FLOAT_VALUE);
    }

    /** Runs the model on a batch with the current parameters, Dropout off; outputs come back to the host. */
    @Override
    public Map<String, float[]> predict(Batch batch, List<String> outputs) {
        Map<String, NativeValue> batchValues = new HashMap<>();
        List<NativeValue> results = List.of();
        try (NativeIoBinding binding = new NativeIoBinding(forward.session())) {
            graphs.trainable().forEach(name -> binding.input(name, flat.value(name)));
            if (trainingFlags != null) {
                binding.input(DropoutActivation.TRAINING_FLAG, trainingFlags[0]);
            }
            bindBatch(binding, batch, hostMemory, false, batchValues);
            outputs.forEach(name -> binding.outputOn(name, hostMemory));
            binding.run();
            results = binding.outputs();
            Map<String, float[]> values = new LinkedHashMap<>();
            for (int i = 0; i < outputs.size(); i++) {
                values.put(outputs.get(i), hostFloats(outputs.get(i), results.get(i)));
            }
            return values;
        } catch (OrtStatusException e) {
            throw new IllegalStateException("ONNX Runtime failed to run the model: "
                    + ModelSession.firstLine(e.getMessage()), e);
        } finally {
            results.forEach(NativeValue::close);
            batchValues.values().forEach(NativeValue::close);
        }
    }

    private static float[] hostFloats(String name, NativeValue value) {
        if (value.elementType() != TensorProto.DataType.FLOAT_VALUE) {
            throw new ModelException("output " + name + " is "
                    + TensorTypes.name(value.elementType()) + ", not float32");
        }
        long count = TensorTypes.elementCount(value.shape());
        return value.data(count * Float.BYTES).toArray(ValueLayout.JAVA_FLOAT);
    }

    private NativeValue[] flags() {
        NativeValue[] flags = new NativeValue[2];
        for (int on = 0; on < 2; on++) {
            MemorySegment flag = flagMemory.allocate(1);
            flag.set(ValueLayout.JAVA_BOOLEAN, 0, on == 1);
            flags[on] = NativeValue.tensorOver(hostMemory, flag, new long[0], TensorProto.DataType.BOOL_VALUE);
        }
        return flags;
    }

    @Override
    public void close() {
        pinned.values().forEach(OutputPair::close);
        if (trainingFlags != null) {
            trainingFlags[0].close();
            trainingFlags[1].close();
        }
        TrainingSession.closeAll(forwardBinding, backwardBinding, flat, backward, forward, parameters, placement);
        flagMemory.close();
        hostMemory.close();
    }
}
