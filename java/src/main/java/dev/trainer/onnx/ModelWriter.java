package dev.trainer.onnx;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.StringStringEntryProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import com.google.protobuf.ByteString;
import dev.trainer.ModelException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * Writes models atomically: everything goes to temporary files beside the target, which are
 * renamed into place only once complete, so a failure never leaves a half-written model.
 *
 * <p>A model that came with external data is written with external data; one whose weights
 * would push the protobuf past its 2 GB limit too. The data file is {@code NAME.data} beside
 * {@code NAME}, each tensor aligned to 64 bytes so that it can be mapped and used in place.
 */
public final class ModelWriter {

    /** Protobuf's hard limit is 2 GiB; leave room for the graph itself. */
    static final long INLINE_LIMIT_BYTES = (1L << 31) - (64L << 20);
    private static final long EXTERNAL_MIN_BYTES = 1024;
    private static final int ALIGNMENT = 64;

    private ModelWriter() {
    }

    public static void write(OnnxModel model, Path file) {
        write(model, file, !model.externalData().isEmpty() || weightBytes(model) > INLINE_LIMIT_BYTES);
    }

    /** Writes the model, with its larger initializers in an external data file when asked. */
    public static void write(OnnxModel model, Path file, boolean externalData) {
        Path target = file.toAbsolutePath();
        Path folder = target.getParent();
        String dataName = target.getFileName() + ".data";
        Path modelTmp = folder.resolve("." + target.getFileName() + ".tmp");
        Path dataTmp = folder.resolve("." + dataName + ".tmp");
        Path data = folder.resolve(dataName);
        Path dataBackup = folder.resolve("." + dataName + ".previous");
        boolean backedUp = false;
        try {
            Files.createDirectories(folder);
            ModelProto proto = externalData
                    ? writeExternal(model, dataTmp, dataName)
                    : inline(model);
            try (OutputStream out = Files.newOutputStream(modelTmp)) {
                proto.writeTo(out);
            }
            if (externalData) {
                // The old data file stays aside until the new model is in place, so that a failure
                // of that last rename can put it back beside the model it belongs to.
                if (Files.isRegularFile(data)) {
                    Files.move(data, dataBackup, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                    backedUp = true;
                }
                Files.move(dataTmp, data, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            }
            Files.move(modelTmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            if (backedUp) {
                restore(dataBackup, data);
                backedUp = false;
            }
            throw new ModelException("cannot write model " + target + ": " + e.getMessage(), e);
        } finally {
            deleteQuietly(modelTmp);
            deleteQuietly(dataTmp);
            if (backedUp) {
                deleteQuietly(dataBackup);
            }
        }
    }

    private static long weightBytes(OnnxModel model) {
        long total = 0;
        for (TensorProto t : model.proto().getGraph().getInitializerList()) {
            total += model.initializerBytes(t).remaining();
        }
        return total;
    }

    private static ModelProto inline(OnnxModel model) {
        GraphProto.Builder graph = model.proto().getGraph().toBuilder();
        for (int i = 0; i < graph.getInitializerCount(); i++) {
            TensorProto t = graph.getInitializer(i);
            if (t.getDataLocation() == TensorProto.DataLocation.EXTERNAL) {
                graph.setInitializer(i, inlined(t, model.initializerBytes(t)));
            }
        }
        return model.proto().toBuilder().setGraph(graph).build();
    }

    private static ModelProto writeExternal(OnnxModel model, Path dataFile, String dataName) throws IOException {
        GraphProto.Builder graph = model.proto().getGraph().toBuilder();
        try (FileChannel channel = FileChannel.open(dataFile, StandardOpenOption.CREATE,
                StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
            long offset = 0;
            for (int i = 0; i < graph.getInitializerCount(); i++) {
                TensorProto t = graph.getInitializer(i);
                ByteBuffer bytes = model.initializerBytes(t);
                long length = bytes.remaining();
                if (length < EXTERNAL_MIN_BYTES) {
                    if (t.getDataLocation() == TensorProto.DataLocation.EXTERNAL) {
                        graph.setInitializer(i, inlined(t, bytes));
                    }
                    continue;
                }
                offset = (offset + ALIGNMENT - 1) / ALIGNMENT * ALIGNMENT;
                long position = offset;
                while (bytes.hasRemaining()) {
                    position += channel.write(bytes, position);
                }
                graph.setInitializer(i, t.toBuilder()
                        .clearRawData().clearFloatData().clearDoubleData().clearInt32Data().clearInt64Data()
                        .clearExternalData()
                        .setDataLocation(TensorProto.DataLocation.EXTERNAL)
                        .addExternalData(entry("location", dataName))
                        .addExternalData(entry("offset", Long.toString(offset)))
                        .addExternalData(entry("length", Long.toString(length)))
                        .build());
                offset += length;
            }
            channel.force(false);
        }
        return model.proto().toBuilder().setGraph(graph).build();
    }

    /** The tensor with its bytes inside the protobuf, for one that pointed at an external file. */
    private static TensorProto inlined(TensorProto t, ByteBuffer bytes) {
        return t.toBuilder().clearExternalData().clearDataLocation().setRawData(ByteString.copyFrom(bytes)).build();
    }

    private static StringStringEntryProto entry(String key, String value) {
        return StringStringEntryProto.newBuilder().setKey(key).setValue(value).build();
    }

    private static void restore(Path backup, Path data) {
        try {
            Files.move(backup, data, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new ModelException("cannot write the model, and the previous data file is left at " + backup, e);
        }
    }

    private static void deleteQuietly(Path path) {
        try {
            Files.deleteIfExists(path);
        } catch (IOException ignored) {
            // A stale temporary file is harmless and replaced by the next write.
        }
    }
}
