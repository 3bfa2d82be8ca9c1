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
import java.util.List;
import java.util.Map;

/**
 * Writes a model's outputs over a data set, atomically ({@link AtomicFile}):
 * {@code .npz}, one array per output, or {@code .csv}, the first output's values per row with the
 * argmax class (and its name, when the model records class names) when it has several per sample.
 */
public final class PredictionFiles {

    private PredictionFiles() {
    }

    /**
     * @throws IllegalArgumentException for a name not ending in .csv or .npz, or a folder that does not exist
     */
    public static void requireWritable(Path file) {
        String name = file.getFileName().toString();
        if (!name.endsWith(".csv") && !name.endsWith(".npz")) {
            throw new IllegalArgumentException("--out must end in .csv or .npz: " + file);
        }
        if (!Files.isDirectory(file.toAbsolutePath().getParent())) {
            throw new IllegalArgumentException("--out names a folder that does not exist: "
                    + file.toAbsolutePath().getParent());
        }
    }

    /**
     * @param outputs    every output's values, in order, by name
     * @param classNames the model's class names by id, or {@code null}
     */
    public static void write(Path file, Map<String, float[]> outputs, int samples, List<String> classNames) {
        requireWritable(file);
        if (file.getFileName().toString().endsWith(".npz")) {
            AtomicFile.write(file, out -> writeNpz(out, outputs, samples));
        } else {
            String first = outputs.keySet().iterator().next();
            AtomicFile.write(file, out -> writeCsv(out, first, outputs.get(first), samples, classNames));
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

    /** With class names from the model's metadata (text fine-tunes record them), a column names each prediction. */
    private static void writeCsv(OutputStream file, String output, float[] values, int samples, List<String> classNames)
            throws IOException {
        int width = values.length / Math.max(1, samples);
        int[] predicted = width > 1 ? Losses.argmax(values, samples) : null;
        boolean named = predicted != null && classNames != null && classNames.size() == width;
        try (BufferedWriter w = new BufferedWriter(new OutputStreamWriter(file, StandardCharsets.UTF_8))) {
            StringBuilder header = new StringBuilder(width > 1 ? "prediction" : "");
            if (named) {
                header.append(",class");
            }
            for (int c = 0; c < width; c++) {
                header.append(header.isEmpty() ? "" : ",").append(output).append('_').append(c);
            }
            w.write(header.toString());
            w.newLine();
            for (int r = 0; r < samples; r++) {
                StringBuilder row = new StringBuilder(predicted != null ? Integer.toString(predicted[r]) : "");
                if (named) {
                    row.append(',').append(csvField(classNames.get(predicted[r])));
                }
                for (int c = 0; c < width; c++) {
                    row.append(row.isEmpty() ? "" : ",").append(values[r * width + c]);
                }
                w.write(row.toString());
                w.newLine();
            }
        }
    }

    /** A class name as one CSV field: quoted, with quotes doubled, when it holds a comma or a quote. */
    private static String csvField(String name) {
        return name.contains(",") || name.contains("\"") ? "\"" + name.replace("\"", "\"\"") + "\"" : name;
    }
}
