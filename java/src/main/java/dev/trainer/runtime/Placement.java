package dev.trainer.runtime;

import dev.trainer.data.HostTensor;
import dev.trainer.ort.NativeMemoryInfo;
import dev.trainer.ort.NativeSessionOptions;
import java.lang.foreign.MemorySegment;

/**
 * Where a {@link CapiTrainingSession} keeps its parameters, gradients, model outputs and stash,
 * and which execution provider runs its graphs: the host and ORT's CPU provider
 * ({@link HostPlacement}), or a GPU and ORT's CUDA provider ({@link CudaPlacement}).
 */
interface Placement extends AutoCloseable {

    /** Whether this is host memory: then the session works on the {@link ParameterBuffer} itself. */
    boolean isHost();

    /** Describes this placement's memory to ORT, for tensors over it and outputs allocated in it. */
    NativeMemoryInfo memoryInfo();

    /** Adds this placement's execution provider to session options. */
    void configure(NativeSessionOptions options);

    /** A zeroed buffer of {@code bytes} in this placement's memory, 64-byte aligned at least. */
    PlacedMemory allocate(long bytes);

    /** Copies host bytes into this placement's memory. */
    void upload(MemorySegment host, MemorySegment placed, long bytes);

    /** Copies this placement's bytes to the host, and waits for them. */
    void download(MemorySegment placed, MemorySegment host, long bytes);

    /**
     * One batch input where the graphs read it: the batch's own memory on the host, a copy on a
     * device (valid until the next call for the same input name).
     */
    MemorySegment stage(String name, HostTensor tensor);

    @Override
    void close();
}
