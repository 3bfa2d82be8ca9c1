package dev.trainer.onnx;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.StringStringEntryProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import com.google.protobuf.ByteString;
import dev.trainer.io.AtomicFile;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Writes models atomically ({@link AtomicFile}): everything goes to temporary files beside the
 * target, flushed to disk and renamed into place only once complete, so a failure never leaves a
 * half-written model.
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

    /**
     * Writes the model, with its larger initializers in an external data file when asked, creating
     * its folder if need be.
     *
     * @throws java.io.UncheckedIOException naming the file and the reason when it cannot be written
     */
    public static void write(OnnxModel model, Path file, boolean externalData) {
        Path target = file.toAbsolutePath();
        Path folder = target.getParent();
        String dataName = target.getFileName() + ".data";
        Path data = folder.resolve(dataName);
        try {
            Files.createDirectories(folder);
        } catch (IOException e) {
            throw AtomicFile.failure(target, e);
        }
        if (!externalData) {
            ModelProto proto = inline(model);
            AtomicFile.write(target, proto::writeTo);
            return;
        }
        ModelProto[] proto = new ModelProto[1];
        try (AtomicFile.Staged dataFile = AtomicFile.stage(data, out -> proto[0] = writeExternal(model, out, dataName));
             AtomicFile.Staged modelFile = AtomicFile.stage(target, out -> proto[0].writeTo(out))) {
            placeTogether(dataFile, modelFile, data, folder.resolve("." + dataName + ".previous"));
        }
    }

    /**
     * Puts the data file, then the model, in place. The old data file stays aside until the new
     * model is in place, so that a failure of that last rename can put it back beside the model it
     * belongs to.
     */
    private static void placeTogether(AtomicFile.Staged dataFile, AtomicFile.Staged modelFile, Path data, Path backup) {
        boolean backedUp = false;
        try {
            if (Files.isRegularFile(data)) {
                Files.move(data, backup, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                backedUp = true;
            }
            dataFile.commit();
            modelFile.commit();
            if (backedUp) {
                Files.deleteIfExists(backup);
            }
        } catch (IOException e) {
            throw AtomicFile.failure(data, e);
        } catch (UncheckedIOException e) {
            if (backedUp) {
                restore(backup, data);
            }
            throw e;
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

    /** Writes the large initializers one after another, each at a 64-byte boundary; returns the model pointing at them. */
    private static ModelProto writeExternal(OnnxModel model, OutputStream out, String dataName) throws IOException {
        GraphProto.Builder graph = model.proto().getGraph().toBuilder();
        WritableByteChannel channel = Channels.newChannel(out);
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
            long aligned = (offset + ALIGNMENT - 1) / ALIGNMENT * ALIGNMENT;
            out.write(new byte[(int) (aligned - offset)]);
            while (bytes.hasRemaining()) {
                channel.write(bytes);
            }
            graph.setInitializer(i, t.toBuilder()
                    .clearRawData().clearFloatData().clearDoubleData().clearInt32Data().clearInt64Data()
                    .clearExternalData()
                    .setDataLocation(TensorProto.DataLocation.EXTERNAL)
                    .addExternalData(entry("location", dataName))
                    .addExternalData(entry("offset", Long.toString(aligned)))
                    .addExternalData(entry("length", Long.toString(length)))
                    .build());
            offset = aligned + length;
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
            throw new UncheckedIOException("cannot write the model, and the previous data file is left at " + backup
                    + ": " + AtomicFile.reason(e), e);
        }
    }
}
