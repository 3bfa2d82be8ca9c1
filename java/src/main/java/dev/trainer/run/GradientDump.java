package dev.trainer.run;

import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import dev.trainer.config.RunConfig;
import dev.trainer.data.Batch;
import dev.trainer.data.NpzWriter;
import dev.trainer.data.Samples;
import dev.trainer.evaluate.OutputPaths;
import dev.trainer.kernels.Kernels;
import dev.trainer.runtime.ParameterBuffer;
import dev.trainer.train.loop.PreparedData;
import dev.trainer.train.loop.SampleSource;
import dev.trainer.train.step.BatchLoss;
import dev.trainer.train.step.TrainingModel;
import dev.trainer.train.step.TrainingStep;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.IntStream;

/**
 * The gradient of the training loss on one batch for every trainable parameter, as the first
 * {@link TrainingStep} of a run computes it (its first phases: zero, then accumulate one batch),
 * with the loss and the outputs of that forward pass: for comparing trainer's autodiff with another
 * framework's autograd, parameter by parameter.
 *
 * @param output       the output the loss read (the logits under a final Softmax)
 * @param outputShape  its shape for the batch
 * @param outputs      its values
 * @param otherOutputs the model's other float32 outputs in the same run, flattened, by name (a check
 *                     that needs intermediate values, e.g. the side of each ReLU, declares them outputs)
 * @param gradients    each trainable parameter's gradient, by name, with its shape
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
     * Runs forward and backward over all of the training data as one batch.
     *
     * @param config the run's configuration; its training data is the batch unless {@code data} is given
     * @param data   the samples, or {@code null} for the configured training file
     * @param notes  hears what trainer found in the model (random ops, shared initializers, a final softmax)
     * @throws dev.trainer.ModelException, dev.trainer.DataException, IllegalArgumentException for bad input
     */
    public static GradientDump compute(RunConfig config, SampleSource data, Kernels kernels, Consumer<String> notes) {
        TrainingModel model = TrainingModel.of(config);
        model.notes().forEach(notes);
        try (TrainingStep step = TrainingStep.open(model, config, kernels); Arena arena = Arena.ofConfined()) {
            var session = step.session();
            Samples samples = data != null ? data.samples(session.inputs(), session.outputType())
                    : PreparedData.readTrain(config, session.inputs(), session.outputType());
            Batch batch = samples.batches(samples.size(), arena).assemble(IntStream.range(0, samples.size()).toArray());
            step.zeroGradients();
            BatchLoss loss = step.accumulate(batch, null);
            List<String> wanted = new ArrayList<>(List.of(model.output()));
            wanted.addAll(otherFloatOutputs(model));
            Map<String, float[]> values = new LinkedHashMap<>(session.predict(batch, wanted));
            float[] outputs = values.remove(model.output());
            long[] shape = session.outputType().dims().clone();
            shape[0] = samples.size();
            return new GradientDump(loss.value(), model.output(), shape, outputs, values, gradientsOf(step.parameters()));
        }
    }

    /** The trained graph's outputs declared float32, but the one the loss reads. */
    private static List<String> otherFloatOutputs(TrainingModel model) {
        return model.trained().graph().outputs().stream()
                .filter(o -> !o.getName().equals(model.output())
                        && o.getType().getTensorType().getElemType() == TensorProto.DataType.FLOAT_VALUE)
                .map(ValueInfoProto::getName).toList();
    }

    private static Map<String, ParameterGradient> gradientsOf(ParameterBuffer parameters) {
        Map<String, ParameterGradient> out = new LinkedHashMap<>();
        for (ParameterBuffer.Slot slot : parameters.slots()) {
            out.put(slot.name(), new ParameterGradient(slot.shape(),
                    parameters.gradients(slot.name()).toArray(ValueLayout.JAVA_FLOAT)));
        }
        return out;
    }

    /**
     * Checks a file name {@link #write} would accept, before any work is done.
     *
     * @throws IllegalArgumentException for a name not ending in .npz, a folder given as the file, or a folder
     *         that does not exist or cannot be written
     */
    public static void requireWritable(Path file) {
        if (!file.getFileName().toString().endsWith(".npz")) {
            throw new IllegalArgumentException("--out must end in .npz: " + file);
        }
        OutputPaths.requireWritableFile("--out", file);
    }

    /** Writes the loss, the outputs and every gradient to an .npz, all at once or not at all. */
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
