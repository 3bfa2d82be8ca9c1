package dev.trainer.runtime;

import ai.onnx.proto.OnnxMl.ValueInfoProto;
import dev.trainer.ModelException;
import dev.trainer.data.InputSpec;
import dev.trainer.onnx.OnnxModel;
import dev.trainer.onnx.ValueType;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The inputs data must fill: a model's graph inputs that are not initializers, with their types. */
public final class ModelInputs {

    private ModelInputs() {
    }

    /**
     * @param types the model's value types (see {@link ShapeInference})
     * @throws ModelException for an input that declares no tensor shape
     */
    public static List<InputSpec> of(OnnxModel model, Map<String, ValueType> types) {
        List<InputSpec> specs = new ArrayList<>();
        for (ValueInfoProto input : model.graph().inputs()) {
            ValueType t = types.get(input.getName());
            if (t == null) {
                throw new ModelException("model input " + input.getName() + " declares no tensor shape");
            }
            specs.add(new InputSpec(input.getName(), Tensors.elementType(t.elementType()), t.dims()));
        }
        return specs;
    }
}
