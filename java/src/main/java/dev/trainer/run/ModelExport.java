package dev.trainer.run;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.StringStringEntryProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import com.google.protobuf.ByteString;
import dev.trainer.onnx.OnnxModel;
import dev.trainer.runtime.ParameterBuffer;
import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The fine-tuned inference model: the original graph, untouched, with the trained values as its
 * initializers and the run's provenance in its metadata. Same inputs and outputs, so any ONNX
 * Runtime deployment that served the original serves this one.
 */
public final class ModelExport {

    private ModelExport() {
    }

    public static OnnxModel trained(OnnxModel original, ParameterBuffer parameters, Map<String, String> metadata) {
        GraphProto.Builder graph = original.proto().getGraph().toBuilder();
        Map<String, ByteBuffer> external = new HashMap<>(original.externalData());
        for (int i = 0; i < graph.getInitializerCount(); i++) {
            TensorProto t = graph.getInitializer(i);
            if (parameters.slots().stream().noneMatch(s -> s.name().equals(t.getName()))) {
                continue;
            }
            ByteBuffer trained = parameters.littleEndianBytes(t.getName());
            if (t.getDataLocation() == TensorProto.DataLocation.EXTERNAL) {
                external.put(t.getName(), trained);
            } else {
                graph.setInitializer(i, t.toBuilder().clearFloatData().setRawData(ByteString.copyFrom(trained)).build());
            }
        }
        Map<String, String> props = new LinkedHashMap<>();
        original.proto().getMetadataPropsList().forEach(p -> props.put(p.getKey(), p.getValue()));
        props.putAll(metadata);
        ModelProto.Builder proto = original.proto().toBuilder().setGraph(graph).clearMetadataProps();
        props.forEach((k, v) -> proto.addMetadataProps(StringStringEntryProto.newBuilder().setKey(k).setValue(v)));
        return OnnxModel.of(proto.build(), external);
    }
}
