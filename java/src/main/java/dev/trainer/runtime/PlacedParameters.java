package dev.trainer.runtime;

import dev.trainer.kernels.Kernels;
import java.lang.foreign.MemorySegment;
import java.util.List;

/**
 * The flat parameter and gradient buffers where the graphs use them, which is where a training
 * step's kernels update them: on the host, the {@link ParameterBuffer}'s own memory; on a device,
 * one allocation each in the same layout, loaded from the host buffer at start, the host buffer
 * then being their copy for checkpoints and export ({@link #host()}).
 *
 * <p>Whoever changes the buffers here in place says so with {@link #changed()}. Owns the device
 * allocations (not the host buffer): close it with its session.
 */
public final class PlacedParameters implements AutoCloseable {

    private final ParameterBuffer host;
    private final Placement placement;
    private final PlacedMemory ownValues;
    private final PlacedMemory ownGradients;
    private final MemorySegment values;
    private final MemorySegment gradients;

    private PlacedParameters(ParameterBuffer host, Placement placement) {
        this.host = host;
        this.placement = placement;
        if (placement.isHost()) {
            ownValues = null;
            ownGradients = null;
            values = host.values();
            gradients = host.gradients();
        } else {
            long bytes = Math.max(1, host.length()) * Float.BYTES;
            ownValues = placement.allocate(bytes);
            try {
                ownGradients = placement.allocate(bytes);
            } catch (RuntimeException e) {
                ownValues.close();
                throw e;
            }
            values = ownValues.segment();
            gradients = ownGradients.segment();
            placement.upload(host.values(), values, bytes);
            host.copyOf(new HostCopy());
        }
    }

    /** The buffers for {@code host} in {@code placement}, holding its current values. */
    static PlacedParameters in(Placement placement, ParameterBuffer host) {
        return new PlacedParameters(host, placement);
    }

    /** A host buffer as it is, with {@code kernels} to update it (for code that trains a buffer of its own). */
    public static PlacedParameters onHost(ParameterBuffer host, Kernels kernels) {
        return new PlacedParameters(host, new HostPlacement(kernels));
    }

    /** The host buffer: the same memory on the host, else a copy brought up to date when read. */
    public ParameterBuffer host() {
        return host;
    }

    public Placement placement() {
        return placement;
    }

    /** Every parameter's value where the graphs read them. */
    public MemorySegment values() {
        return values;
    }

    /** Every parameter's gradient where the backward graph writes them. */
    public MemorySegment gradients() {
        return gradients;
    }

    /** Floats in each buffer, gaps included: the count the kernels run over. */
    public long length() {
        return host.length();
    }

    public List<ParameterBuffer.Slot> slots() {
        return host.slots();
    }

    /** The values or gradients here changed: the host copy is out of date until it is next read. */
    public void changed() {
        host.changedElsewhere();
    }

    /** Copies between the host buffer and this placement's buffers, on demand. */
    private final class HostCopy implements ParameterBuffer.Elsewhere {
        @Override
        public void pull(MemorySegment hostValues, MemorySegment hostGradients) {
            long bytes = host.length() * Float.BYTES;
            placement.download(values, hostValues, bytes);
            placement.download(gradients, hostGradients, bytes);
        }

        @Override
        public void push(ParameterBuffer.Slot slot, MemorySegment hostValues) {
            long offset = slot.offset() * Float.BYTES;
            long bytes = slot.count() * Float.BYTES;
            placement.upload(hostValues.asSlice(offset, bytes), values.asSlice(offset, bytes), bytes);
        }
    }

    @Override
    public void close() {
        if (ownValues != null) {
            host.copyOf(null);
            ownGradients.close();
            ownValues.close();
        }
    }
}
