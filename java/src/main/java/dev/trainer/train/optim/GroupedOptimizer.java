package dev.trainer.train.optim;

import dev.trainer.config.OptimizerKind;
import dev.trainer.kernels.Kernels;
import dev.trainer.runtime.ParameterBuffer;
import dev.trainer.runtime.PlacedMemory;
import dev.trainer.runtime.PlacedParameters;
import dev.trainer.runtime.Placement;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * An optimizer with per-parameter settings ({@link ParameterSetting}): learning-rate scale, weight
 * decay, L1 and L2. Updates the placed flat parameter buffer in place through its placement's
 * kernels (the host's, or a GPU's: then nothing crosses the bus but the penalties), one call per
 * run of adjacent slots that share their settings and Adam step count, each run spanning the
 * zero gaps after its slots; so with one setting for all it makes the same single call over the
 * whole buffer as {@code dev.trainer.train.Optimizer}, with bit-identical results.
 *
 * <p>Owns its state (SGD's velocity, Adam's moments, each parameter's step count), laid out like
 * the buffer in the buffer's placement: close it when done. For gradual unfreezing, carry the
 * state into the optimizer of a new layout with {@link #exportState()} and
 * {@link #importState(Map)}.
 */
public final class GroupedOptimizer implements AutoCloseable {

    /** PyTorch's Adam defaults, as {@code dev.trainer.train.Optimizer} uses them. */
    private static final float ADAM_BETA1 = 0.9f;
    private static final float ADAM_BETA2 = 0.999f;
    private static final float ADAM_EPSILON = 1e-8f;

    /**
     * One parameter's optimizer state, detached from any buffer.
     *
     * @param first  SGD's velocity or Adam's first moment; empty when the optimizer keeps none
     * @param second Adam's second moment; empty otherwise
     * @param steps  the updates this parameter has had (Adam's bias correction counts them)
     */
    public record ParameterState(float[] first, float[] second, long steps) {
    }

    /** Kernel calls cover [offset, offset + count) floats of the buffers, gaps included. */
    private record Run(long offset, long count, double lrScale, float weightDecay, float l1, float l2, long stepBase) {

        boolean sameSettings(Run other) {
            return Double.compare(lrScale, other.lrScale) == 0 && Float.compare(weightDecay, other.weightDecay) == 0
                    && Float.compare(l1, other.l1) == 0 && Float.compare(l2, other.l2) == 0 && stepBase == other.stepBase;
        }
    }

    private final OptimizerKind kind;
    private final Kernels kernels;
    private final PlacedParameters parameters;
    private final Placement placement;
    private final Map<String, ParameterSetting> settings;
    private final float momentum;
    private final boolean nesterov;
    private final PlacedMemory firstMemory;
    private final PlacedMemory secondMemory;
    private final MemorySegment first;
    private final MemorySegment second;
    /** Per slot, in layout order: its step count is {@code steps - stepBase[i]}. */
    private final long[] stepBase;
    private List<Run> runs;
    private long steps;

    /**
     * An optimizer for the buffer's layout, with zero state.
     *
     * @param parameters the buffers it updates, with their placement's kernels; they must outlive this optimizer
     * @param settings   a setting for every slot of the buffer (more are ignored)
     * @param momentum   SGD's momentum, used for {@link OptimizerKind#MOMENTUM} only
     * @throws IllegalArgumentException when a slot has no setting
     */
    public GroupedOptimizer(OptimizerKind kind, PlacedParameters parameters, Map<String, ParameterSetting> settings,
                            double momentum) {
        this(kind, parameters, settings, momentum, false);
    }

    /**
     * As {@link #GroupedOptimizer(OptimizerKind, PlacedParameters, Map, double)}, with Nesterov's
     * momentum when {@code nesterov} (for {@link OptimizerKind#MOMENTUM} only).
     */
    public GroupedOptimizer(OptimizerKind kind, PlacedParameters parameters, Map<String, ParameterSetting> settings,
                            double momentum, boolean nesterov) {
        this.kind = Objects.requireNonNull(kind);
        this.nesterov = kind == OptimizerKind.MOMENTUM && nesterov;
        this.parameters = parameters;
        this.placement = parameters.placement();
        this.kernels = placement.kernels();
        this.momentum = kind == OptimizerKind.MOMENTUM ? (float) momentum : 0f;
        this.settings = new LinkedHashMap<>();
        for (ParameterBuffer.Slot slot : parameters.slots()) {
            ParameterSetting s = settings.get(slot.name());
            if (s == null) {
                throw new IllegalArgumentException("no optimizer setting for parameter " + slot.name());
            }
            this.settings.put(slot.name(), s);
        }
        long bytes = Math.max(1, parameters.length()) * Float.BYTES;
        firstMemory = kind == OptimizerKind.SGD ? null : placement.allocate(bytes);
        secondMemory = kind.adam() ? placement.allocate(bytes) : null;
        first = firstMemory == null ? MemorySegment.NULL : firstMemory.segment();
        second = secondMemory == null ? MemorySegment.NULL : secondMemory.segment();
        stepBase = new long[parameters.slots().size()];
        runs = runs();
    }

    /**
     * Adds each parameter's L1 and L2 penalty gradients to its gradient, then updates it with
     * the base learning rate times its scale. Clip the gradients before: the penalties are not
     * clipped, as PyTorch's weight decay is not.
     *
     * @return the penalty term the gradients now include, {@code sum l1 |p| + l2 / 2 p^2} over
     *         the parameters before the update
     */
    public double step(double learningRate) {
        return step(learningRate, Double.NaN);
    }

    /**
     * As {@link #step(double)}, with this step's momentum from a schedule that cycles it: the
     * momentum of {@link OptimizerKind#MOMENTUM}, or β1 of Adam and AdamW; {@code NaN} keeps the
     * configured one. Plain SGD has no momentum to cycle.
     */
    public double step(double learningRate, double scheduledMomentum) {
        boolean scheduled = !Double.isNaN(scheduledMomentum);
        float sgdMomentum = kind == OptimizerKind.MOMENTUM && scheduled ? (float) scheduledMomentum : momentum;
        float beta1 = scheduled ? (float) scheduledMomentum : ADAM_BETA1;
        steps++;
        double penalty = 0;
        for (Run r : runs) {
            MemorySegment p = slice(parameters.values(), r);
            MemorySegment g = slice(parameters.gradients(), r);
            if (r.l1() > 0) {
                penalty += kernels.l1Penalty(p, g, r.count(), r.l1());
            }
            if (r.l2() > 0) {
                penalty += kernels.l2Penalty(p, g, r.count(), r.l2());
            }
            float lr = (float) (learningRate * r.lrScale());
            switch (kind) {
                case SGD, MOMENTUM -> kernels.sgd(p, g, slice(first, r), r.count(), lr, sgdMomentum, nesterov, r.weightDecay());
                case ADAM, ADAMW -> kernels.adam(p, g, slice(first, r), slice(second, r), r.count(), lr,
                        beta1, ADAM_BETA2, ADAM_EPSILON, r.weightDecay(), kind == OptimizerKind.ADAMW,
                        steps - r.stepBase());
            }
        }
        parameters.changed();
        return penalty;
    }

    private static MemorySegment slice(MemorySegment buffer, Run r) {
        return buffer.equals(MemorySegment.NULL) ? buffer
                : buffer.asSlice(r.offset() * Float.BYTES, r.count() * Float.BYTES);
    }

    /** Splits the layout where the settings (or, for Adam, the step counts) change. */
    private List<Run> runs() {
        List<ParameterBuffer.Slot> slots = parameters.slots();
        boolean adam = kind == OptimizerKind.ADAM || kind == OptimizerKind.ADAMW;
        List<Run> out = new ArrayList<>();
        Run open = null;
        for (int i = 0; i < slots.size(); i++) {
            ParameterSetting s = settings.get(slots.get(i).name());
            long end = i + 1 < slots.size() ? slots.get(i + 1).offset() : parameters.length();
            Run next = new Run(slots.get(i).offset(), end - slots.get(i).offset(), s.lrScale(),
                    (float) s.weightDecay(), (float) s.l1(), (float) s.l2(), adam ? stepBase[i] : 0);
            if (open != null && open.sameSettings(next)) {
                open = new Run(open.offset(), open.count() + next.count(), open.lrScale(), open.weightDecay(),
                        open.l1(), open.l2(), open.stepBase());
            } else {
                if (open != null) {
                    out.add(open);
                }
                open = next;
            }
        }
        if (open != null) {
            out.add(open);
        }
        return List.copyOf(out);
    }

    /**
     * The optimizer's memory in place, laid out like the parameter buffer, for a checkpoint to write
     * without copying.
     *
     * @param first  SGD's velocity or Adam's first moment, {@link MemorySegment#NULL} when the kind keeps none
     * @param second Adam's second moment, or {@link MemorySegment#NULL}
     * @param steps  each slot's update count, in layout order
     */
    public record Moments(MemorySegment first, MemorySegment second, long[] steps) {
    }

    /** The memory as it is now: the segments are this optimizer's own, valid until it is closed. */
    public Moments moments() {
        long[] counts = new long[stepBase.length];
        for (int i = 0; i < counts.length; i++) {
            counts[i] = steps - stepBase[i];
        }
        return new Moments(first.equals(MemorySegment.NULL) ? first : first.asReadOnly(),
                second.equals(MemorySegment.NULL) ? second : second.asReadOnly(), counts);
    }

    /**
     * Puts back memory of the same layout ({@link #moments()}): what a checkpoint held.
     *
     * @param first  the buffer's length of floats, or {@code null} when the kind keeps none
     * @param second likewise
     * @throws IllegalArgumentException when they do not fit this optimizer's kind and layout
     */
    public void restoreMoments(float[] first, float[] second, long[] stepCounts) {
        requireLayout("first moment", first, this.first);
        requireLayout("second moment", second, this.second);
        if (stepCounts.length != stepBase.length) {
            throw new IllegalArgumentException("optimizer state for " + stepCounts.length + " parameters, expected "
                    + stepBase.length);
        }
        if (first != null) {
            MemorySegment.copy(first, 0, this.first, ValueLayout.JAVA_FLOAT, 0, first.length);
        }
        if (second != null) {
            MemorySegment.copy(second, 0, this.second, ValueLayout.JAVA_FLOAT, 0, second.length);
        }
        for (int i = 0; i < stepBase.length; i++) {
            stepBase[i] = steps - stepCounts[i];
        }
        runs = runs();
    }

    private void requireLayout(String which, float[] values, MemorySegment buffer) {
        long expected = buffer.equals(MemorySegment.NULL) ? 0 : buffer.byteSize() / Float.BYTES;
        if ((values == null ? 0 : values.length) != expected) {
            throw new IllegalArgumentException("optimizer " + which + " of " + (values == null ? 0 : values.length)
                    + " values, expected " + expected + " (another optimizer or layout?)");
        }
    }

    /** Every slot's state, by parameter name, copied out. */
    public Map<String, ParameterState> exportState() {
        Map<String, ParameterState> out = new LinkedHashMap<>();
        List<ParameterBuffer.Slot> slots = parameters.slots();
        for (int i = 0; i < slots.size(); i++) {
            ParameterBuffer.Slot slot = slots.get(i);
            out.put(slot.name(), new ParameterState(read(first, slot), read(second, slot), steps - stepBase[i]));
        }
        return out;
    }

    /** A slot's state copied to the host: at unfreezing and checkpoints only. */
    private float[] read(MemorySegment buffer, ParameterBuffer.Slot slot) {
        if (buffer.equals(MemorySegment.NULL)) {
            return new float[0];
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment host = arena.allocate(ValueLayout.JAVA_FLOAT, Math.max(1, slot.count()));
            placement.download(buffer.asSlice(slot.offset() * Float.BYTES), host, slot.count() * Float.BYTES);
            return host.asSlice(0, slot.count() * Float.BYTES).toArray(ValueLayout.JAVA_FLOAT);
        }
    }

    /**
     * Replaces the state: the parameters named in {@code state} take theirs (step count
     * included), every other one starts from zero, its first update being Adam's step 1.
     * Names not in this layout are ignored, so a whole exported map can be passed.
     *
     * @throws IllegalArgumentException when a state's arrays do not fit its slot or this kind
     *         (SGD keeps none, momentum a velocity, Adam both moments)
     */
    public void importState(Map<String, ParameterState> state) {
        List<ParameterBuffer.Slot> slots = parameters.slots();
        for (ParameterBuffer.Slot slot : slots) {
            ParameterState s = state.get(slot.name());
            if (s != null) {
                requireFits(slot, "first", s.first(), first);
                requireFits(slot, "second", s.second(), second);
            }
        }
        for (MemorySegment buffer : List.of(first, second)) {
            if (!buffer.equals(MemorySegment.NULL)) {
                placement.zero(buffer, buffer.byteSize());
            }
        }
        for (int i = 0; i < slots.size(); i++) {
            ParameterBuffer.Slot slot = slots.get(i);
            ParameterState s = state.get(slot.name());
            write(first, slot, s == null ? null : s.first());
            write(second, slot, s == null ? null : s.second());
            stepBase[i] = steps - (s == null ? 0 : s.steps());
        }
        runs = runs();
    }

    private static void requireFits(ParameterBuffer.Slot slot, String which, float[] values, MemorySegment buffer) {
        long expected = buffer.equals(MemorySegment.NULL) ? 0 : slot.count();
        if (values.length != expected) {
            throw new IllegalArgumentException("optimizer state of " + slot.name() + " has " + values.length + " "
                    + which + " values, expected " + expected + " (another optimizer kind or shape?)");
        }
    }

    private void write(MemorySegment buffer, ParameterBuffer.Slot slot, float[] values) {
        if (values != null && values.length > 0) {
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment host = arena.allocateFrom(ValueLayout.JAVA_FLOAT, values);
                placement.upload(host, buffer.asSlice(slot.offset() * Float.BYTES), host.byteSize());
            }
        }
    }

    @Override
    public void close() {
        if (firstMemory != null) {
            firstMemory.close();
        }
        if (secondMemory != null) {
            secondMemory.close();
        }
    }
}
