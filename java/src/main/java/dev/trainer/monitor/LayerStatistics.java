package dev.trainer.monitor;

import static java.lang.foreign.ValueLayout.JAVA_FLOAT;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trainer.runtime.ParameterBuffer;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Gradient and update health per layer, one {@link Layer} per group of parameter tensors that
 * share a module path ({@code fc1.weight} and {@code fc1.bias} form {@code fc1}), in the order
 * the groups first appear in the buffer.
 *
 * <p>Cost: {@link #compute} reads every parameter and gradient once (and the snapshot, when
 * given), so it costs about as much as an optimizer step. Take it every N steps, not every
 * step: e.g. every 50 steps and at each epoch's end. Typical use in the loop, with a
 * {@link ValueSnapshot} the loop keeps for the whole run:
 * <pre>{@code
 * boolean probe = step % 50 == 0;
 * if (probe) snapshot.capture();             // before the optimizer step
 * optimizer.step(params, lr);
 * if (probe) metrics.write(LayerStatistics.compute(params, snapshot.values()).toEvent(step));
 * }</pre>
 * Gradients are read as they are when {@code compute} runs: after clipping, if the loop clips
 * before the optimizer step (the optimizer kernels leave the gradient buffer unchanged).
 */
public record LayerStatistics(List<Layer> layers) {

    /**
     * One layer's numbers; {@code NaN} where unknown (no snapshot, or a field missing from a
     * {@code layers} event read back).
     *
     * @param name              the module path, the parameter names up to their last '.'
     * @param parameters        number of scalar parameters in the layer
     * @param gradNorm          L2 norm of the layer's gradient
     * @param paramNorm         L2 norm of the layer's parameters after the update
     * @param updateNorm        L2 norm of {@code θ_after − θ_before}
     * @param updateRatio       {@code updateNorm / paramNorm}; healthy training is often near 1e-3 per step
     * @param zeroGradFraction  fraction of gradient entries exactly 0 (units that got no signal)
     * @param maxAbsGrad        largest gradient magnitude
     * @param lookup            the layer is a lookup table (an embedding read by Gather): a batch
     *                          reaches only its rows, so most of its gradient is zero by design
     */
    public record Layer(String name, long parameters, double gradNorm, double paramNorm, double updateNorm,
                        double updateRatio, double zeroGradFraction, double maxAbsGrad, boolean lookup) {
    }

    public LayerStatistics {
        layers = List.copyOf(layers);
    }

    /**
     * Statistics of the buffer as it is now.
     *
     * @param valuesBeforeUpdate the values before the optimizer step, in the buffer's layout
     *                           ({@link ValueSnapshot#values()}), or {@code null}: update norms and ratios are then NaN
     */
    public static LayerStatistics compute(ParameterBuffer params, MemorySegment valuesBeforeUpdate) {
        return compute(params, valuesBeforeUpdate, Set.of());
    }

    /** As {@link #compute(ParameterBuffer, MemorySegment)}, marking the layers of the given lookup-table parameters. */
    public static LayerStatistics compute(ParameterBuffer params, MemorySegment valuesBeforeUpdate, Set<String> lookupTables) {
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
        return new LayerStatistics(layers);
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

    /** The layer of that name, or {@code null}. */
    public Layer layer(String name) {
        return layers.stream().filter(l -> l.name().equals(name)).findFirst().orElse(null);
    }

    /**
     * The {@code metrics.jsonl} line: {@code {"event":"layers","step":S,"layers":{"fc1":{"parameters":..,
     * "grad_norm":..,"param_norm":..,"update_norm":..,"update_ratio":..,"zero_grad_fraction":..,
     * "max_abs_grad":..},...}}}. Non-finite numbers are written as {@code null}, as in the other events.
     */
    public ObjectNode toEvent(long step) {
        JsonNodeFactory json = JsonNodeFactory.instance;
        ObjectNode event = json.objectNode().put("event", "layers").put("step", step);
        ObjectNode all = event.putObject("layers");
        for (Layer l : layers) {
            ObjectNode o = all.putObject(l.name()).put("parameters", l.parameters());
            number(o, "grad_norm", l.gradNorm());
            number(o, "param_norm", l.paramNorm());
            number(o, "update_norm", l.updateNorm());
            number(o, "update_ratio", l.updateRatio());
            number(o, "zero_grad_fraction", l.zeroGradFraction());
            number(o, "max_abs_grad", l.maxAbsGrad());
            if (l.lookup()) {
                o.put("lookup", true);
            }
        }
        return event;
    }

    private static void number(ObjectNode o, String field, double value) {
        if (Double.isFinite(value)) {
            o.put(field, value);
        } else {
            o.putNull(field);
        }
    }

    /**
     * Reads the {@code "layers"} object of a {@code layers} event back; missing or null fields
     * become NaN ({@code parameters}: 0).
     *
     * @throws IllegalArgumentException naming the layer and field when a value is not a number
     */
    public static LayerStatistics fromEvent(JsonNode layersObject) {
        List<Layer> layers = new ArrayList<>();
        for (Map.Entry<String, JsonNode> e : layersObject.properties()) {
            JsonNode o = e.getValue();
            if (!o.isObject()) {
                throw new IllegalArgumentException("layer \"" + e.getKey() + "\" is not a JSON object");
            }
            String n = e.getKey();
            double parameters = field(o, n, "parameters");
            layers.add(new Layer(n, Double.isNaN(parameters) ? 0 : (long) parameters, field(o, n, "grad_norm"),
                    field(o, n, "param_norm"), field(o, n, "update_norm"), field(o, n, "update_ratio"),
                    field(o, n, "zero_grad_fraction"), field(o, n, "max_abs_grad"), o.path("lookup").asBoolean(false)));
        }
        return new LayerStatistics(layers);
    }

    private static double field(JsonNode o, String layer, String name) {
        JsonNode v = o.get(name);
        if (v == null || v.isNull()) {
            return Double.NaN;
        }
        if (!v.isNumber()) {
            throw new IllegalArgumentException("layer \"" + layer + "\": \"" + name + "\" is not a number");
        }
        return v.doubleValue();
    }
}
