package dev.trainer.runtime;

import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.trainer.data.Batch;
import dev.trainer.data.HostTensor;
import dev.trainer.data.InputSpec;
import dev.trainer.onnx.ModelException;
import dev.trainer.onnx.OnnxModel;
import dev.trainer.onnx.ValueType;
import java.nio.FloatBuffer;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

/** A model run for inference only, as any ONNX Runtime user would: no differentiation involved. */
public final class InferenceSession implements Predictor, AutoCloseable {

    private final ModelSession session;
    private final List<InputSpec> inputs;
    private final Map<String, ValueType> types;

    public InferenceSession(OnnxModel model) {
        this.types = ShapeInference.infer(model);
        this.inputs = TrainingSession.modelInputs(model, types);
        this.session = ModelSession.open(model);
    }

    public List<InputSpec> inputs() {
        return inputs;
    }

    /** Element type and shape of a value of the model, e.g. an output. */
    public ValueType type(String name) {
        return types.get(name);
    }

    @Override
    public Map<String, float[]> predict(Batch batch, List<String> outputs) {
        return run(session.session(), batch, inputs, Map.of(), outputs);
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
            throw new IllegalStateException("ONNX Runtime failed to run the model: " + ModelSession.firstLine(e.getMessage()), e);
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

    @Override
    public void close() {
        session.close();
    }
}
