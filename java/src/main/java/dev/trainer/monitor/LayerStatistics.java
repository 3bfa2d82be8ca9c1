package dev.trainer.monitor;

import dev.trainer.events.LayersEvent;
import dev.trainer.events.LayersEvent.Layer;
import dev.trainer.kernels.Kernels;
import dev.trainer.runtime.ParameterBuffer;
import dev.trainer.runtime.PlacedParameters;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Measures gradient and update health per layer ({@link LayersEvent}), one {@link Layer} per group
 * of parameter tensors that share a module path ({@code fc1.weight} and {@code fc1.bias} form
 * {@code fc1}), in the order the groups first appear in the buffer.
 *
 * <p>Cost: {@link #compute} reads every parameter and gradient once (and the snapshot, when
 * given), so it costs about as much as an optimizer step. Take it every N steps, not every
 * step: e.g. every 50 steps and at each epoch's end. Typical use in the loop, with a
 * {@link ValueSnapshot} the loop keeps for the whole run:
 * <pre>{@code
 * boolean probe = step % 50 == 0;
 * if (probe) snapshot.capture();             // before the optimizer step
 * optimizer.step(params, lr);
 * if (probe) listener.onEvent(LayerStatistics.compute(params, snapshot.values(), Set.of(), step), control);
 * }</pre>
 * Gradients are read as they are when {@code compute} runs: after clipping, if the loop clips
 * before the optimizer step (the optimizer kernels leave the gradient buffer unchanged).
 */
public final class LayerStatistics {

    private LayerStatistics() {
    }

    /**
     * Statistics of the buffers as they are now, at {@code step}, summed per slot by the kernels of
     * their placement (on a GPU, only the sums come back).
     *
     * @param valuesBeforeUpdate the values before the optimizer step, in the buffers' layout and
     *                           placement ({@link ValueSnapshot#values()}), or {@code null}: update
     *                           norms and ratios are then NaN
     * @param lookupTables       parameters read by Gather as its data, whose layers are marked as lookup tables
     */
    public static LayersEvent compute(PlacedParameters params, MemorySegment valuesBeforeUpdate,
                                      Set<String> lookupTables, long step) {
        if (valuesBeforeUpdate != null && valuesBeforeUpdate.byteSize() < params.length() * Float.BYTES) {
            throw new IllegalArgumentException("snapshot holds " + valuesBeforeUpdate.byteSize() / Float.BYTES
                    + " floats, the parameter buffer " + params.length());
        }
        List<ParameterBuffer.Slot> slots = params.slots();
        double[] sums = params.placement().kernels().slotStatistics(params.values(), params.gradients(),
                valuesBeforeUpdate == null ? MemorySegment.NULL : valuesBeforeUpdate,
                slots.stream().mapToLong(ParameterBuffer.Slot::offset).toArray(),
                slots.stream().mapToLong(ParameterBuffer.Slot::count).toArray());
        Map<String, Sums> groups = new LinkedHashMap<>();
        for (int k = 0; k < slots.size(); k++) {
            ParameterBuffer.Slot slot = slots.get(k);
            Sums group = groups.computeIfAbsent(group(slot.name()), name -> new Sums());
            group.add(sums, k * Kernels.SLOT_STATISTICS, slot.count(), lookupTables.contains(slot.name()));
        }
        boolean updates = valuesBeforeUpdate != null;
        List<Layer> layers = new ArrayList<>(groups.size());
        groups.forEach((name, s) -> {
            double paramNorm = Math.sqrt(s.param2);
            double updateNorm = updates ? Math.sqrt(s.update2) : Double.NaN;
            double ratio = updateNorm == 0 ? 0 : updateNorm / paramNorm;
            layers.add(new Layer(name, s.count, Math.sqrt(s.grad2), paramNorm, updateNorm, ratio,
                    s.count == 0 ? 0 : s.zeros / s.count, s.maxAbs, s.lookup));
        });
        return new LayersEvent(step, layers);
    }

    /** The sums of one group's slots. */
    private static final class Sums {
        long count;
        double zeros;
        double grad2;
        double param2;
        double update2;
        double maxAbs;
        boolean lookup;

        void add(double[] slotSums, int at, long slotCount, boolean lookupTable) {
            grad2 += slotSums[at];
            param2 += slotSums[at + 1];
            update2 += slotSums[at + 2];
            zeros += slotSums[at + 3];
            maxAbs = Math.max(maxAbs, slotSums[at + 4]); // a NaN gradient stays NaN here
            count += slotCount;
            lookup |= lookupTable;
        }
    }

    /**
     * The layer a parameter belongs to: its name up to the last '.', or the whole name when it
     * has none (ONNX exports sometimes name initializers {@code onnx::MatMul_52}).
     */
    public static String group(String parameterName) {
        int dot = parameterName.lastIndexOf('.');
        return dot > 0 ? parameterName.substring(0, dot) : parameterName;
    }
}
