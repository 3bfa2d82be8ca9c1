package dev.trainer.runtime;

import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import dev.trainer.ModelException;
import dev.trainer.onnx.TensorTypes;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The trainable parameters in one flat, 64-byte-aligned float32 buffer, and their gradients in a
 * second of the same layout. ORT reads the parameters and writes the gradients through tensors
 * that are views of these buffers, so a step copies no parameter; the optimizer kernels then
 * update the whole buffer in place. The gaps between slots stay zero in both buffers.
 *
 * <p>When the graphs run elsewhere (a GPU), the buffers there are the trained ones and this is
 * their host copy: every read here first brings it up to date when a step has changed them (one
 * copy of both buffers, at a checkpoint or export), and every write here goes there too.
 *
 * <p>Owns its memory and its tensors: close it once training is over.
 */
public final class ParameterBuffer implements AutoCloseable {

    /** Slots start on 64-byte boundaries: cache lines, and what AVX-512 loads like. */
    private static final long ALIGN_FLOATS = 16;

    /** Where one parameter lives: offset and length in floats. */
    public record Slot(String name, long[] shape, long offset, long count) {
    }

    /** The buffers the graphs use when they are not this one's memory. */
    interface Elsewhere {
        /** Copies the current values and gradients into these host buffers. */
        void pull(MemorySegment values, MemorySegment gradients);

        /** Sends one slot's values, just written here, to where the graphs read them. */
        void push(Slot slot, MemorySegment values);
    }

    private final Arena arena = Arena.ofShared();
    private final Map<String, Slot> slots = new LinkedHashMap<>();
    private final MemorySegment values;
    private final MemorySegment gradients;
    private final long length;
    private final List<OnnxTensor> tensors = new ArrayList<>();
    private final Map<String, OnnxTensor> valueTensors = new LinkedHashMap<>();
    private final Map<String, OnnxTensor> gradientTensors = new LinkedHashMap<>();
    private Elsewhere elsewhere;
    private boolean stale;

    /** Lays out slots for the named parameters, in order; both buffers start zeroed. */
    public ParameterBuffer(Map<String, long[]> shapes) {
        long offset = 0;
        for (Map.Entry<String, long[]> e : shapes.entrySet()) {
            long count = TensorTypes.elementCount(e.getValue());
            slots.put(e.getKey(), new Slot(e.getKey(), e.getValue().clone(), offset, count));
            offset += (count + ALIGN_FLOATS - 1) / ALIGN_FLOATS * ALIGN_FLOATS;
        }
        length = offset;
        values = arena.allocate(Math.max(1, length) * Float.BYTES, 64);
        gradients = arena.allocate(Math.max(1, length) * Float.BYTES, 64);
        for (Slot s : slots.values()) {
            valueTensors.put(s.name(), track(Tensors.over(slice(values, s), s.shape(), OnnxJavaType.FLOAT)));
            gradientTensors.put(s.name(), track(Tensors.over(slice(gradients, s), s.shape(), OnnxJavaType.FLOAT)));
        }
    }

    private OnnxTensor track(OnnxTensor t) {
        tensors.add(t);
        return t;
    }

    private static MemorySegment slice(MemorySegment buffer, Slot s) {
        return buffer.asSlice(s.offset() * Float.BYTES, Math.max(1, s.count()) * Float.BYTES);
    }

    /** Makes this the host copy of buffers that live {@code elsewhere}, equal to this one now; null: no longer. */
    void copyOf(Elsewhere elsewhere) {
        this.elsewhere = elsewhere;
        this.stale = false;
    }

    /** The buffers elsewhere changed (a step, an update): the next read here copies them first. */
    void changedElsewhere() {
        stale = elsewhere != null;
    }

    private void current() {
        if (stale) {
            stale = false;
            elsewhere.pull(values, gradients);
        }
    }

    private void written(Slot slot) {
        if (elsewhere != null) {
            elsewhere.push(slot, values);
        }
    }

    public List<Slot> slots() {
        return List.copyOf(slots.values());
    }

    public Slot slot(String name) {
        Slot s = slots.get(name);
        if (s == null) {
            throw new IllegalArgumentException("no trainable parameter " + name);
        }
        return s;
    }

    /** Floats in each buffer, gaps included: the count the optimizer kernels run over. */
    public long length() {
        return length;
    }

    public long parameterCount() {
        return slots.values().stream().mapToLong(Slot::count).sum();
    }

    /** The values; a host copy when the graphs run elsewhere: write through {@link #set} then. */
    public MemorySegment values() {
        current();
        return values;
    }

    public MemorySegment gradients() {
        current();
        return gradients;
    }

    public MemorySegment values(String name) {
        Slot s = slot(name);
        current();
        return values.asSlice(s.offset() * Float.BYTES, s.count() * Float.BYTES);
    }

    public MemorySegment gradients(String name) {
        Slot s = slot(name);
        current();
        return gradients.asSlice(s.offset() * Float.BYTES, s.count() * Float.BYTES);
    }

    /** A tensor ORT reads the parameter's current values through. */
    public OnnxTensor valueTensor(String name) {
        return valueTensors.get(slot(name).name());
    }

    /** A tensor ORT writes the parameter's gradient into. */
    public OnnxTensor gradientTensor(String name) {
        return gradientTensors.get(slot(name).name());
    }

    /** Sets a parameter from little-endian float32 bytes, as ONNX stores them. */
    public void load(String name, ByteBuffer littleEndian) {
        Slot s = slot(name);
        if (littleEndian.remaining() != s.count() * Float.BYTES) {
            throw new ModelException("parameter " + name + " holds " + littleEndian.remaining() + " bytes, expected "
                    + s.count() * Float.BYTES);
        }
        current();
        MemorySegment source = MemorySegment.ofBuffer(littleEndian.duplicate().order(ByteOrder.LITTLE_ENDIAN));
        MemorySegment.copy(source, ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), 0,
                values, ValueLayout.JAVA_FLOAT, s.offset() * Float.BYTES, s.count());
        written(s);
    }

    /** A parameter's values as little-endian float32 bytes, for writing into a model. */
    public ByteBuffer littleEndianBytes(String name) {
        Slot s = slot(name);
        ByteBuffer out = ByteBuffer.allocate(Math.toIntExact(s.count() * Float.BYTES)).order(ByteOrder.LITTLE_ENDIAN);
        current();
        MemorySegment.copy(values, ValueLayout.JAVA_FLOAT, s.offset() * Float.BYTES,
                MemorySegment.ofBuffer(out), ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), 0, s.count());
        return out;
    }

    /** A copy of one parameter's current values. */
    public float[] get(String name) {
        return values(name).toArray(ValueLayout.JAVA_FLOAT);
    }

    /** Overwrites one parameter's values. */
    public void set(String name, float[] newValues) {
        Slot s = slot(name);
        if (newValues.length != s.count()) {
            throw new IllegalArgumentException(name + " holds " + s.count() + " values, not " + newValues.length);
        }
        current();
        MemorySegment.copy(newValues, 0, values, ValueLayout.JAVA_FLOAT, s.offset() * Float.BYTES, newValues.length);
        written(s);
    }

    /** Overwrites every parameter's values at once, gaps included (a checkpoint's whole buffer). */
    public void setAll(float[] newValues) {
        if (newValues.length != length) {
            throw new IllegalArgumentException("the buffer holds " + length + " floats, not " + newValues.length);
        }
        current();
        MemorySegment.copy(newValues, 0, values, ValueLayout.JAVA_FLOAT, 0, newValues.length);
        slots.values().forEach(this::written);
    }

    public boolean contains(String name) {
        return slots.containsKey(name);
    }

    @Override
    public void close() {
        tensors.forEach(OnnxTensor::close);
        arena.close();
    }
}
