package dev.trainer.scenarios;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trainer.Data;
import dev.trainer.Evaluation;
import dev.trainer.events.Scores;
import dev.trainer.onnx.OnnxModel;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.BiPredicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The toolkit's failure scenarios run the real command line in-process on real data, then read
 * what the run left behind: stdout, {@code metrics.jsonl}, {@code run.json} and the exported model.
 */
final class Scenario {

    static final Path DIGITS = Path.of("../models/digits");
    static final Path DIGITS_MODEL = DIGITS.resolve("model.onnx");
    static final Path DIGITS_TRAIN = DIGITS.resolve("train.csv");
    static final Path DIGITS_VAL = DIGITS.resolve("val.csv");

    private static final ObjectMapper JSON = new ObjectMapper();

    private Scenario() {
    }

    /** Exit code and what the command printed. */
    record Outcome(int code, String out, String err) {

        /** The diagnosis a fine-tune prints at its end: everything after the "fine-tuned model:" line, less the plot line. */
        String diagnosis() {
            int at = out.indexOf("fine-tuned model: ");
            assertTrue(at >= 0, "no fine-tuned model line in:\n" + out);
            String rest = out.substring(out.indexOf('\n', at) + 1).strip();
            int plot = rest.lastIndexOf("\nplot: ");
            return (plot < 0 ? rest : rest.substring(0, plot)).strip();
        }

        /** Fails with the whole output unless the command exited 0. */
        Outcome ok() {
            assertEquals(0, code, "exit code " + code + "\nstdout:\n" + out + "\nstderr:\n" + err);
            return this;
        }
    }

    /** {@code trainer ARGS}, in-process, with stdout and stderr captured. */
    static Outcome cli(String... args) {
        dev.trainer.cli.Cli.Outcome o = dev.trainer.cli.Cli.run(args);
        return new Outcome(o.code(), o.out(), o.err());
    }


    /** {@code trainer fine-tune --out RUN ARGS}, which must succeed. */
    static Outcome fineTune(Path run, String... args) {
        return cli(concat(new String[] {"fine-tune", "--out", run.toString()}, args)).ok();
    }

    /** {@code trainer fine-tune} of the digits model on its training data with validation, plus ARGS. */
    static Outcome fineTuneDigits(Path run, String... args) {
        return fineTune(run, concat(new String[] {"--model", DIGITS_MODEL.toString(), "--train", DIGITS_TRAIN.toString(),
                "--val", DIGITS_VAL.toString()}, args));
    }

    /** {@code trainer diagnose RUN}'s report, which must equal the one the fine-tune printed at its end. */
    static String diagnose(Path run, Outcome fineTune) {
        String report = cli("diagnose", run.toString()).ok().out().strip();
        assertEquals(fineTune.diagnosis(), report, "trainer diagnose and the end of fine-tune tell the same story");
        return report;
    }

    /** The finding labels ("overfitting", "loss spikes", ...) a rendered diagnosis names in its headings. */
    static List<String> findings(String diagnosis) {
        List<String> kinds = new ArrayList<>();
        Matcher m = Pattern.compile("(?m)^(?:INFO|WARNING|CRITICAL): ([a-z ]+):").matcher(diagnosis);
        while (m.find()) {
            kinds.add(m.group(1));
        }
        return kinds;
    }

    static String[] concat(String[] a, String... b) {
        String[] all = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }

    /** The run's {@code metrics.jsonl} lines of one event type ("step", "epoch", ...), in order. */
    static List<JsonNode> events(Path run, String event) {
        try (Stream<String> lines = Files.lines(run.resolve("metrics.jsonl"))) {
            return lines.map(Scenario::parse).filter(n -> n.path("event").asText().equals(event)).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static JsonNode runJson(Path run) {
        try {
            return JSON.readTree(run.resolve("run.json").toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static JsonNode json(Path file) {
        try {
            return JSON.readTree(file.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static JsonNode parse(String line) {
        try {
            return JSON.readTree(line);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static double[] doubles(JsonNode array) {
        double[] out = new double[array.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = array.get(i).isNull() ? Double.NaN : array.get(i).asDouble();
        }
        return out;
    }

    /** A JSON array of strings as a list. */
    static List<String> names(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }

    /** A fine-tune's per-epoch series of one field, e.g. "val_loss". */
    static double[] perEpoch(Path run, String field) {
        return events(run, "epoch").stream().mapToDouble(e -> e.path(field).asDouble(Double.NaN)).toArray();
    }

    /** The exported (or any) model evaluated on a CSV file through the Java API, as {@code trainer evaluate} does. */
    static Scores evaluate(Path model, Path data) {
        return Evaluation.of(model).data(Data.file(data)).batchSize(64).run().scores();
    }

    /** An initializer of a model file as floats. */
    static float[] weights(Path model, String name) {
        OnnxModel m = OnnxModel.load(model);
        var tensor = m.proto().getGraph().getInitializerList().stream().filter(t -> t.getName().equals(name))
                .findFirst().orElseThrow(() -> new AssertionError(model + " has no initializer " + name));
        FloatBuffer floats = m.initializerBytes(tensor).asFloatBuffer();
        float[] out = new float[floats.remaining()];
        floats.get(out);
        return out;
    }

    static double norm(float[] values) {
        double sum = 0;
        for (float v : values) {
            sum += (double) v * v;
        }
        return Math.sqrt(sum);
    }

    /** The Euclidean distance between two tensors of equal size: how far training moved a parameter. */
    static double distance(float[] a, float[] b) {
        assertEquals(a.length, b.length);
        double sum = 0;
        for (int i = 0; i < a.length; i++) {
            double d = (double) a[i] - b[i];
            sum += d * d;
        }
        return Math.sqrt(sum);
    }

    /**
     * Copies the header and those data rows of a CSV file that {@code keep(row index, label)} accepts.
     * The label is the value of the {@code label} column, as an int.
     */
    static Path csvRows(Path from, Path to, BiPredicate<Integer, Integer> keep) {
        try {
            List<String> lines = Files.readAllLines(from);
            int labelColumn = Arrays.asList(lines.getFirst().split(",")).indexOf("label");
            List<String> out = new ArrayList<>(List.of(lines.getFirst()));
            for (int i = 1; i < lines.size(); i++) {
                String line = lines.get(i);
                if (!line.isBlank() && keep.test(i - 1, (int) Double.parseDouble(line.split(",")[labelColumn]))) {
                    out.add(line);
                }
            }
            return Files.write(to, out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The number formatted by the first group of {@code regex} in {@code text}; fails when absent. */
    static double number(String text, String regex) {
        Matcher m = Pattern.compile(regex).matcher(text);
        assertTrue(m.find(), "no match for " + regex + " in:\n" + text);
        return Double.parseDouble(m.group(1));
    }

    static double mean(double[] values, int from, int to) {
        return Arrays.stream(values, from, to).average().orElseThrow();
    }
}
