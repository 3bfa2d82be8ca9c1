package dev.trainer.onnx;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.StringStringEntryProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import com.google.protobuf.CodedInputStream;
import dev.trainer.ModelException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.Map;

/**
 * An ONNX model as read from disk: the protobuf and, for initializers stored as external data, a
 * read-only memory map of their bytes. The maps stay valid as long as the model is reachable;
 * nothing here must be closed.
 *
 * <p>Protobuf cannot hold more than 2 GB in one message, so models beyond that keep their weights
 * in external files: they are mapped, never copied into the protobuf, and {@link ModelWriter}
 * writes them back the same way.
 */
public final class OnnxModel {

    private final ModelProto proto;
    private final Map<String, ByteBuffer> externalData;
    /** The index, built on first use (a model that is only written never needs one). */
    private ModelGraph graph;

    private OnnxModel(ModelProto proto, Map<String, ByteBuffer> externalData) {
        this.proto = proto;
        this.externalData = externalData;
    }

    /** A model whose every initializer is held inside the protobuf. */
    public static OnnxModel of(ModelProto proto) {
        return new OnnxModel(proto, Map.of());
    }

    /** A model whose initializers may point at the given external bytes, by initializer name. */
    public static OnnxModel of(ModelProto proto, Map<String, ByteBuffer> externalData) {
        return new OnnxModel(proto, Map.copyOf(externalData));
    }

    /**
     * Reads a model and maps the external data its initializers reference, relative to the
     * model's folder.
     *
     * @throws ModelException when the file is missing, not an ONNX model, or its external data
     *     is missing or too short
     */
    public static OnnxModel load(Path file) {
        if (Files.isDirectory(file)) {
            throw new ModelException(file + " is a folder, not an ONNX model file; give the .onnx file in it");
        }
        if (!Files.isRegularFile(file)) {
            throw new ModelException("model file not found: " + file);
        }
        ModelProto proto;
        try (var in = Files.newInputStream(file)) {
            CodedInputStream coded = CodedInputStream.newInstance(in);
            coded.setSizeLimit(Integer.MAX_VALUE);
            coded.setRecursionLimit(1000);
            proto = ModelProto.parseFrom(coded);
        } catch (IOException e) {
            throw new ModelException("not a readable ONNX model: " + file + " (" + e.getMessage() + ")");
        }
        if (!proto.hasGraph() || proto.getOpsetImportCount() == 0) {
            throw new ModelException("not an ONNX model (no graph or opset): " + file);
        }
        if (proto.getGraph().getOutputCount() == 0) {
            throw new ModelException(file + " has no outputs: there is nothing to train, evaluate or predict");
        }
        Path folder = file.toAbsolutePath().getParent();
        Map<String, ByteBuffer> external = new HashMap<>();
        for (TensorProto tensor : proto.getGraph().getInitializerList()) {
            if (tensor.getDataLocation() == TensorProto.DataLocation.EXTERNAL) {
                external.put(tensor.getName(), map(folder, tensor));
            }
        }
        return new OnnxModel(proto, external);
    }

    private static ByteBuffer map(Path folder, TensorProto tensor) {
        Map<String, String> entries = new HashMap<>();
        for (StringStringEntryProto entry : tensor.getExternalDataList()) {
            entries.put(entry.getKey(), entry.getValue());
        }
        String location = entries.get("location");
        if (location == null) {
            throw new ModelException("initializer " + tensor.getName() + " is external but names no location");
        }
        Path dataFile = folder.resolve(location).normalize();
        if (!dataFile.startsWith(folder)) {
            throw new ModelException("external data of " + tensor.getName() + " lies outside the model's folder: " + location);
        }
        long offset;
        long length;
        try {
            offset = Long.parseLong(entries.getOrDefault("offset", "0"));
            length = entries.containsKey("length")
                    ? Long.parseLong(entries.get("length"))
                    : TensorTypes.elementCount(tensor.getDimsList()) * TensorTypes.elementBytes(tensor.getDataType());
        } catch (NumberFormatException e) {
            throw new ModelException("external data of " + tensor.getName() + " has a malformed offset or length: "
                    + e.getMessage());
        } catch (ArithmeticException overflow) {
            throw new ModelException("initializer " + tensor.getName() + " has an impossible shape "
                    + tensor.getDimsList() + ": more elements than a long counts");
        }
        if (offset < 0 || length < 0) {
            throw new ModelException("external data of " + tensor.getName() + " has a negative offset or length");
        }
        if (length > Integer.MAX_VALUE) {
            throw new ModelException("initializer " + tensor.getName() + " holds " + length
                    + " bytes; a single tensor over 2 GB is not supported");
        }
        try (FileChannel channel = FileChannel.open(dataFile, StandardOpenOption.READ)) {
            if (offset + length > channel.size()) {
                throw new ModelException("external data file " + dataFile + " is too short for " + tensor.getName());
            }
            return channel.map(FileChannel.MapMode.READ_ONLY, offset, length).order(ByteOrder.LITTLE_ENDIAN);
        } catch (NoSuchFileException e) {
            throw new ModelException("external data file of " + tensor.getName() + " not found: " + dataFile);
        } catch (IOException e) {
            throw new ModelException("cannot read external data of " + tensor.getName() + ": " + dataFile + " ("
                    + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()) + ")");
        }
    }

    /** The protobuf, for graph edits and writing; read the graph through {@link #graph()}. */
    public ModelProto proto() {
        return proto;
    }

    /** The main graph, indexed: producers, consumers, initializers, inputs, outputs, roles. */
    public synchronized ModelGraph graph() {
        if (graph == null) {
            graph = new ModelGraph(proto.getGraph());
        }
        return graph;
    }

    /** The opset version of the default ONNX domain. */
    public long opset() {
        return proto.getOpsetImportList().stream()
                .filter(o -> o.getDomain().isEmpty() || o.getDomain().equals("ai.onnx"))
                .mapToLong(o -> o.getVersion()).findFirst()
                .orElseThrow(() -> new ModelException("model imports no default-domain opset"));
    }

    /**
     * The raw little-endian bytes of an initializer, whichever way the file stored them (raw,
     * typed repeated fields, or external). The buffer is read-only and positioned at zero.
     */
    public ByteBuffer initializerBytes(TensorProto tensor) {
        ByteBuffer external = externalData.get(tensor.getName());
        if (tensor.getDataLocation() == TensorProto.DataLocation.EXTERNAL && external != null) {
            return external.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        }
        return TensorTypes.bytesOf(tensor);
    }

    /** Initializers held as external data, by name. */
    public Map<String, ByteBuffer> externalData() {
        return externalData;
    }

    /** The same external data with another protobuf, e.g. after editing the graph. */
    public OnnxModel withProto(ModelProto newProto) {
        return new OnnxModel(newProto, externalData);
    }
}
