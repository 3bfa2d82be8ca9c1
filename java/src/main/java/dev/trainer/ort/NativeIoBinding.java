package dev.trainer.ort;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import dev.trainer.ffm.Downcalls;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * An {@code OrtIoBinding}: a session's inputs and outputs bound to values ahead of a run, so that
 * a run copies nothing. An input binding holds a reference to its value until rebound or cleared;
 * an output bound to a value is written in place; an output bound to a device is allocated there
 * by ORT at each run and collected with {@link #outputs()}. Bind names are kept as C strings for
 * the binding's life, so per-step rebinding allocates nothing.
 */
public final class NativeIoBinding extends OrtHandle {

    private static final class Calls {
        static final OrtApi API = OrtApi.get();
        static final MethodHandle CREATE = API.slot(OrtApi.CREATE_IO_BINDING, OrtApi.status(ADDRESS, ADDRESS));
        static final MethodHandle BIND_INPUT = API.slot(OrtApi.BIND_INPUT, OrtApi.status(ADDRESS, ADDRESS, ADDRESS));
        static final MethodHandle BIND_OUTPUT = API.slot(OrtApi.BIND_OUTPUT, OrtApi.status(ADDRESS, ADDRESS, ADDRESS));
        static final MethodHandle BIND_OUTPUT_TO_DEVICE = API.slot(OrtApi.BIND_OUTPUT_TO_DEVICE,
                OrtApi.status(ADDRESS, ADDRESS, ADDRESS));
        static final MethodHandle RUN = API.slot(OrtApi.RUN_WITH_BINDING, OrtApi.status(ADDRESS, ADDRESS, ADDRESS));
        static final MethodHandle OUTPUTS = API.slot(OrtApi.GET_BOUND_OUTPUT_VALUES,
                OrtApi.status(ADDRESS, ADDRESS, ADDRESS, ADDRESS));
        static final MethodHandle FREE = API.slot(OrtApi.ALLOCATOR_FREE, OrtApi.status(ADDRESS, ADDRESS));
        static final MethodHandle CLEAR_INPUTS = API.slot(OrtApi.CLEAR_BOUND_INPUTS, OrtApi.RELEASE);
        static final MethodHandle CLEAR_OUTPUTS = API.slot(OrtApi.CLEAR_BOUND_OUTPUTS, OrtApi.RELEASE);
        static final MethodHandle RELEASE = API.slot(OrtApi.RELEASE_IO_BINDING, OrtApi.RELEASE);
    }

    private final NativeSession session;
    private final Arena names = Arena.ofShared();
    private final Map<String, MemorySegment> cNames = new HashMap<>();

    public NativeIoBinding(NativeSession session) {
        super(create(session), Calls.RELEASE);
        this.session = session;
    }

    private static MemorySegment create(NativeSession session) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(ADDRESS);
            Calls.API.check("CreateIoBinding", (MemorySegment) Calls.CREATE.invokeExact(session.handle(), out));
            return out.get(ADDRESS, 0);
        } catch (Throwable t) {
            throw Downcalls.rethrow(t);
        }
    }

    /** Feeds {@code value} to input {@code name} in the next runs (replacing an earlier binding). */
    public void input(String name, NativeValue value) {
        bind("BindInput", Calls.BIND_INPUT, name, value.handle());
    }

    /** Makes ORT write output {@code name} into {@code value}, whose shape must be the output's. */
    public void output(String name, NativeValue value) {
        bind("BindOutput", Calls.BIND_OUTPUT, name, value.handle());
    }

    /** Makes ORT allocate output {@code name} on the device {@code info} describes, anew at each run. */
    public void outputOn(String name, NativeMemoryInfo info) {
        bind("BindOutputToDevice", Calls.BIND_OUTPUT_TO_DEVICE, name, info.handle());
    }

    private void bind(String call, MethodHandle function, String name, MemorySegment value) {
        try {
            Calls.API.check(call + "(" + name + ")", (MemorySegment) function.invokeExact(handle(), cName(name), value));
        } catch (Throwable t) {
            throw Downcalls.rethrow(t);
        }
    }

    private MemorySegment cName(String name) {
        return cNames.computeIfAbsent(name, names::allocateFrom);
    }

    /** Runs the session on the bound values. */
    public void run() {
        try {
            Calls.API.check("RunWithBinding", (MemorySegment) Calls.RUN.invokeExact(session.handle(), MemorySegment.NULL,
                    handle()));
        } catch (Throwable t) {
            throw Downcalls.rethrow(t);
        }
    }

    /**
     * New references to the bound outputs after a run, in binding order; the caller closes them.
     * Values ORT allocated stay alive while any reference (this one or the binding's) exists.
     */
    public List<NativeValue> outputs() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment array = arena.allocate(ADDRESS);
            MemorySegment count = arena.allocate(JAVA_LONG);
            MemorySegment allocator = Calls.API.defaultAllocator();
            Calls.API.check("GetBoundOutputValues", (MemorySegment) Calls.OUTPUTS.invokeExact(handle(), allocator, array,
                    count));
            long n = count.get(JAVA_LONG, 0);
            List<NativeValue> values = new ArrayList<>((int) n);
            if (n > 0) {
                MemorySegment pointers = array.get(ADDRESS, 0).reinterpret(n * ADDRESS.byteSize());
                for (long i = 0; i < n; i++) {
                    values.add(new NativeValue(pointers.getAtIndex(ADDRESS, i)));
                }
                Calls.API.check("AllocatorFree", (MemorySegment) Calls.FREE.invokeExact(allocator, pointers));
            }
            return values;
        } catch (Throwable t) {
            throw Downcalls.rethrow(t);
        }
    }

    /** Drops every input binding (and the binding's references to those values). */
    public void clearInputs() {
        OrtApi.release(Calls.CLEAR_INPUTS, handle());
    }

    /** Drops every output binding (and the binding's references to the values of the last run). */
    public void clearOutputs() {
        OrtApi.release(Calls.CLEAR_OUTPUTS, handle());
    }

    @Override
    public void close() {
        super.close();
        if (names.scope().isAlive()) {
            names.close();
        }
    }
}
