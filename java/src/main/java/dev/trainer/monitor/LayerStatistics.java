package dev.trainer.monitor;

import static java.lang.foreign.ValueLayout.JAVA_FLOAT;

import dev.trainer.events.LayersEvent;
import dev.trainer.events.LayersEvent.Layer;
import dev.trainer.runtime.ParameterBuffer;
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
     * Statistics of the buffer as it is now, at {@code step}.
     *
     * @param valuesBeforeUpdate the values before the optimizer step, in the buffer's layout
     *                           ({@link ValueSnapshot#values()}), or {@code null}: update norms and ratios are then NaN
     * @param lookupTables       parameters read by Gather as its data, whose layers are marked as lookup tables
     */
    public static LayersEvent compute(ParameterBuffer params, MemorySegment valuesBeforeUpdate, Set<String> lookupTables,
                                      long step) {
        if (valuesBeforeUpdate != null && valuesBeforeUpdate.byteSize() < params.length() * Float.BYTES) {
            throw new IllegalArgumentException("snapshot holds " + valuesBeforeUpdate.byteSize() / Float.BYTES
                    + " floats, the parameter buffer " + params.length());
        }
        Map<String, Sums> groups = new LinkedHashMap<>();
        MemorySegment values = params.values();
        MemorySegment gradients = params.gradients();
        for (ParameterBuffer.Slot slot : params.slots()) {
            Sums sums = groups.computeIfAbsent(group(slot.name()), k -> new Sums());
            sums.lookup |= lookupTables.contains(slot.name());
            long end = slot.offset() + slot.count();
            for (long i = slot.offset(); i < end; i++) {
                double g = gradients.getAtIndex(JAVA_FLOAT, i);
                double p = values.getAtIndex(JAVA_FLOAT, i);
                sums.grad2 += g * g;
                sums.param2 += p * p;
                sums.zeros += g == 0 ? 1 : 0;
                sums.maxAbs = Math.max(sums.maxAbs, Math.abs(g)); // a NaN gradient stays NaN here
                if (valuesBeforeUpdate != null) {
                    double d = p - valuesBeforeUpdate.getAtIndex(JAVA_FLOAT, i);
                    sums.update2 += d * d;
                }
            }
            sums.count += slot.count();
        }
        List<Layer> layers = new ArrayList<>(groups.size());
        groups.forEach((name, s) -> {
            double paramNorm = Math.sqrt(s.param2);
            double updateNorm = valuesBeforeUpdate == null ? Double.NaN : Math.sqrt(s.update2);
            double ratio = updateNorm == 0 ? 0 : updateNorm / paramNorm;
            layers.add(new Layer(name, s.count, Math.sqrt(s.grad2), paramNorm, updateNorm, ratio,
                    s.count == 0 ? 0 : (double) s.zeros / s.count, s.maxAbs, s.lookup));
        });
        return new LayersEvent(step, layers);
    }

    /** Running sums of one group. */
    private static final class Sums {
        long count;
        long zeros;
        double grad2;
        double param2;
        double update2;
        double maxAbs;
        boolean lookup;
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
