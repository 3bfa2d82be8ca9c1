package dev.trainer.runtime;

import dev.trainer.data.Batch;
import dev.trainer.data.InputSpec;
import dev.trainer.onnx.OnnxModel;
import dev.trainer.onnx.ValueType;
import java.util.List;
import java.util.Map;

/** A model run for inference only, as any ONNX Runtime user would: no differentiation involved. */
public final class InferenceSession implements Predictor, AutoCloseable {

    private final ModelSession session;
    private final List<InputSpec> inputs;
    private final Map<String, ValueType> types;

    public InferenceSession(OnnxModel model) {
        this.types = ShapeInference.infer(model);
        this.inputs = ModelInputs.of(model, types);
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
        return OrtFeeds.run(session.session(), batch, inputs, Map.of(), outputs);
    }

    @Override
    public void close() {
        session.close();
    }
}
