package dev.trainer;

import dev.trainer.run.GradientDump;
import java.nio.file.Path;
import java.util.List;

/**
 * The gradient of the training loss on one batch for every trainable parameter, in float32, as
 * trainer's first step computes it ({@link FineTuning#gradients()}): for checking trainer's
 * gradients against another framework's, parameter by parameter.
 */
public final class Gradients {

    private final GradientDump dump;

    Gradients(GradientDump dump) {
        this.dump = dump;
    }

    /** The loss the gradients are of. */
    public double loss() {
        return dump.loss();
    }

    /** The trainable parameters, in the order trainer lays them out. */
    public List<String> parameters() {
        return List.copyOf(dump.gradients().keySet());
    }

    /** One parameter's gradient, flat in its shape's row-major order (a copy). */
    public float[] gradient(String parameter) {
        return of(parameter).values().clone();
    }

    /** One parameter's shape. */
    public long[] shape(String parameter) {
        return of(parameter).shape().clone();
    }

    private GradientDump.ParameterGradient of(String parameter) {
        GradientDump.ParameterGradient g = dump.gradients().get(parameter);
        if (g == null) {
            throw new IllegalArgumentException("no trainable parameter " + parameter + "; parameters: " + parameters());
        }
        return g;
    }

    /**
     * Writes an .npz: one float32 array per parameter, named as the parameter, and
     * {@code trainer:loss}, {@code trainer:output} (the output the loss read, for the batch) and
     * {@code trainer:output:NAME} (each other float output, flattened). The file appears whole or not at all.
     *
     * @throws IllegalArgumentException for a name not ending in .npz, a folder given as the file, or a folder
     *         that does not exist or cannot be written
     */
    public void write(Path file) {
        requireWritable(file);
        dump.write(file);
    }

    /**
     * Checks a file name {@link #write} would accept, before any work is done.
     *
     * @throws IllegalArgumentException for a name not ending in .npz, a folder given as the file, or a folder
     *         that does not exist or cannot be written
     */
    public static void requireWritable(Path file) {
        GradientDump.requireWritable(file);
    }
}
