package dev.trainer.runtime;

import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.trainer.data.Batch;
import dev.trainer.data.HostTensor;
import dev.trainer.data.InputSpec;
import dev.trainer.ModelException;
import java.nio.FloatBuffer;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

/** Batches into ONNX Runtime's Java API and float outputs back out: what inference and training runs share. */
final class OrtFeeds {

    private OrtFeeds() {
    }

    /** Runs a session on a batch plus extra feeds (e.g. parameters) and copies out float outputs. */
    static Map<String, float[]> run(OrtSession session, Batch batch, List<InputSpec> inputs,
                                    Map<String, OnnxTensor> extraFeeds, List<String> outputs) {
        Map<String, OnnxTensor> batchTensors = wrap(batch, inputs);
        try {
            Map<String, OnnxTensor> feeds = new HashMap<>(batchTensors);
            feeds.putAll(extraFeeds);
            try (OrtSession.Result result = session.run(feeds, new LinkedHashSet<>(outputs))) {
                Map<String, float[]> values = new LinkedHashMap<>();
                for (String name : outputs) {
                    OnnxTensor t = (OnnxTensor) result.get(name).orElseThrow();
                    if (t.getInfo().type != OnnxJavaType.FLOAT) {
                        throw new ModelException("output " + name + " is " + t.getInfo().type + ", not float32");
                    }
                    FloatBuffer floats = t.getFloatBuffer();
                    float[] copy = new float[floats.remaining()];
                    floats.get(copy);
                    values.put(name, copy);
                }
                return values;
            }
        } catch (OrtException e) {
            OrtErrors.rethrowShortage(e);
            throw new ModelException("ONNX Runtime failed to run the model: " + OrtErrors.message(e), e);
        } finally {
            batchTensors.values().forEach(OnnxTensor::close);
        }
    }

    /** Tensors over a batch's buffers, by input name; the caller closes them. */
    static Map<String, OnnxTensor> wrap(Batch batch, List<InputSpec> inputs) {
        Map<String, OnnxTensor> tensors = new HashMap<>();
        for (InputSpec spec : inputs) {
            HostTensor t = batch.input(spec.name());
            tensors.put(spec.name(), Tensors.over(t.data(), t.shape(), Tensors.javaType(t.type())));
        }
        return tensors;
    }
}
