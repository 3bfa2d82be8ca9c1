package dev.trainer.autodiff;

import static dev.trainer.autodiff.Nodes.in;
import static dev.trainer.autodiff.Nodes.node;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import dev.trainer.onnx.Attributes;
import dev.trainer.onnx.TensorTypes;
import dev.trainer.onnx.ValueType;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Constant folding of the integer arithmetic exporters build from static shapes. */
class ConstantFoldingTest {

    private static final int INT64 = TensorProto.DataType.INT64_VALUE;
    private static final int FLOAT = TensorProto.DataType.FLOAT_VALUE;

    private final Map<String, NodeProto> producers = new HashMap<>();
    private final Map<String, TensorProto> initializers = new HashMap<>();
    private final Map<String, ValueType> types = new HashMap<>();

    private ConstantFolding folding(String... trainable) {
        return new ConstantFolding(producers, initializers, types, Set.of(trainable));
    }

    private void add(NodeProto n) {
        n.getOutputList().forEach(o -> producers.put(o, n));
    }

    private void ints(String name, long... v) {
        ByteBuffer b = ByteBuffer.allocate(8 * v.length).order(ByteOrder.LITTLE_ENDIAN);
        for (long x : v) {
            b.putLong(x);
        }
        initializers.put(name, TensorTypes.tensor(name, INT64, new long[] {v.length}, b.flip()));
    }

    private void scalar(String name, long v) {
        ByteBuffer b = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(v);
        initializers.put(name, TensorTypes.tensor(name, INT64, new long[0], b.flip()));
    }

    @Test
    void swinStylePadsFromStaticSizes() {
        // pads = [0, 0, 0, 0, (7 - h % 7) % 7, (7 - w % 7) % 7] for x of [batch, 5, 12]
        types.put("x", new ValueType(FLOAT, new long[] {-1, 5, 12}));
        scalar("seven", 7);
        scalar("i1", 1);
        scalar("i2", 2);
        ints("axis0", 0);
        ints("zeros", 0, 0, 0, 0);
        add(node("Shape", in("x"), "shape"));
        for (String[] axis : new String[][] {{"i1", "h"}, {"i2", "w"}}) {
            String d = axis[1];
            add(node("Gather", in("shape", axis[0]), d));
            add(node("Mod", in(d, "seven"), d + "m"));
            add(node("Sub", in("seven", d + "m"), d + "s"));
            add(node("Mod", in(d + "s", "seven"), d + "p"));
            add(node("Unsqueeze", in(d + "p", "axis0"), d + "1"));
            types.put(d + "1", new ValueType(INT64, new long[] {1}));
        }
        add(node("Concat", in("zeros", "h1", "w1"), "pads", Attributes.ofInt("axis", 0)));
        assertArrayEquals(new long[] {0, 0, 0, 0, 2, 2}, folding().value("pads").longs());
        assertNull(folding().value("shape"), "the batch axis is symbolic: the whole shape is not constant");
    }

    @Test
    void rangesSlicesCastsAndSelections() {
        scalar("zero", 0);
        scalar("five", 5);
        scalar("two", 2);
        ints("start", -2);
        ints("end", Long.MAX_VALUE);
        ints("minus", -7, 7, -1);
        ints("three", 3);
        add(node("Range", in("zero", "five", "two"), "r"));
        add(node("Slice", in("r", "start", "end"), "tail"));
        add(node("Div", in("minus", "two"), "div"));
        add(node("Mod", in("minus", "three"), "mod"));
        add(node("Less", in("minus", "zero"), "negative"));
        add(node("Where", in("negative", "zero", "minus"), "relu"));
        add(node("Cast", in("relu"), "f", Attributes.ofInt("to", FLOAT)));
        add(node("Expand", in("two", "three"), "twos"));
        ConstantFolding f = folding();
        assertArrayEquals(new long[] {0, 2, 4}, f.value("r").longs());
        assertArrayEquals(new long[] {2, 4}, f.value("tail").longs());
        assertArrayEquals(new long[] {-3, 3, 0}, f.value("div").longs(), "integer Div truncates");
        assertArrayEquals(new long[] {2, 1, 2}, f.value("mod").longs(), "integer Mod takes the divisor's sign");
        assertArrayEquals(new double[] {0, 7, 0}, f.value("f").values());
        assertArrayEquals(new long[] {2, 2, 2}, f.value("twos").longs());
    }

    @Test
    void trainableAndComputedValuesAreNotFolded() {
        ints("w", 1, 2);
        add(node("Neg", in("w"), "n"));
        types.put("x", new ValueType(FLOAT, new long[] {3, 4}));
        add(node("Relu", in("x"), "h"));
        assertNull(folding("w").value("n"));
        assertArrayEquals(new long[] {-1, -2}, folding().value("n").longs());
        assertNull(folding().value("h"), "an activation is not a constant");
        assertNull(folding().value("missing"));
    }
}
