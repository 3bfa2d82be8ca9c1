package dev.trainer.edit;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.TypeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import dev.trainer.ModelException;
import dev.trainer.config.HeadSpec;
import dev.trainer.onnx.Attributes;
import dev.trainer.onnx.ModelGraph;
import dev.trainer.onnx.OnnxModel;
import dev.trainer.onnx.ValueType;
import dev.trainer.runtime.ShapeInference;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Gives a backbone (an embedding model whose output is {@code [batch, seq, hidden]}, like
 * {@code last_hidden_state}) a classification head: pooling over positions, then a new linear
 * layer {@code logits = pooled · Wᵀ + b} with {@code W [classes, hidden]}.
 *
 * <p>What the edited graph looks like:
 * <ul>
 *   <li>The logits are a new graph output named {@code logits}, or {@code logits_1},
 *       {@code logits_2}, ... when the graph already uses that name; {@link HeadEdit#output()}
 *       says which. It is the first output, so it is what training reads by default.</li>
 *   <li>Every original output stays, after the logits, so whatever read the backbone's outputs
 *       still finds them; the inputs are unchanged.</li>
 *   <li>The parameters are {@code head.weight} and {@code head.bias} (float32, PyTorch's
 *       {@code nn.Linear} initialisation, seeded); every other new value and node is named
 *       {@code head/...}. When the graph already uses the prefix {@code head}, all of them move
 *       to {@code head_1}, {@code head_2}, ...</li>
 *   <li>Mean pooling reads the graph input {@code attention_mask} when there is one:
 *       {@code sum(h · mask[..., None], 1) / max(sum(mask, 1), 1e-9)}, so padded positions count
 *       for nothing; otherwise it is a plain mean over positions.</li>
 * </ul>
 * Ops are written in the form of the model's own opset, and each has a gradient rule, so the
 * edited model trains like any other.
 */
public final class ClassificationHead {

    /** The input that marks real (1) and padded (0) positions, as Hugging Face tokenizers name it. */
    public static final String ATTENTION_MASK = "attention_mask";

    /** PyTorch-style name of the head's output. */
    private static final String LOGITS = "logits";

    /** Keeps an all-padding sample from dividing by zero, as sentence-transformers does. */
    private static final float MIN_TOKENS = 1e-9f;

    private ClassificationHead() {
    }

    /**
     * Attaches a head to the model's first output of rank 3.
     *
     * @throws ModelException when the model has no such output or its hidden size is not static
     */
    public static HeadEdit attach(OnnxModel model, HeadSpec spec, long seed) {
        return attach(model, spec, null, seed);
    }

    /**
     * Attaches a head to the named graph output, which must be float32 {@code [batch, seq, hidden]}
     * with a static hidden size; {@code null} picks the first output of rank 3.
     *
     * @throws ModelException when the output is missing, of another rank or type, or its hidden
     *     size is not static
     */
    public static HeadEdit attach(OnnxModel model, HeadSpec spec, String backboneOutput, long seed) {
        GraphProto original = model.proto().getGraph();
        Map<String, ValueType> types = ShapeInference.infer(model);
        ModelGraph index = model.graph();
        String hidden = backboneOutput != null ? backboneOutput : firstOfRank3(index, types);
        if (!index.hasOutput(hidden)) {
            throw new ModelException("model has no output named " + hidden + "; outputs: " + describeOutputs(index, types));
        }
        ValueType type = types.get(hidden);
        if (type == null || type.rank() != 3) {
            throw new ModelException("a classification head needs a [batch, seq, hidden] output; " + hidden + " is "
                    + (type == null ? "of unknown shape" : type.toString()));
        }
        if (type.elementType() != TensorProto.DataType.FLOAT_VALUE) {
            throw new ModelException("a classification head needs a float32 output; " + hidden + " is " + type);
        }
        long hiddenSize = type.dim(2);
        if (hiddenSize < 0) {
            throw new ModelException("the hidden size of " + hidden + " " + type.shapeString()
                    + " is not static; a head needs it to size its weight");
        }

        GraphProto.Builder graph = original.toBuilder();
        GraphEditor editor = new GraphEditor(graph, model.opset(), "head");
        String pooled = switch (spec.pooling()) {
            // Slice + Squeeze rather than Gather: trainer's gradient of a scalar-index Gather on
            // axis 1 fails in ONNX Runtime (a ScatterND shape mismatch), Slice's trains.
            case CLS -> editor.first(hidden, 1, "pooled");
            case MEAN -> hasMask(index, types) ? maskedMean(editor, hidden, type.elementType())
                    : editor.reduce("ReduceMean", hidden, 1, false, "pooled");
        };
        LinearInit init = new LinearInit(hiddenSize, seed);
        String weight = editor.initializer(init.tensor(editor.parameterName("weight"), new long[] {spec.classes(), hiddenSize}));
        String bias = editor.initializer(init.tensor(editor.parameterName("bias"), new long[] {spec.classes()}));
        String logits = GraphEditor.unusedName(graph, LOGITS);
        editor.opInto("Gemm", logits, List.of(pooled, weight, bias), Attributes.ofInt("transB", 1));

        graph.clearOutput().addOutput(logitsInfo(logits, type, spec.classes())).addAllOutput(original.getOutputList());
        return new HeadEdit(model.withProto(model.proto().toBuilder().setGraph(graph).build()), logits, List.of(weight, bias));
    }

    private static String firstOfRank3(ModelGraph graph, Map<String, ValueType> types) {
        return graph.outputNames().stream()
                .filter(name -> types.get(name) != null && types.get(name).rank() == 3)
                .findFirst()
                .orElseThrow(() -> new ModelException("model has no [batch, seq, hidden] output to put a head on; outputs: "
                        + describeOutputs(graph, types)));
    }

    private static String describeOutputs(ModelGraph graph, Map<String, ValueType> types) {
        return graph.outputNames().stream()
                .map(o -> o + " " + (types.get(o) == null ? "?" : types.get(o).shapeString()))
                .collect(Collectors.joining(", "));
    }

    private static boolean hasMask(ModelGraph graph, Map<String, ValueType> types) {
        if (!graph.hasInput(ATTENTION_MASK)) {
            return false;
        }
        ValueType mask = types.get(ATTENTION_MASK);
        if (mask == null || mask.rank() != 2) {
            throw new ModelException("mean pooling needs " + ATTENTION_MASK + " as [batch, seq]; it is "
                    + (mask == null ? "of unknown shape" : mask.toString()));
        }
        return true;
    }

    /** sum(h · mask[..., None], 1) / max(sum(mask, 1), eps): the mean over the positions the mask keeps. */
    private static String maskedMean(GraphEditor editor, String hidden, int hiddenType) {
        // The mask arrives as int64 (or int32, bool); the arithmetic needs the hidden states' type.
        String mask = editor.op("Cast", "mask", List.of(ATTENTION_MASK), Attributes.ofInt("to", hiddenType));
        String perPosition = editor.unsqueeze(mask, 2, "mask_per_position");
        String masked = editor.op("Mul", "masked", List.of(hidden, perPosition));
        String sum = editor.reduce("ReduceSum", masked, 1, false, "masked_sum");
        String count = editor.reduce("ReduceSum", mask, 1, true, "token_count");
        String clamped = editor.op("Max", "token_count_clamped", List.of(count, editor.scalar("min_tokens", MIN_TOKENS)));
        return editor.op("Div", "pooled", List.of(sum, clamped));
    }

    /** {@code [batch, classes]}, with the batch dimension as the backbone declares it. */
    private static ValueInfoProto logitsInfo(String name, ValueType hidden, int classes) {
        TensorShapeProto.Dimension.Builder batch = TensorShapeProto.Dimension.newBuilder();
        if (hidden.dim(0) >= 0) {
            batch.setDimValue(hidden.dim(0));
        } else if (hidden.dimNames()[0] != null && !hidden.dimNames()[0].isEmpty()) {
            batch.setDimParam(hidden.dimNames()[0]);
        }
        TypeProto type = TypeProto.newBuilder().setTensorType(TypeProto.Tensor.newBuilder()
                .setElemType(hidden.elementType())
                .setShape(TensorShapeProto.newBuilder().addDim(batch).addDim(TensorShapeProto.Dimension.newBuilder()
                        .setDimValue(classes)))).build();
        return ValueInfoProto.newBuilder().setName(name).setType(type).build();
    }
}
