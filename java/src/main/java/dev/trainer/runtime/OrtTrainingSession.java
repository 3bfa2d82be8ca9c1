package dev.trainer.runtime;

import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.trainer.TrainingFailedException;
import dev.trainer.autodiff.TrainingGraphs;
import dev.trainer.data.Batch;
import dev.trainer.edit.DropoutActivation;
import dev.trainer.onnx.TensorTypes;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A {@link TrainingSession} on ONNX Runtime's Java API: the forward and backward graphs in two
 * ORT sessions, the parameters and gradients in a host {@link ParameterBuffer} that both read and
 * write through tensors over its memory, so a step copies no parameter. Where the output's shape
 * per sample is static, ORT writes it straight into a buffer the loss kernel reads (a pinned
 * output); the stash goes from the forward run to the backward run as ORT's own tensors.
 */
final class OrtTrainingSession implements TrainingSession {

    private final TrainingPlan plan;
    private final ModelSession forward;
    private final ModelSession backward;
    private final ParameterBuffer parameters;
    private final PlacedParameters placed;
    private final Set<String> forwardOutputsForStep;
    private final Arena arena = Arena.ofShared();
    private final Map<Integer, OutputPair> pinned = new HashMap<>();
    private final Set<String> stashOutputs;
    private final List<String> parametersInBackward;
    /** The Dropout training-mode feeds, 1 for steps and 0 for predictions; null without active Dropout. */
    private final OnnxTensor[] trainingFlags;
    /** The Dropout keys, rewritten before each training step; null without active Dropout. */
    private final MemorySegment dropoutKeys;
    private final OnnxTensor dropoutKeysTensor;
    private final Map<String, OnnxValue> gradientOutputs = new LinkedHashMap<>();

    /** Opens the plan's graphs; {@code host} is the placement the step's kernels run in (host memory). */
    OrtTrainingSession(TrainingPlan plan, int threads, Placement host) {
        this.plan = plan;
        TrainingGraphs graphs = plan.graphs();
        ModelSession f = null;
        ModelSession b = null;
        ParameterBuffer p = null;
        try {
            f = ModelSession.open(graphs.forward(), OrtSession.SessionOptions.OptLevel.ALL_OPT, threads, false);
            b = ModelSession.open(graphs.backward(), OrtSession.SessionOptions.OptLevel.ALL_OPT, threads, false);
            p = plan.parameterBuffer();
        } catch (RuntimeException e) {
            Closer.closeAll(f, b, p);
            throw e;
        }
        this.forward = f;
        this.backward = b;
        this.parameters = p;
        this.placed = PlacedParameters.in(host, p);
        this.trainingFlags = plan.dropoutActive() ? flags() : null;
        this.dropoutKeys = plan.dropoutActive() ? arena.allocate(ValueLayout.JAVA_INT, 2L * plan.dropoutNodes()) : null;
        this.dropoutKeysTensor = plan.dropoutActive()
                ? Tensors.over(dropoutKeys, new long[] {2L * plan.dropoutNodes()}, OnnxJavaType.INT32) : null;
        Set<String> graphInputs = new HashSet<>();
        plan.inputs().forEach(i -> graphInputs.add(i.name()));
        if (plan.dropoutActive()) {
            // a backward that computes Dropout masks again (--recompute segments) reads them from the feeds
            graphInputs.addAll(List.of(DropoutActivation.TRAINING_FLAG, DropoutActivation.KEYS));
        }
        forwardOutputsForStep = new LinkedHashSet<>();
        forwardOutputsForStep.add(plan.output());
        graphs.stash().stream().filter(s -> !graphInputs.contains(s)).forEach(forwardOutputsForStep::add);
        stashOutputs = new LinkedHashSet<>(forwardOutputsForStep);
        stashOutputs.remove(plan.output());
        parametersInBackward = graphs.trainable().stream().filter(backward.session().getInputNames()::contains).toList();
        graphs.parameterGradients().forEach((param, gradName) -> gradientOutputs.put(gradName, parameters.gradientTensor(param)));
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
        TrainingGraphs graphs = plan.graphs();
        String output = plan.output();
        Map<String, OnnxTensor> batchTensors = OrtFeeds.wrap(batch, plan.inputs());
        try {
            Map<String, OnnxTensor> feeds = new HashMap<>(batchTensors);
            for (String p : graphs.trainable()) {
                feeds.put(p, parameters.valueTensor(p));
            }
            if (trainingFlags != null) {
                MemorySegment.copy(plan.dropoutKeys(draw), 0, dropoutKeys, ValueLayout.JAVA_INT, 0, 2 * plan.dropoutNodes());
                feeds.put(DropoutActivation.TRAINING_FLAG, trainingFlags[1]);
                feeds.put(DropoutActivation.KEYS, dropoutKeysTensor);
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
                    OnnxTensor t = feeds.containsKey(s) ? feeds.get(s)
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
            OrtErrors.rethrowShortage(e);
            throw new TrainingFailedException("ONNX Runtime failed in a training step: " + OrtErrors.message(e));
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
        if (!plan.outputType().isStaticPerSample()) {
            return null;
        }
        return pinned.computeIfAbsent(batchSize, n -> {
            long[] shape = plan.outputType().dims().clone();
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

    /** Runs the model on a batch with the current parameters, Dropout inactive. */
    @Override
    public Map<String, float[]> predict(Batch batch, List<String> outputs) {
        Map<String, OnnxTensor> feeds = new HashMap<>();
        for (String p : plan.graphs().trainable()) {
            feeds.put(p, parameters.valueTensor(p));
        }
        if (trainingFlags != null) {
            feeds.put(DropoutActivation.TRAINING_FLAG, trainingFlags[0]);
            feeds.put(DropoutActivation.KEYS, dropoutKeysTensor);
        }
        return OrtFeeds.run(forward.session(), batch, plan.inputs(), feeds, outputs);
    }

    private static OnnxTensor[] flags() {
        try {
            var env = OrtLogging.environment();
            return new OnnxTensor[] {OnnxTensor.createTensor(env, 0L), OnnxTensor.createTensor(env, 1L)};
        } catch (OrtException e) {
            throw new IllegalStateException("cannot make the training-mode flags", e);
        }
    }

    @Override
    public void close() {
        if (trainingFlags != null) {
            trainingFlags[0].close();
            trainingFlags[1].close();
            dropoutKeysTensor.close();
        }
        pinned.values().forEach(OutputPair::close);
        Closer.closeAll(placed, forward, backward, parameters);
        arena.close();
    }
}
