package dev.trainer.train;

import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import dev.trainer.data.Batch;
import dev.trainer.data.NpzWriter;
import dev.trainer.data.Samples;
import dev.trainer.kernels.Kernels;
import dev.trainer.onnx.OnnxModel;
import dev.trainer.runtime.ParameterBuffer;
import dev.trainer.runtime.SessionOptions;
import dev.trainer.runtime.TrainingSession;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

/**
 * The gradient of the training loss on one batch for every trainable parameter, as fine-tune's
 * first step computes it in eval mode (Dropout inactive, BatchNormalization's statistics frozen),
 * with the loss and the output the loss read: for comparing trainer's autodiff with another
 * framework's autograd, parameter by parameter.
 *
 * @param output      the output the loss read (the logits under a final Softmax)
 * @param outputShape its shape for the batch
 * @param outputs     its values
 * @param otherOutputs the model's other float32 outputs in the same run, flattened, by name (a check
 *                    that needs intermediate values, e.g. the side of each ReLU, declares them outputs)
 * @param gradients   each trainable parameter's gradient, by name, with its shape
 */
public record GradientDump(double loss, String output, long[] outputShape, float[] outputs,
                           Map<String, float[]> otherOutputs, Map<String, ParameterGradient> gradients) {

    /** One parameter's gradient: float32 values in the parameter's shape. */
    public record ParameterGradient(long[] shape, float[] values) {
    }

    /** Array names in the .npz besides the parameters', chosen so that no parameter name can take them. */
    public static final String LOSS_KEY = "trainer:loss";
    public static final String OUTPUT_KEY = "trainer:output";
    /** The prefix of the other outputs' array names. */
    public static final String OTHER_OUTPUT_PREFIX = "trainer:output:";

    /**
     * What to differentiate.
     *
     * @param output      the output the loss reads, or {@code null} for the first (its logits under a final Softmax)
     * @param labelColumn the CSV column holding the labels
     * @param threads     ONNX Runtime threads per op; 0 for one per core
     * @param traps       what to do about shared initializers and random ops, as fine-tune does
     */
    public record Settings(LossKind loss, String output, String labelColumn, int threads, GraphTraps traps) {
    }

    /** Runs one forward and backward pass over all of {@code data} as one batch. */
    public static GradientDump compute(OnnxModel exported, Path modelFile, Path data, Settings settings, Kernels kernels,
                                       PrintStream log) {
        OnnxModel model = settings.traps().prepare(exported, log);
        String name = settings.output() != null ? settings.output() : model.proto().getGraph().getOutput(0).getName();
        OnnxModel training = model;
        FinalSoftmax softmax = settings.loss() == LossKind.CROSS_ENTROPY && settings.output() == null
                ? FinalSoftmax.of(model, name) : null;
        if (softmax != null) {
            log.println("trainer: " + softmax.note(name));
            name = softmax.logits();
            training = softmax.model();
        }
        List<String> trainable = TrainableParameters.of(model);
        try (TrainingSession session = TrainingSession.open(training, trainable, name,
                new SessionOptions(false, 0, settings.threads()));
             Arena arena = Arena.ofConfined()) {
            Samples samples = DataFiles.read(data, modelFile, model, session.inputs(), settings.loss().task(),
                    settings.labelColumn(), true, TextSettings.DEFAULT);
            TrainingData.requireLabelsFit(samples, session.outputType(), data);
            Batch batch = samples.batches(samples.size(), arena).assemble(IntStream.range(0, samples.size()).toArray());
            double value = session.step(batch, Losses.of(settings.loss(), kernels));
            List<String> wanted = new ArrayList<>(List.of(name));
            wanted.addAll(otherFloatOutputs(model, name));
            Map<String, float[]> values = new LinkedHashMap<>(session.predict(batch, wanted));
            float[] outputs = values.remove(name);
            long[] shape = session.outputType().dims().clone();
            shape[0] = samples.size();
            return new GradientDump(value, name, shape, outputs, values, gradientsOf(session.parameters()));
        }
    }

    /** The model's outputs declared float32, but the one the loss read. */
    private static List<String> otherFloatOutputs(OnnxModel model, String lossOutput) {
        return model.proto().getGraph().getOutputList().stream()
                .filter(o -> !o.getName().equals(lossOutput)
                        && o.getType().getTensorType().getElemType() == TensorProto.DataType.FLOAT_VALUE)
                .map(ValueInfoProto::getName).toList();
    }

    private static Map<String, ParameterGradient> gradientsOf(ParameterBuffer parameters) {
        Map<String, ParameterGradient> out = new LinkedHashMap<>();
        for (ParameterBuffer.Slot slot : parameters.slots()) {
            float[] g = parameters.gradients(slot.name()).toArray(java.lang.foreign.ValueLayout.JAVA_FLOAT);
            out.put(slot.name(), new ParameterGradient(slot.shape(), g));
        }
        return out;
    }

    /** Writes the loss, the output and every gradient to an .npz, all at once or not at all. */
    public void write(Path file) {
        Path tmp = file.toAbsolutePath().resolveSibling("." + file.getFileName() + ".tmp");
        try {
            try (NpzWriter npz = new NpzWriter(tmp)) {
                npz.writeFloats(LOSS_KEY, new long[0], new float[] {(float) loss});
                npz.writeFloats(OUTPUT_KEY, outputShape, outputs);
                for (Map.Entry<String, float[]> e : otherOutputs.entrySet()) {
                    npz.writeFloats(OTHER_OUTPUT_PREFIX + e.getKey(), new long[] {e.getValue().length}, e.getValue());
                }
                for (Map.Entry<String, ParameterGradient> e : gradients.entrySet()) {
                    npz.writeFloats(e.getKey(), e.getValue().shape(), e.getValue().values());
                }
            }
            Files.move(tmp, file.toAbsolutePath(), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        } finally {
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException ignored) {
                // the temporary file is hidden and named after the output: a later run replaces it
            }
        }
    }
}
