package dev.trainer.ort;

import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

/** An object ONNX Runtime allocated, released by its {@code Release*} function on the first {@link #close()}. */
abstract class OrtHandle implements AutoCloseable {

    private final MemorySegment handle;
    private final MethodHandle release;
    private boolean closed;

    OrtHandle(MemorySegment handle, MethodHandle release) {
        this.handle = handle;
        this.release = release;
    }

    MemorySegment handle() {
        return handle;
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            OrtApi.release(release, handle);
        }
    }
}
