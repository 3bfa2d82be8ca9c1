package dev.trainer.runtime;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.StringStringEntryProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import dev.trainer.ModelException;
import dev.trainer.onnx.OnnxModel;
import dev.trainer.onnx.TensorTypes;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * An ONNX Runtime session over an {@link OnnxModel}. Large initializers are not serialized into
 * the session's protobuf: they are handed to ORT as external initializers over their existing
 * bytes (the model's memory map for external data), which keeps models beyond 2 GB loadable and
 * avoids a copy. Closing the session closes those tensors.
 */
public final class ModelSession implements AutoCloseable {

    /** Initializers from this size on are passed by reference rather than inside the protobuf. */
    private static final long BY_REFERENCE_BYTES = 1 << 20;

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
        GraphProto.Builder graph = model.proto().getGraph().toBuilder().clearInitializer();
        Map<String, ai.onnxruntime.OnnxTensorLike> byReference = new HashMap<>();
        List<OnnxTensor> tensors = new ArrayList<>();
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            OrtLogging.configure(options);
            options.setOptimizationLevel(level);
            options.setMemoryPatternOptimization(memoryPattern);
            if (threads > 0) {
                options.setIntraOpNumThreads(threads);
            }
            for (TensorProto t : model.proto().getGraph().getInitializerList()) {
                boolean external = t.getDataLocation() == TensorProto.DataLocation.EXTERNAL;
                if (external || t.getRawData().size() >= BY_REFERENCE_BYTES) {
                    ByteBuffer bytes = model.initializerBytes(t);
                    OnnxTensor tensor = tensorOver(env, t, bytes);
                    tensors.add(tensor);
                    byReference.put(t.getName(), tensor);
                    graph.addInitializer(placeholder(t, bytes.remaining()));
                } else {
                    graph.addInitializer(t);
                }
            }
            if (!byReference.isEmpty()) {
                options.addExternalInitializers(byReference);
            }
            byte[] bytes = model.proto().toBuilder().setGraph(graph).build().toByteArray();
            return new ModelSession(env.createSession(bytes, options), tensors);
        } catch (OrtException e) {
            tensors.forEach(OnnxTensor::close);
            OrtErrors.rethrowShortage(e);
            throw new ModelException("ONNX Runtime cannot load the model: " + OrtErrors.message(e), e);
        }
    }

    /**
     * What stands in the graph for an initializer passed by reference: ORT only swaps in tensors
     * for initializers that the graph declares as external data of the same name, type and shape.
     * The location is never read.
     */
    private static TensorProto placeholder(TensorProto t, long length) {
        return TensorProto.newBuilder().setName(t.getName()).setDataType(t.getDataType()).addAllDims(t.getDimsList())
                .setDataLocation(TensorProto.DataLocation.EXTERNAL)
                .addExternalData(StringStringEntryProto.newBuilder().setKey("location").setValue("trainer-by-reference"))
                .addExternalData(StringStringEntryProto.newBuilder().setKey("offset").setValue("0"))
                .addExternalData(StringStringEntryProto.newBuilder().setKey("length").setValue(Long.toString(length)))
                .build();
    }

    private static OnnxTensor tensorOver(OrtEnvironment env, TensorProto t, ByteBuffer bytes) throws OrtException {
        ByteBuffer direct = bytes;
        if (!bytes.isDirect()) {
            direct = ByteBuffer.allocateDirect(bytes.remaining()).order(ByteOrder.nativeOrder());
            direct.put(bytes.duplicate()).flip();
        }
        return OnnxTensor.createTensor(env, direct, TensorTypes.dims(t), Tensors.javaType(t.getDataType()));
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
