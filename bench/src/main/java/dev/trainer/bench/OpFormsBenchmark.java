package dev.trainer.bench;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.trainer.onnx.Attributes;
import dev.trainer.onnx.TensorTypes;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Which standard-op form of the same computation does ONNX Runtime's CPU provider run fastest at
 * a CNN's feature maps? Microseconds per run of a one-computation graph on an activation of
 * {@code shape} (N×C×H×W: MobileNetV3-small's 576 channels at 2×2 and 240 at 4×4, and 72 at
 * 16×16), one ORT thread. Each pair of {@code form}s computes the same values; the autodiff picks
 * the second of a pair where it wins (docs/performance.md, "Small maps"):
 * <ul>
 * <li>{@code channel_mul} / {@code channel_mul_bn}: x times a per-channel [C, 1, 1] factor, as Mul
 *     or as an inference-form BatchNormalization (BatchNormalization's own gradients);
 * <li>{@code spread_expand} / {@code spread_matmul}: [N, C, 1, 1] spread over the map, as Expand or
 *     as the product [N·C, 1] × [1, H·W] (a global average's gradient);
 * <li>{@code div_nc11} / {@code div_flat}: [N, C, 1, 1] divided by a scalar, as is or read as [N, C]
 *     (pointwise gradients in a squeeze-and-excitation block);
 * <li>{@code swap_transpose} / {@code swap_rows}: the first two axes swapped, by one Transpose or
 *     by two transposes of whole rows (a convolution's channel-first matrix product).
 * </ul>
 * The graph's one input is the activation; constants are initializers; the run includes ORT's
 * per-run overhead and its output allocation, the same for both forms of a pair.
 *
 * <p>What would make it wrong: a second ORT thread (one is set), or the load of a shared machine
 * drifting between the two forms' trials (compare the forms of one run only).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow"})
public class OpFormsBenchmark {

    @State(Scope.Thread)
    public static class Graph {
        @Param({"channel_mul", "channel_mul_bn", "spread_expand", "spread_matmul", "div_nc11", "div_flat",
                "swap_transpose", "swap_rows"})
        public String form;

        @Param({"32x576x2x2", "32x240x4x4", "32x72x16x16"})
        public String shape;

        OrtEnvironment env;
        OrtSession session;
        OnnxTensor input;

        @Setup(Level.Trial)
        public void open() throws OrtException {
            long[] dims = Arrays.stream(shape.split("x")).mapToLong(Long::parseLong).toArray();
            Forms forms = new Forms(dims);
            ModelProto model = forms.build(form);
            env = OrtEnvironment.getEnvironment();
            try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
                options.setIntraOpNumThreads(1);
                session = env.createSession(model.toByteArray(), options);
            }
            long[] inputDims = forms.inputDims(form);
            int count = Math.toIntExact(TensorTypes.elementCount(inputDims));
            FloatBuffer values = ByteBuffer.allocateDirect(4 * count).order(ByteOrder.nativeOrder()).asFloatBuffer();
            SplittableRandom random = new SplittableRandom(1);
            for (int i = 0; i < count; i++) {
                values.put(i, (float) random.nextDouble(-1, 1));
            }
            input = OnnxTensor.createTensor(env, values, inputDims);
        }

        @TearDown(Level.Trial)
        public void close() throws OrtException {
            input.close();
            session.close();
        }
    }

    @Benchmark
    public long run(Graph graph) throws OrtException {
        try (OrtSession.Result result = graph.session.run(Map.of("x", graph.input))) {
            return ((OnnxTensor) result.get(0)).getInfo().getShape()[0];
        }
    }

    /** The graphs of each form, for activations of {@code dims} = [N, C, H, W]. */
    record Forms(long[] dims) {

        long channels() {
            return dims[1];
        }

        long positions() {
            return dims[2] * dims[3];
        }

        /** The graph input: the activation, or its [N, C, 1, 1] summary for the forms that start from one. */
        long[] inputDims(String form) {
            return form.startsWith("spread") || form.startsWith("div") ? new long[] {dims[0], dims[1], 1, 1} : dims;
        }

        ModelProto build(String form) {
            GraphProto.Builder g = GraphProto.newBuilder().setName(form)
                    .addInput(SmallCnn.value("x", inputDims(form))).addOutput(ValueInfoProto.newBuilder().setName("y"));
            int c = Math.toIntExact(channels());
            switch (form) {
                case "channel_mul" -> {
                    g.addInitializer(floats("factor", new long[] {c, 1, 1}, 0.5f));
                    g.addNode(node("Mul", List.of("x", "factor"), "y"));
                }
                case "channel_mul_bn" -> {
                    g.addInitializer(floats("factor", new long[] {c}, 0.5f));
                    g.addInitializer(floats("zeros", new long[] {c}, 0f));
                    g.addInitializer(floats("ones", new long[] {c}, 1f));
                    g.addNode(node("BatchNormalization", List.of("x", "factor", "zeros", "zeros", "ones"), "y",
                            Attributes.ofFloat("epsilon", 0f)));
                }
                case "spread_expand" -> {
                    g.addInitializer(longs("shape", dims));
                    g.addNode(node("Expand", List.of("x", "shape"), "y"));
                }
                case "spread_matmul" -> {
                    g.addInitializer(longs("column", new long[] {-1, 1}));
                    g.addInitializer(floats("row", new long[] {1, positions()}, 1f));
                    g.addInitializer(longs("shape", dims));
                    g.addNode(node("Reshape", List.of("x", "column"), "columns"));
                    g.addNode(node("MatMul", List.of("columns", "row"), "spread"));
                    g.addNode(node("Reshape", List.of("spread", "shape"), "y"));
                }
                case "div_nc11" -> {
                    g.addInitializer(floats("divisor", new long[] {}, 4f));
                    g.addNode(node("Div", List.of("x", "divisor"), "y"));
                }
                case "div_flat" -> {
                    g.addInitializer(floats("divisor", new long[] {}, 4f));
                    g.addInitializer(longs("flat", new long[] {0, 0}));
                    g.addInitializer(longs("back", new long[] {0, 0, 1, 1}));
                    g.addNode(node("Reshape", List.of("x", "flat"), "flattened"));
                    g.addNode(node("Div", List.of("flattened", "divisor"), "quotient"));
                    g.addNode(node("Reshape", List.of("quotient", "back"), "y"));
                }
                case "swap_transpose" -> g.addNode(node("Transpose", List.of("x"), "y", Attributes.ofInts("perm", 1, 0, 2, 3)));
                case "swap_rows" -> {
                    g.addInitializer(longs("rows", new long[] {dims[0], c * positions()}));
                    g.addInitializer(longs("blocks", new long[] {c, positions(), dims[0]}));
                    g.addInitializer(longs("swapped", new long[] {c, dims[0], dims[2], dims[3]}));
                    g.addNode(node("Reshape", List.of("x", "rows"), "r"));
                    g.addNode(node("Transpose", List.of("r"), "rt", Attributes.ofInts("perm", 1, 0)));
                    g.addNode(node("Reshape", List.of("rt", "blocks"), "b"));
                    g.addNode(node("Transpose", List.of("b"), "bt", Attributes.ofInts("perm", 0, 2, 1)));
                    g.addNode(node("Reshape", List.of("bt", "swapped"), "y"));
                }
                default -> throw new IllegalArgumentException("unknown form " + form);
            }
            return ModelProto.newBuilder().setIrVersion(8).setProducerName("trainer-bench")
                    .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(18)).setGraph(g).build();
        }

        private static NodeProto node(String op, List<String> inputs, String output, AttributeProto... attributes) {
            return NodeProto.newBuilder().setOpType(op).setName(output).addAllInput(inputs).addOutput(output)
                    .addAllAttribute(List.of(attributes)).build();
        }

        private static TensorProto floats(String name, long[] dims, float fill) {
            int count = Math.toIntExact(TensorTypes.elementCount(dims));
            ByteBuffer bytes = ByteBuffer.allocate(count * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
            for (int i = 0; i < count; i++) {
                bytes.putFloat(fill);
            }
            return TensorTypes.tensor(name, TensorProto.DataType.FLOAT_VALUE, dims, bytes.flip());
        }

        private static TensorProto longs(String name, long[] values) {
            ByteBuffer bytes = ByteBuffer.allocate(values.length * Long.BYTES).order(ByteOrder.LITTLE_ENDIAN);
            Arrays.stream(values).forEach(bytes::putLong);
            return TensorTypes.tensor(name, TensorProto.DataType.INT64_VALUE, new long[] {values.length}, bytes.flip());
        }
    }
}
