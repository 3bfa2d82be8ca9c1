package dev.trainer.cli;

import dev.trainer.data.Batch;
import dev.trainer.data.BatchSource;
import dev.trainer.data.BatchOrder;
import dev.trainer.data.Samples;
import dev.trainer.data.NpzWriter;
import dev.trainer.data.Task;
import dev.trainer.onnx.OnnxModel;
import dev.trainer.runtime.InferenceSession;
import dev.trainer.train.DataFiles;
import dev.trainer.train.Losses;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "predict", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Runs a model over data and writes its outputs.",
                "P.npz: one array per model output. P.csv: the first output's values per row,",
                "with the argmax class in a 'prediction' column when it has several values per sample."})
final class PredictCommand implements Callable<Integer> {

    @Mixin
    ModelDataOptions input;

    @Option(names = "--out", required = true, paramLabel = "P.csv|P.npz")
    Path out;

    @Override
    public Integer call() throws IOException {
        String file = out.getFileName().toString();
        if (!file.endsWith(".csv") && !file.endsWith(".npz")) {
            throw new IllegalArgumentException("--out must end in .csv or .npz: " + out);
        }
        if (!Files.isDirectory(out.toAbsolutePath().getParent())) {
            throw new IllegalArgumentException("--out names a folder that does not exist: " + out.toAbsolutePath().getParent());
        }
        OnnxModel onnx = OnnxModel.load(input.model);
        List<String> outputs = onnx.proto().getGraph().getOutputList().stream().map(o -> o.getName()).toList();
        try (InferenceSession session = new InferenceSession(onnx); Arena arena = Arena.ofConfined()) {
            Samples dataset = DataFiles.read(input.data, input.model, onnx, session.inputs(), Task.CLASSIFICATION,
                    input.labels.labelColumn, false, input.text.toConfig());
            Map<String, List<float[]>> chunks = new LinkedHashMap<>();
            BatchSource assembler = dataset.batches(input.batchSize, arena);
            for (int[] indices : BatchOrder.epochBatches(dataset.size(), input.batchSize, false, 0, 0)) {
                Batch batch = assembler.assemble(indices);
                session.predict(batch, outputs).forEach((name, v) -> chunks.computeIfAbsent(name, k -> new ArrayList<>()).add(v));
            }
            Path tmp = out.toAbsolutePath().resolveSibling("." + file + ".tmp");
            try {
                if (file.endsWith(".npz")) {
                    writeNpz(tmp, chunks, dataset.size());
                } else {
                    String first = outputs.getFirst();
                    writeCsv(tmp, first, concat(chunks.get(first)), dataset.size(), DataFiles.classNames(onnx));
                }
                Files.move(tmp, out.toAbsolutePath(), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } finally {
                Files.deleteIfExists(tmp);
            }
            System.out.printf("wrote %d predictions to %s%n", dataset.size(), out);
        }
        return ExitCode.OK;
    }

    private static void writeNpz(Path file, Map<String, List<float[]>> chunks, int samples) throws IOException {
        try (NpzWriter npz = new NpzWriter(file)) {
            for (Map.Entry<String, List<float[]>> e : chunks.entrySet()) {
                float[] values = concat(e.getValue());
                npz.writeFloats(e.getKey(), new long[] {samples, values.length / Math.max(1, samples)}, values);
            }
        }
    }

    /** With class names from the model's metadata (text fine-tunes record them), a column names each prediction. */
    private static void writeCsv(Path file, String output, float[] values, int samples, List<String> classNames) {
        int width = values.length / Math.max(1, samples);
        int[] predicted = width > 1 ? Losses.argmax(values, samples) : null;
        boolean named = predicted != null && classNames != null && classNames.size() == width;
        try (BufferedWriter w = Files.newBufferedWriter(file)) {
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
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    /** A class name as one CSV field: quoted, with quotes doubled, when it holds a comma or a quote. */
    private static String csvField(String name) {
        return name.contains(",") || name.contains("\"") ? "\"" + name.replace("\"", "\"\"") + "\"" : name;
    }

    private static float[] concat(List<float[]> parts) {
        int total = parts.stream().mapToInt(p -> p.length).sum();
        float[] all = new float[total];
        int at = 0;
        for (float[] p : parts) {
            System.arraycopy(p, 0, all, at, p.length);
            at += p.length;
        }
        return all;
    }
}
