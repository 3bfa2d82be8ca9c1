package dev.trainer.runtime;

import dev.trainer.ModelException;
import dev.trainer.onnx.OnnxModel;
import dev.trainer.ort.NativeSession;
import dev.trainer.ort.NativeSessionOptions;
import dev.trainer.ort.NativeValue;
import dev.trainer.ort.OrtStatusException;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;

/**
 * One graph opened through ORT's C API, with the options {@link ModelSession} gives training
 * graphs (all optimizations, memory pattern planning off, the session's thread count) and the
 * placement's execution provider. Large initializers are handed over by reference, as
 * {@link SessionModel} prepares them for both runtimes, so both see byte-identical graphs.
 */
final class CapiGraph implements AutoCloseable {

    private final NativeSession session;
    private final List<NativeValue> initializers;
    /** Holds the initializers' buffers: ORT reads them for the session's whole life. */
    private final SessionModel prepared;

    CapiGraph(OnnxModel model, int threads, OrtPlacement placement) {
        SessionModel prepared = SessionModel.of(model);
        List<NativeValue> values = new ArrayList<>();
        List<String> names = new ArrayList<>();
        try (NativeSessionOptions options = new NativeSessionOptions()) {
            for (SessionModel.Initializer i : prepared.initializers()) {
                values.add(NativeValue.tensorOver(placement.hostMemoryInfo(), MemorySegment.ofBuffer(i.data()), i.dims(),
                        i.elementType()));
                names.add(i.name());
            }
            options.optimizationLevel(NativeSessionOptions.OPTIMIZE_ALL).disableMemoryPattern().intraOpThreads(threads)
                    .externalInitializers(names, values);
            placement.configure(options);
            this.session = new NativeSession(prepared.bytes(), options);
            this.initializers = values;
            this.prepared = prepared;
        } catch (OrtStatusException e) {
            values.forEach(NativeValue::close);
            OrtErrors.rethrowShortage(e);
            throw new ModelException("ONNX Runtime cannot load the model: " + OrtErrors.message(e), e);
        }
    }

    NativeSession session() {
        return session;
    }

    @Override
    public void close() {
        session.close();
        initializers.forEach(NativeValue::close);
    }
}
