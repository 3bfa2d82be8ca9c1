package dev.trainer.ort;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;

import dev.trainer.ffm.Downcalls;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

/** An {@code OrtSession} made from a serialized model; it runs through {@link NativeIoBinding}s. */
public final class NativeSession extends OrtHandle {

    private static final class Calls {
        static final OrtApi API = OrtApi.get();
        static final MethodHandle CREATE = API.slot(OrtApi.CREATE_SESSION_FROM_ARRAY,
                OrtApi.status(ADDRESS, ADDRESS, OrtApi.SIZE_T, ADDRESS, ADDRESS));
        static final MethodHandle RELEASE = API.slot(OrtApi.RELEASE_SESSION, OrtApi.RELEASE);
    }

    /** Parses and plans {@code model} (ONNX protobuf bytes, which ORT copies what it needs of). */
    public NativeSession(byte[] model, NativeSessionOptions options) {
        super(create(model, options), Calls.RELEASE);
    }

    private static MemorySegment create(byte[] model, NativeSessionOptions options) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment bytes = arena.allocateFrom(JAVA_BYTE, model);
            MemorySegment out = arena.allocate(ADDRESS);
            Calls.API.check("CreateSessionFromArray", (MemorySegment) Calls.CREATE.invokeExact(Calls.API.env(), bytes,
                    (long) model.length, options.handle(), out));
            return out.get(ADDRESS, 0);
        } catch (Throwable t) {
            throw Downcalls.rethrow(t);
        }
    }
}
