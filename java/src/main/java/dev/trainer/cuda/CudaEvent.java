package dev.trainer.cuda;

/** A CUDA event: marks a point in a stream, for timing device work without timing the host. */
public final class CudaEvent implements AutoCloseable {

    private final CudaRuntime cuda;
    private final long handle;
    private boolean closed;

    public CudaEvent(CudaRuntime cuda) {
        this.cuda = cuda;
        this.handle = cuda.eventCreate();
    }

    /** Marks the point in {@code stream} after everything queued so far. */
    public void record(CudaStream stream) {
        cuda.eventRecord(handle, stream.handle());
    }

    /** Milliseconds of stream time from {@code start} to this event, once both have passed (waits for this one). */
    public float millisSince(CudaEvent start) {
        cuda.eventSynchronize(handle);
        return cuda.eventElapsedMillis(start.handle, handle);
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            cuda.eventDestroy(handle);
        }
    }
}
