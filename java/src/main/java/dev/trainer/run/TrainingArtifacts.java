package dev.trainer.run;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.StringStringEntryProto;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trainer.autodiff.TrainingGraphs;
import dev.trainer.onnx.ModelMetadata;
import dev.trainer.onnx.ModelWriter;
import dev.trainer.onnx.OnnxModel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The training graphs trainer built, as files of the run folder: {@code artifacts/forward.onnx}
 * (the model with its trainable parameters as inputs, emitting its outputs and the values the
 * backward reads) and {@code artifacts/backward.onnx} (those values, the parameters and the
 * output's gradient in; the parameters' gradients out). Both are standard ONNX that any ONNX
 * Runtime loads; the forward's metadata says how the two fit together ({@code trainer.trainable},
 * {@code trainer.stash}, {@code trainer.output_gradient_inputs}, {@code trainer.parameter_gradients}),
 * so that trainer reads them back as the {@link TrainingGraphs} they were. They are rewritten
 * whenever gradual unfreezing changes what trains.
 */
final class TrainingArtifacts {

    static final String TRAINABLE = "trainer.trainable";
    static final String STASH = "trainer.stash";
    static final String OUTPUT_GRADIENT_INPUTS = "trainer.output_gradient_inputs";
    static final String PARAMETER_GRADIENTS = "trainer.parameter_gradients";
    private static final ObjectMapper JSON = new ObjectMapper();

    private TrainingArtifacts() {
    }

    /** Writes both graphs into the folder's {@code artifacts/}, each atomically. */
    static void write(RunFolder folder, TrainingGraphs graphs) {
        ModelProto.Builder forward = graphs.forward().proto().toBuilder();
        forward.addMetadataProps(entry(TRAINABLE, graphs.trainable()));
        forward.addMetadataProps(entry(STASH, graphs.stash()));
        forward.addMetadataProps(entry(OUTPUT_GRADIENT_INPUTS, graphs.outputGradientInputs()));
        forward.addMetadataProps(entry(PARAMETER_GRADIENTS, graphs.parameterGradients()));
        ModelWriter.write(graphs.forward().withProto(forward.build()), folder.artifacts().resolve("forward.onnx"));
        ModelWriter.write(graphs.backward(), folder.artifacts().resolve("backward.onnx"));
    }

    /**
     * The graphs the folder's artifacts hold, or {@code null} when it has none.
     *
     * @throws dev.trainer.ModelException when they do not read back as trainer's graphs
     */
    static TrainingGraphs read(RunFolder folder) {
        Path forwardFile = folder.artifacts().resolve("forward.onnx");
        Path backwardFile = folder.artifacts().resolve("backward.onnx");
        if (!Files.isRegularFile(forwardFile) || !Files.isRegularFile(backwardFile)) {
            return null;
        }
        OnnxModel forward = OnnxModel.load(forwardFile);
        try {
            return new TrainingGraphs(forward, OnnxModel.load(backwardFile),
                    JSON.readValue(required(forward, TRAINABLE), new TypeReference<List<String>>() { }),
                    JSON.readValue(required(forward, STASH), new TypeReference<List<String>>() { }),
                    JSON.readValue(required(forward, OUTPUT_GRADIENT_INPUTS), new TypeReference<Map<String, String>>() { }),
                    JSON.readValue(required(forward, PARAMETER_GRADIENTS), new TypeReference<Map<String, String>>() { }));
        } catch (JsonProcessingException e) {
            throw new dev.trainer.ModelException(forwardFile + ": its trainer metadata is not JSON", e);
        }
    }

    private static String required(OnnxModel model, String key) {
        String value = ModelMetadata.value(model, key);
        if (value == null) {
            throw new dev.trainer.ModelException("training graph without " + key + " metadata");
        }
        return value;
    }

    private static StringStringEntryProto entry(String key, Object value) {
        try {
            return StringStringEntryProto.newBuilder().setKey(key).setValue(JSON.writeValueAsString(value)).build();
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
