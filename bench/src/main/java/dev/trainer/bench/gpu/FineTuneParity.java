package dev.trainer.bench.gpu;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trainer.cli.TrainerCommand;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * {@code trainer fine-tune} on the digits demo as README runs it (5 epochs, lr 0.003, validation
 * on {@code val.csv}), once with {@code --device cpu} and once with {@code --device cuda}, in this
 * process: both must finish and write their model, and the GPU's validation accuracy must be
 * within {@link #ACCURACY_TOLERANCE} of the CPU's (float32 sums in other orders move a few
 * borderline samples, not more).
 */
final class FineTuneParity {

    static final double ACCURACY_TOLERANCE = 0.02;

    private FineTuneParity() {
    }

    static ObjectNode run(Path digits) {
        ObjectNode report = JsonNodeFactory.instance.objectNode().put("accuracy_tolerance", ACCURACY_TOLERANCE);
        try {
            Path work = Files.createTempDirectory("gpu-check-fine-tune");
            try {
                JsonNode cpu = fineTune(digits, work.resolve("cpu"), "cpu", report.putObject("cpu"));
                JsonNode gpu = fineTune(digits, work.resolve("cuda"), "cuda", report.putObject("cuda"));
                double cpuAccuracy = cpu.path("result").path("val_accuracy").asDouble(Double.NaN);
                double gpuAccuracy = gpu.path("result").path("val_accuracy").asDouble(Double.NaN);
                report.put("cpu_val_accuracy", cpuAccuracy).put("cuda_val_accuracy", gpuAccuracy);
                return report.put("passed", Math.abs(gpuAccuracy - cpuAccuracy) <= ACCURACY_TOLERANCE);
            } finally {
                delete(work);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Runs the command; returns its run.json, or an empty object when it failed. */
    private static JsonNode fineTune(Path digits, Path out, String device, ObjectNode report) throws IOException {
        long start = System.nanoTime();
        int code = TrainerCommand.execute("fine-tune", "--model", digits.resolve("model.onnx").toString(),
                "--train", digits.resolve("train.csv").toString(), "--val", digits.resolve("val.csv").toString(),
                "--out", out.toString(), "--epochs", "5", "--lr", "0.003", "--device", device);
        report.put("exit_code", code).put("seconds", (System.nanoTime() - start) / 1e9)
                .put("model_written", Files.isRegularFile(out.resolve("model.onnx")));
        Path record = out.resolve("run.json");
        return code == 0 && Files.isRegularFile(record) ? new ObjectMapper().readTree(record.toFile())
                : JsonNodeFactory.instance.objectNode();
    }

    private static void delete(Path folder) throws IOException {
        try (Stream<Path> paths = Files.walk(folder)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
