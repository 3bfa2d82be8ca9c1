package dev.trainer.runtime;

import ai.onnx.proto.OnnxMl.TensorProto;
import dev.trainer.ModelException;
import dev.trainer.autodiff.TrainingGraphs;
import dev.trainer.data.Batch;
import dev.trainer.data.HostTensor;
import dev.trainer.data.InputSpec;
import dev.trainer.edit.DropoutActivation;
import dev.trainer.onnx.OnnxModel;
import dev.trainer.onnx.TensorTypes;
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
 * A {@link TrainingSession} run through ONNX Runtime's C API with I/O binding, so that every
 * tensor can stay in the {@link Placement}'s memory. The parameters and gradients are ORT values
 * over the placed flat buffers, made once and bound once; the forward graph's outputs and stash
 * are allocated by ORT in the placement's memory and handed to the backward graph as they are; the
 * gradients land in the flat gradient buffer. Per step only the batch is staged and bound anew.
 *
 * <p>On the host ({@link HostPlacement}, ORT's CPU provider) it reproduces {@link OrtTrainingSession}
 * bit for bit and trains the {@link ParameterBuffer} itself. On a GPU ({@link CudaPlacement}, ORT's
 * CUDA provider on the placement's stream) the loss function receives device segments, and
 * {@link #parameters()} is the host copy of the placed buffers. The CUDA path has not run on a GPU.
 */
final class CapiTrainingSession implements TrainingSession {

    private final TrainingPlan plan;
    private final Placement placement;
    private final OrtPlacement ort;
    private final ParameterBuffer parameters;
    private final PlacedParameters placed;
    private final CapiGraph forward;
    private final CapiGraph backward;
    private final ParameterValues values;
    private final NativeIoBinding forwardBinding;
    private final NativeIoBinding backwardBinding;
    /** The forward outputs a step binds, the model output first, then the stash values the graph computes. */
    private final List<String> stepOutputs = new ArrayList<>();
    private final List<String> parametersInBackward;
    private final Map<Integer, OutputPair> pinned = new HashMap<>();
    private final Arena flagMemory = Arena.ofShared();
    /** The Dropout training-mode feeds, 0 and 1; null without active Dropout. */
    private final NativeValue[] trainingFlags;
    /** The Dropout keys on the host, rewritten before each training step; null without active Dropout. */
    private final MemorySegment dropoutKeys;
    private final NativeValue dropoutKeysValue;

    /** Opens the plan's graphs in {@code placement}, which stays the caller's to close. */
    CapiTrainingSession(TrainingPlan plan, int threads, Placement placement) {
        this.plan = plan;
        this.placement = placement;
        TrainingGraphs graphs = plan.graphs();
        List<AutoCloseable> opened = new ArrayList<>();
        try {
            this.ort = opened(opened, new OrtPlacement(placement));
            this.parameters = opened(opened, plan.parameterBuffer());
            this.placed = opened(opened, PlacedParameters.in(placement, parameters));
            this.trainingFlags = plan.dropoutActive() ? flags() : null;
            this.dropoutKeys = plan.dropoutActive() ? flagMemory.allocate(ValueLayout.JAVA_INT, 2L * plan.dropoutNodes())
                    : null;
            this.dropoutKeysValue = plan.dropoutActive() ? NativeValue.tensorOver(ort.hostMemoryInfo(), dropoutKeys,
                    new long[] {2L * plan.dropoutNodes()}, TensorProto.DataType.INT32_VALUE) : null;
            if (trainingFlags != null) {
                opened.addAll(List.of(trainingFlags));
                opened.add(dropoutKeysValue);
            }
            this.forward = opened(opened, new CapiGraph(graphs.forward(), threads, ort));
            this.backward = opened(opened, new CapiGraph(graphs.backward(), threads, ort));
            this.values = opened(opened, new ParameterValues(placed, ort.memoryInfo()));
            this.forwardBinding = opened(opened, new NativeIoBinding(forward.session()));
            this.backwardBinding = opened(opened, new NativeIoBinding(backward.session()));
            stepOutputs.add(plan.output());
            graphs.stash().stream().filter(s -> !isInput(s) && dropoutInput(s) == null && !s.equals(plan.output()))
                    .forEach(stepOutputs::add);
            parametersInBackward = graphs.trainable().stream().filter(graphInputs(graphs.backward())::contains).toList();
            bindOnce();
        } catch (RuntimeException e) {
            Closer.closeAll(opened.reversed().toArray(AutoCloseable[]::new));
            flagMemory.close();
            throw e;
        }
    }

    /** Remembers a resource for closing should the constructor fail. */
    private static <T extends AutoCloseable> T opened(List<AutoCloseable> opened, T resource) {
        opened.add(resource);
        return resource;
    }

    /**
     * Parameters, the training flag and the Dropout keys (their memory rewritten for each step) feed
     * every forward run; gradients are written in place by every backward run.
     */
    private void bindOnce() {
        plan.graphs().trainable().forEach(name -> forwardBinding.input(name, values.value(name)));
        if (trainingFlags != null) {
            forwardBinding.input(DropoutActivation.TRAINING_FLAG, trainingFlags[1]);
            forwardBinding.input(DropoutActivation.KEYS, dropoutKeysValue);
        }
        plan.graphs().parameterGradients().forEach((param, gradient) ->
                backwardBinding.output(gradient, values.gradient(param)));
    }

    /** A graph's inputs that are not initializers: what a run must feed. */
    private static Set<String> graphInputs(OnnxModel graph) {
        Set<String> names = new HashSet<>();
        graph.proto().getGraph().getInputList().forEach(i -> names.add(i.getName()));
        graph.proto().getGraph().getInitializerList().forEach(t -> names.remove(t.getName()));
        return names;
    }

    private boolean isInput(String name) {
        return plan.inputs().stream().anyMatch(i -> i.name().equals(name));
    }

    /**
     * The training flag or the Dropout keys a training forward reads, when {@code name} is one of
     * them, else null: a backward that computes Dropout masks again ({@code --recompute segments})
     * reads them too.
     */
    private NativeValue dropoutInput(String name) {
        if (trainingFlags == null) {
            return null;
        }
        return name.equals(DropoutActivation.TRAINING_FLAG) ? trainingFlags[1]
                : name.equals(DropoutActivation.KEYS) ? dropoutKeysValue : null;
    }

    @Override
    public TrainingPlan plan() {
        return plan;
    }

    @Override
    public ParameterBuffer parameters() {
        return parameters;
    }

    @Override
    public PlacedParameters placed() {
        return placed;
    }

    @Override
    public double step(Batch batch, long draw, LossFunction loss) {
        Map<String, NativeValue> batchValues = new HashMap<>();
        List<NativeValue> produced = List.of();
        try {
            if (dropoutKeys != null) {
                MemorySegment.copy(plan.dropoutKeys(draw), 0, dropoutKeys, ValueLayout.JAVA_INT, 0, 2 * plan.dropoutNodes());
            }
            bindBatch(forwardBinding, batch, batchValues);
            OutputPair pinnedPair = pinnedOutputs(batch.size());
            bindStepOutputs(pinnedPair);
            forwardBinding.run();
            produced = forwardBinding.outputs();
            forwardBinding.clearOutputs();
            OutputPair pair = pinnedPair != null ? pinnedPair : gradientFor(produced.getFirst());
            try {
                double value = loss.lossAndGradient(pair.values(), pair.shape(), batch, pair.gradients());
                runBackward(batchValues, pair, produced);
                placed.changed();
                return value;
            } finally {
                if (pinnedPair == null) {
                    pair.close();
                }
            }
        } catch (OrtStatusException e) {
            OrtErrors.rethrowShortage(e);
            throw new IllegalStateException("ONNX Runtime failed in a training step: " + OrtErrors.message(e), e);
        } finally {
            produced.forEach(NativeValue::close);
            batchValues.values().forEach(NativeValue::close);
        }
    }

    /** Binds each model input to a value over the batch, staged where the graphs run. */
    private void bindBatch(NativeIoBinding binding, Batch batch, Map<String, NativeValue> values) {
        for (InputSpec spec : plan.inputs()) {
            HostTensor t = batch.input(spec.name());
            MemorySegment data = placement.stage("input " + spec.name(), MemorySegment.ofBuffer(t.data()));
            NativeValue value = NativeValue.tensorOver(ort.memoryInfo(), data, t.shape(), Tensors.onnxType(t.type()));
            values.put(spec.name(), value);
            binding.input(spec.name(), value);
        }
    }

    /** The model output into our pinned buffer when its shape is known, else allocated by ORT; the stash by ORT. */
    private void bindStepOutputs(OutputPair pinnedPair) {
        for (String name : stepOutputs) {
            if (name.equals(plan.output()) && pinnedPair != null) {
                forwardBinding.output(name, pinnedPair.output());
            } else {
                forwardBinding.outputOn(name, ort.memoryInfo());
            }
        }
    }

    /** Feeds the backward graph this step's stash, the output's gradient and the parameters; drops them after. */
    private void runBackward(Map<String, NativeValue> batchValues, OutputPair pair, List<NativeValue> produced) {
        TrainingGraphs graphs = plan.graphs();
        backwardBinding.clearInputs();
        for (String p : parametersInBackward) {
            backwardBinding.input(p, values.value(p));
        }
        backwardBinding.input(graphs.outputGradientInputs().get(plan.output()), pair.gradient());
        for (String s : graphs.stash()) {
            NativeValue value = batchValues.containsKey(s) ? batchValues.get(s)
                    : dropoutInput(s) != null ? dropoutInput(s)
                    : s.equals(plan.output()) ? pair.output() : produced.get(stepOutputs.indexOf(s));
            backwardBinding.input(s, value);
        }
        backwardBinding.run();
        backwardBinding.clearInputs();
    }

    /**
     * The model output and its gradient as values over buffers the loss kernel reads and writes
     * directly; {@code outputMemory} is null when the output buffer belongs to ORT.
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
        if (!plan.outputType().isStaticPerSample()) {
            return null;
        }
        return pinned.computeIfAbsent(batchSize, n -> {
            long[] shape = plan.outputType().dims().clone();
            shape[0] = n;
            long bytes = TensorTypes.elementCount(shape) * Float.BYTES;
            PlacedMemory outputs = placement.allocate(bytes);
            PlacedMemory gradients = placement.allocate(bytes);
            return new OutputPair(floats(outputs.segment(), shape), floats(gradients.segment(), shape),
                    outputs.segment(), gradients.segment(), shape, outputs, gradients);
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
        return NativeValue.tensorOver(ort.memoryInfo(), memory, shape, TensorProto.DataType.FLOAT_VALUE);
    }

    /**
     * Runs the model on a batch with the current parameters, Dropout off, where the graphs run;
     * the outputs come back to the host.
     */
    @Override
    public Map<String, float[]> predict(Batch batch, List<String> outputs) {
        Map<String, NativeValue> batchValues = new HashMap<>();
        List<NativeValue> results = List.of();
        try (NativeIoBinding binding = new NativeIoBinding(forward.session())) {
            plan.graphs().trainable().forEach(name -> binding.input(name, values.value(name)));
            if (trainingFlags != null) {
                binding.input(DropoutActivation.TRAINING_FLAG, trainingFlags[0]);
                binding.input(DropoutActivation.KEYS, dropoutKeysValue);
            }
            bindBatch(binding, batch, batchValues);
            outputs.forEach(name -> binding.outputOn(name, ort.hostMemoryInfo()));
            binding.run();
            results = binding.outputs();
            Map<String, float[]> floats = new LinkedHashMap<>();
            for (int i = 0; i < outputs.size(); i++) {
                floats.put(outputs.get(i), hostFloats(outputs.get(i), results.get(i)));
            }
            return floats;
        } catch (OrtStatusException e) {
            OrtErrors.rethrowShortage(e);
            throw new IllegalStateException("ONNX Runtime failed to run the model: " + OrtErrors.message(e), e);
        } finally {
            results.forEach(NativeValue::close);
            batchValues.values().forEach(NativeValue::close);
        }
    }

    private static float[] hostFloats(String name, NativeValue value) {
        if (value.elementType() != TensorProto.DataType.FLOAT_VALUE) {
            throw new ModelException("output " + name + " is " + TensorTypes.name(value.elementType()) + ", not float32");
        }
        long count = TensorTypes.elementCount(value.shape());
        return value.data(count * Float.BYTES).toArray(ValueLayout.JAVA_FLOAT);
    }

    /** The training-mode flags (int64 scalars, as {@link DropoutActivation} reads them) live on the host. */
    private NativeValue[] flags() {
        NativeValue[] flags = new NativeValue[2];
        for (int on = 0; on < 2; on++) {
            MemorySegment flag = flagMemory.allocate(ValueLayout.JAVA_LONG);
            flag.set(ValueLayout.JAVA_LONG, 0, on);
            flags[on] = NativeValue.tensorOver(ort.hostMemoryInfo(), flag, new long[0], TensorProto.DataType.INT64_VALUE);
        }
        return flags;
    }

    @Override
    public void close() {
        pinned.values().forEach(OutputPair::close);
        if (trainingFlags != null) {
            trainingFlags[0].close();
            trainingFlags[1].close();
            dropoutKeysValue.close();
        }
        Closer.closeAll(forwardBinding, backwardBinding, values, backward, forward, placed, parameters, ort);
        flagMemory.close();
    }
}
