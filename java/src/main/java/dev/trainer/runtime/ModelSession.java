package dev.trainer.runtime;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.trainer.ModelException;
import dev.trainer.onnx.OnnxModel;
import dev.trainer.ort.ProcessEnvironment;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * An ONNX Runtime session over an {@link OnnxModel}. Large initializers are not serialized into
 * the session's protobuf: they are handed to ORT as external initializers over their existing
 * bytes ({@link SessionModel}). Closing the session closes those tensors.
 */
public final class ModelSession implements AutoCloseable {

    /**
     * A diagnostic for performance work: with {@code -Dtrainer.ortProfile=PREFIX} every session of
     * the Java API runtime writes ONNX Runtime's profile (per-node times and shapes) to
     * {@code PREFIX-GRAPHNAME_TIMESTAMP.json} when it closes; {@code scripts/ort_profile.py}
     * summarises them.
     */
    private static final String PROFILE_PROPERTY = "trainer.ortProfile";

    private final OrtSession session;
    private final List<OnnxTensor> initializerTensors;

    private ModelSession(OrtSession session, List<OnnxTensor> initializerTensors) {
        this.session = session;
        this.initializerTensors = initializerTensors;
    }

    /** Opens a session with ORT's default optimizations and thread count. */
    public static ModelSession open(OnnxModel model) {
        return open(model, OrtSession.SessionOptions.OptLevel.ALL_OPT);
    }

    public static ModelSession open(OnnxModel model, OrtSession.SessionOptions.OptLevel level) {
        return open(model, level, 0, true);
    }

    /**
     * Opens a session with the given intra-op thread count (0: ORT's default, one per core).
     *
     * @param memoryPattern ORT's memory pattern planning, which pre-allocates one block for a run's
     *                      intermediates. Training graphs run with it off: with their many outputs
     *                      and batches of varying shape it held about a gigabyte more at MiniLM's
     *                      scale (batch 32, sequence 128: peak RSS 3.8 GB with, 2.7 GB without), for
     *                      no gain in step time.
     */
    public static ModelSession open(OnnxModel model, OrtSession.SessionOptions.OptLevel level, int threads,
                                    boolean memoryPattern) {
        OrtEnvironment env = OrtLogging.environment();
        SessionModel prepared = SessionModel.of(model);
        Map<String, ai.onnxruntime.OnnxTensorLike> byReference = new HashMap<>();
        List<OnnxTensor> tensors = new ArrayList<>();
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            OrtLogging.configure(options);
            options.setOptimizationLevel(level);
            options.setMemoryPatternOptimization(memoryPattern);
            if (threads > 0) {
                options.setIntraOpNumThreads(threads);
            } else if (ProcessEnvironment.sharedThreads()) {
                options.disablePerSessionThreads();
            }
            String profile = System.getProperty(PROFILE_PROPERTY);
            if (profile != null) {
                options.enableProfiling(profile + "-" + model.proto().getGraph().getName());
            }
            for (SessionModel.Initializer i : prepared.initializers()) {
                OnnxTensor tensor = OnnxTensor.createTensor(env, i.data(), i.dims(), Tensors.javaType(i.elementType()));
                tensors.add(tensor);
                byReference.put(i.name(), tensor);
            }
            if (!byReference.isEmpty()) {
                options.addExternalInitializers(byReference);
            }
            return new ModelSession(env.createSession(prepared.bytes(), options), tensors);
        } catch (OrtException e) {
            tensors.forEach(OnnxTensor::close);
            OrtErrors.rethrowShortage(e);
            throw new ModelException("ONNX Runtime cannot load the model: " + OrtErrors.message(e), e);
        }
    }

    public OrtSession session() {
        return session;
    }

    @Override
    public void close() {
        try {
            session.close();
        } catch (OrtException e) {
            throw new IllegalStateException("closing an ONNX Runtime session failed", e);
        } finally {
            initializerTensors.forEach(OnnxTensor::close);
        }
    }
}
