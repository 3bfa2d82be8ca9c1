package dev.trainer;

import dev.trainer.evaluate.PredictionFiles;
import dev.trainer.train.step.Losses;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A model's outputs on a data set.
 *
 * @param outputNames the model's outputs, in its order
 * @param outputs     each output's values for every sample, flat, samples in the data's order
 * @param samples     how many samples
 * @param classNames  the class names by id the model's fine-tune recorded, or {@code null}
 * @param sampleNames what each sample is called, by sample: an image's path below its folder;
 *                    {@code null} for rows, which are known by their order
 */
public record Predictions(List<String> outputNames, Map<String, float[]> outputs, int samples,
                          List<String> classNames, List<String> sampleNames) {

    public Predictions {
        outputNames = List.copyOf(outputNames);
        outputs = Map.copyOf(outputs);
        classNames = classNames == null ? null : List.copyOf(classNames);
        sampleNames = sampleNames == null ? null : List.copyOf(sampleNames);
    }

    /** One output's values, {@code samples} rows back to back. */
    public float[] output(String name) {
        float[] values = outputs.get(name);
        if (values == null) {
            throw new IllegalArgumentException("the model has no output " + name + "; outputs: " + outputNames);
        }
        return values.clone();
    }

    /** The predicted class of each sample: the argmax of the first output's row. */
    public int[] classes() {
        return Losses.argmax(outputs.get(outputNames.getFirst()), samples);
    }

    /**
     * Writes the predictions: {@code .npz}, one array per output, or {@code .csv}, the first
     * output per row with its argmax class (and name) when it has several values per sample,
     * after the sample's name (an image's file) when samples have names.
     *
     * @throws IllegalArgumentException for a name not ending in .csv or .npz, or a missing folder
     */
    public void write(Path file) {
        Map<String, float[]> ordered = new LinkedHashMap<>();
        outputNames.forEach(n -> ordered.put(n, outputs.get(n)));
        PredictionFiles.write(file, ordered, samples, classNames, sampleNames);
    }

    /**
     * Checks a file name {@link #write} would accept, before any work is done.
     *
     * @throws IllegalArgumentException for a name not ending in .csv or .npz, or a missing folder
     */
    public static void requireWritable(Path file) {
        PredictionFiles.requireWritable(file);
    }
}
