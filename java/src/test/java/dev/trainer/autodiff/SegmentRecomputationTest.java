package dev.trainer.autodiff;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import dev.trainer.data.Batch;
import dev.trainer.data.BatchAssembler;
import dev.trainer.data.Dataset;
import dev.trainer.data.Datasets;
import dev.trainer.data.HostTensor;
import dev.trainer.data.InputSpec;
import dev.trainer.data.Task;
import dev.trainer.onnx.OnnxModel;
import dev.trainer.onnx.TensorTypes;
import dev.trainer.onnx.ValueType;
import dev.trainer.runtime.ModelInputs;
import dev.trainer.runtime.ModelSession;
import dev.trainer.runtime.ShapeInference;
import dev.trainer.runtime.Tensors;
import java.lang.foreign.Arena;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Activation checkpointing ({@link Recompute#SEGMENTS}): on a small ViT, a small ResNet and small
 * BERTs of both export styles (opset 14 with ReduceMean, which an opset-18 graph must not copy,
 * and opset 20), the gradients equal those of the default graphs (to float32 rounding: the
 * backward runs the same ops again, fused differently by ORT), while the stash holds far fewer bytes.
 */
class SegmentRecomputationTest {

    @ParameterizedTest
    @ValueSource(strings = {"vit_tiny", "resnet_tiny", "bert_tiny_torchscript", "bert_tiny_export_style"})
    void checkpointedGradientsEqualStashedOnes(String fixture) throws Exception {
        Path folder = Path.of("src/test/resources/fixtures", fixture);
        OnnxModel model = OnnxModel.load(folder.resolve("model.onnx"));
        List<String> trainable = model.graph().trainableCandidates();
        Map<String, ValueType> types = ShapeInference.infer(model);
        TrainingGraphs stashed = ReverseMode.differentiate(model, trainable, List.of("logits"), types);
        TrainingGraphs checkpointed = ReverseMode.differentiate(model, trainable, List.of("logits"), types, Recompute.SEGMENTS);

        Map<String, float[]> expected = new HashMap<>();
        long stashedBytes = run(stashed, model, folder, expected);
        Map<String, float[]> actual = new HashMap<>();
        long checkpointedBytes = run(checkpointed, model, folder, actual);

        assertEquals(expected.keySet(), actual.keySet());
        // relative to each gradient, or to the largest where one is ~0 (a key bias: softmax ignores it)
        double largest = expected.values().stream().mapToDouble(GradientDistance::norm).max().orElseThrow();
        for (String p : expected.keySet()) {
            double scale = Math.max(GradientDistance.norm(expected.get(p)), 1e-3 * largest);
            double difference = GradientDistance.relative(actual.get(p), expected.get(p)) * GradientDistance.norm(expected.get(p));
            assertTrue(difference <= 1e-5 * scale, p + " differs by " + difference + " (scale " + scale + ")");
        }
        System.out.printf("%s: stash %d -> %d tensors, %d -> %d bytes%n", fixture, stashed.stash().size(),
                checkpointed.stash().size(), stashedBytes, checkpointedBytes);
        assertTrue(checkpointedBytes * 2 < stashedBytes, "the checkpoints hold less than half the stash");
    }

    /** One forward and backward run on the fixture's batch with dy random; the gradients into {@code gradients}, the stash's bytes returned. */
    private static long run(TrainingGraphs graphs, OnnxModel model, Path folder, Map<String, float[]> gradients) throws Exception {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        List<OnnxTensor> owned = new ArrayList<>();
        try (ModelSession forward = ModelSession.open(graphs.forward());
             ModelSession backward = ModelSession.open(graphs.backward());
             Arena arena = Arena.ofConfined()) {
            Map<String, OnnxTensor> feeds = new HashMap<>();
            for (TensorProto t : model.proto().getGraph().getInitializerList()) {
                if (graphs.trainable().contains(t.getName())) {
                    feeds.put(t.getName(), track(owned, OnnxTensor.createTensor(env,
                            model.initializerBytes(t).asFloatBuffer(), TensorTypes.dims(t))));
                }
            }
            List<InputSpec> inputs = ModelInputs.of(model, ShapeInference.infer(model));
            Dataset data = Datasets.read(folder.resolve("train.npz"), inputs, Task.CLASSIFICATION, "label");
            Batch batch = new BatchAssembler(data, data.size(), arena).assemble(IntStream.range(0, data.size()).toArray());
            for (InputSpec input : inputs) {
                HostTensor t = batch.input(input.name());
                feeds.put(input.name(), track(owned, Tensors.over(t.data(), t.shape(), Tensors.javaType(t.type()))));
            }
            List<String> wanted = new ArrayList<>(graphs.stash().stream().filter(s -> !feeds.containsKey(s)).toList());
            wanted.add("logits");
            try (OrtSession.Result result = forward.session().run(feeds, new HashSet<>(wanted))) {
                Map<String, OnnxTensor> backwardFeeds = new HashMap<>();
                long bytes = 0;
                for (String s : graphs.stash()) {
                    OnnxTensor t = feeds.containsKey(s) ? feeds.get(s) : (OnnxTensor) result.get(s).orElseThrow();
                    bytes += feeds.containsKey(s) ? 0 : t.getInfo().getNumElements() * 4;
                    backwardFeeds.put(s, t);
                }
                graphs.trainable().stream().filter(backward.session().getInputNames()::contains)
                        .forEach(p -> backwardFeeds.put(p, feeds.get(p)));
                long[] logits = ((OnnxTensor) result.get("logits").orElseThrow()).getInfo().getShape();
                float[] dy = new float[(int) TensorTypes.elementCount(logits)];
                Random random = new Random(5);
                for (int i = 0; i < dy.length; i++) {
                    dy[i] = (float) random.nextGaussian();
                }
                backwardFeeds.put(graphs.outputGradientInputs().get("logits"),
                        track(owned, OnnxTensor.createTensor(env, FloatBuffer.wrap(dy), logits)));
                try (OrtSession.Result grads = backward.session().run(backwardFeeds)) {
                    graphs.parameterGradients().forEach((p, g) -> {
                        FloatBuffer b = ((OnnxTensor) grads.get(g).orElseThrow()).getFloatBuffer();
                        float[] values = new float[b.remaining()];
                        b.get(values);
                        gradients.put(p, values);
                    });
                }
                return bytes;
            }
        } finally {
            owned.forEach(OnnxTensor::close);
        }
    }

    private static OnnxTensor track(List<OnnxTensor> owned, OnnxTensor t) {
        owned.add(t);
        return t;
    }
}
