package dev.trainer;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;

/**
 * Examples to train, validate or evaluate on: a file, or rows in memory.
 *
 * <p>A file is read as the command line reads it: {@code .csv} (a header row, a label column and
 * feature columns filling the model's single input), {@code .npz} (an array per model input and
 * {@code labels}), {@code .jsonl} (text, tokenized with the model's {@code tokenizer.json}), or
 * images: a folder {@code DIR/CLASS/*.png|jpg|...}, a manifest of paths and labels, one image
 * (read as the configuration's {@link dev.trainer.config.ImageConfig} says).
 * Rows in memory fill the model's single float input, one row of values per sample, reshaped to
 * the input's sample shape as a CSV row would be.
 */
public sealed interface Data {

    /** Examples in a file. */
    record FromFile(Path path) implements Data {
        /** @throws IllegalArgumentException for no path */
        public FromFile {
            if (path == null) {
                throw new IllegalArgumentException("a data file is required");
            }
        }
    }

    /**
     * Examples in memory, row after row.
     *
     * @param features         {@code samples} rows of values, flat
     * @param samples          the number of rows
     * @param classes          one class id per sample, or {@code null} for targets (or for prediction, no labels)
     * @param targets          {@code targetsPerSample} float targets per sample, or {@code null}
     * @param targetsPerSample values per sample in {@code targets}
     */
    record InMemory(float[] features, int samples, int[] classes, float[] targets, int targetsPerSample) implements Data {
        /** @throws IllegalArgumentException when the arrays do not hold {@code samples} rows */
        public InMemory {
            if (samples < 1 || features.length % samples != 0) {
                throw new IllegalArgumentException(features.length + " feature values do not make " + samples + " rows");
            }
            if (classes != null && classes.length != samples) {
                throw new IllegalArgumentException(classes.length + " class ids for " + samples + " samples");
            }
            if (classes != null && java.util.Arrays.stream(classes).anyMatch(c -> c < 0)) {
                throw new IllegalArgumentException("class ids must be >= 0");
            }
            if (targets != null && targets.length != (long) samples * targetsPerSample) {
                throw new IllegalArgumentException(targets.length + " targets for " + samples + " samples of "
                        + targetsPerSample);
            }
        }
    }

    /** A {@code .csv}, {@code .npz} or {@code .jsonl} file, an image folder, a manifest or an image. */
    static Data file(Path path) {
        return new FromFile(path);
    }

    /** Classification rows: {@code features[i]} is sample i's values, {@code classes[i]} its class id. */
    static Data of(float[][] features, int[] classes) {
        return new InMemory(flat(features), features.length, classes.clone(), null, 0);
    }

    /** Regression rows: {@code features[i]} is sample i's values, {@code targets[i]} what the model should output. */
    static Data regression(float[][] features, float[][] targets) {
        int perSample = targets.length == 0 ? 0 : targets[0].length;
        return new InMemory(flat(features), features.length, null, flat(targets), perSample);
    }

    /** Rows without labels, for prediction. */
    static Data unlabelled(float[][] features) {
        return new InMemory(flat(features), features.length, null, null, 0);
    }

    /**
     * Classification rows in native (or heap) memory, copied: {@code features} holds
     * {@code samples} rows of float32 values back to back, {@code classes} one int32 class id per sample.
     */
    static Data of(MemorySegment features, int samples, MemorySegment classes) {
        return new InMemory(features.toArray(ValueLayout.JAVA_FLOAT), samples, classes.toArray(ValueLayout.JAVA_INT),
                null, 0);
    }

    private static float[] flat(float[][] rows) {
        if (rows.length == 0) {
            throw new IllegalArgumentException("no rows");
        }
        int width = rows[0].length;
        float[] flat = new float[rows.length * width];
        for (int i = 0; i < rows.length; i++) {
            if (rows[i].length != width) {
                throw new IllegalArgumentException("row " + i + " has " + rows[i].length + " values, row 0 has " + width);
            }
            System.arraycopy(rows[i], 0, flat, i * width, width);
        }
        return flat;
    }
}
