package dev.trainer.runtime;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.StringStringEntryProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import dev.trainer.onnx.OnnxModel;
import dev.trainer.onnx.TensorTypes;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * A model as an ONNX Runtime session receives it, whichever API opens the session: the protobuf
 * bytes with every large initializer replaced by an external-data placeholder, and those
 * initializers' bytes to hand over by reference. This keeps models beyond protobuf's 2 GB
 * loadable and avoids a copy, and it makes both runtimes see byte-identical graphs.
 *
 * @param bytes        the serialized model with placeholders
 * @param initializers the initializers passed by reference, each over direct memory
 */
record SessionModel(byte[] bytes, List<Initializer> initializers) {

    /** Initializers from this size on are passed by reference rather than inside the protobuf. */
    private static final long BY_REFERENCE_BYTES = 1 << 20;

    /** One initializer passed by reference: its bytes (a direct buffer, little-endian) and how to read them. */
    record Initializer(String name, long[] dims, int elementType, ByteBuffer data) {
    }

    static SessionModel of(OnnxModel model) {
        GraphProto.Builder graph = model.proto().getGraph().toBuilder().clearInitializer();
        List<Initializer> byReference = new ArrayList<>();
        for (TensorProto t : model.proto().getGraph().getInitializerList()) {
            boolean external = t.getDataLocation() == TensorProto.DataLocation.EXTERNAL;
            if (external || t.getRawData().size() >= BY_REFERENCE_BYTES) {
                ByteBuffer bytes = direct(model.initializerBytes(t));
                byReference.add(new Initializer(t.getName(), TensorTypes.dims(t), t.getDataType(), bytes));
                graph.addInitializer(placeholder(t, bytes.remaining()));
            } else {
                graph.addInitializer(t);
            }
        }
        return new SessionModel(model.proto().toBuilder().setGraph(graph).build().toByteArray(), byReference);
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

    /** The bytes themselves when already direct (the model's memory map), else a direct copy. */
    private static ByteBuffer direct(ByteBuffer bytes) {
        if (bytes.isDirect()) {
            return bytes;
        }
        ByteBuffer direct = ByteBuffer.allocateDirect(bytes.remaining()).order(ByteOrder.nativeOrder());
        direct.put(bytes.duplicate()).flip();
        return direct;
    }
}
