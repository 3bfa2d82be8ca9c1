package dev.trainer.evaluate;

import dev.trainer.data.NpzWriter;
import dev.trainer.io.AtomicFile;
import dev.trainer.train.step.Losses;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Writes a model's outputs over a data set, atomically ({@link AtomicFile}):
 * {@code .npz}, one array per output, or {@code .csv}, the first output's values per row with the
 * argmax class (and its name, when the model records class names) when it has several per sample,
 * each row opened by the sample's name (an image's file) when samples have names.
 */
public final class PredictionFiles {

    private PredictionFiles() {
    }

    /**
     * @throws IllegalArgumentException for a name not ending in .csv or .npz, a folder, or a file that cannot be written
     */
    public static void requireWritable(Path file) {
        OutputPaths.requireWritableFile("--out", file);
        String name = file.getFileName().toString();
        if (!name.endsWith(".csv") && !name.endsWith(".npz")) {
            throw new IllegalArgumentException("--out must end in .csv or .npz: " + file);
        }
    }

    /**
     * @param outputs     every output's values, in order, by name
     * @param classNames  the model's class names by id, or {@code null}
     * @param sampleNames each sample's name (a CSV's first column, {@code file}), or {@code null}
     */
    public static void write(Path file, Map<String, float[]> outputs, int samples, List<String> classNames,
                             List<String> sampleNames) {
        requireWritable(file);
        if (file.getFileName().toString().endsWith(".npz")) {
            AtomicFile.write(file, out -> writeNpz(out, outputs, samples));
        } else {
            String first = outputs.keySet().iterator().next();
            AtomicFile.write(file, out -> writeCsv(out, first, outputs.get(first), samples, classNames, sampleNames));
        }
    }

    private static void writeNpz(OutputStream file, Map<String, float[]> outputs, int samples) throws IOException {
        try (NpzWriter npz = new NpzWriter(file)) {
            for (Map.Entry<String, float[]> e : outputs.entrySet()) {
                float[] values = e.getValue();
                npz.writeFloats(e.getKey(), new long[] {samples, values.length / Math.max(1, samples)}, values);
            }
        }
    }

    /**
     * With class names from the model's metadata (text and image fine-tunes record them), a column
     * names each prediction; with sample names, a first column names each sample.
     */
    private static void writeCsv(OutputStream file, String output, float[] values, int samples, List<String> classNames,
                                 List<String> sampleNames) throws IOException {
        int width = values.length / Math.max(1, samples);
        int[] predicted = width > 1 ? Losses.argmax(values, samples) : null;
        boolean named = predicted != null && classNames != null && classNames.size() == width;
        List<String> header = new ArrayList<>();
        if (sampleNames != null) {
            header.add("file");
        }
        if (predicted != null) {
            header.add("prediction");
        }
        if (named) {
            header.add("class");
        }
        for (int c = 0; c < width; c++) {
            header.add(output + "_" + c);
        }
        try (BufferedWriter w = new BufferedWriter(new OutputStreamWriter(file, StandardCharsets.UTF_8))) {
            w.write(String.join(",", header));
            w.newLine();
            for (int r = 0; r < samples; r++) {
                List<String> row = new ArrayList<>(header.size());
                if (sampleNames != null) {
                    row.add(csvField(sampleNames.get(r)));
                }
                if (predicted != null) {
                    row.add(Integer.toString(predicted[r]));
                }
                if (named) {
                    row.add(csvField(classNames.get(predicted[r])));
                }
                for (int c = 0; c < width; c++) {
                    row.add(Float.toString(values[r * width + c]));
                }
                w.write(String.join(",", row));
                w.newLine();
            }
        }
    }

    /** A name as one CSV field: quoted, with quotes doubled, when it holds a comma, a quote or a line break. */
    private static String csvField(String name) {
        return name.contains(",") || name.contains("\"") || name.contains("\n") || name.contains("\r")
                ? "\"" + name.replace("\"", "\"\"") + "\"" : name;
    }
}
