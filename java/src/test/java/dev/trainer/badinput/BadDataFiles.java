package dev.trainer.badinput;

import dev.trainer.data.NpzWriter;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * Data files for the digits classifier (64 pixel columns and a label) and for the tiny BERT
 * fixture, good and bad, written into one folder under the names the catalogue refers to.
 */
final class BadDataFiles {

    static final Path DIGITS_TRAIN = Path.of("../models/digits/train.csv");
    static final Path DIGITS_VAL = Path.of("../models/digits/val.csv");
    static final Path BERT = Path.of("src/test/resources/fixtures/bert_tiny_torchscript/model.onnx");
    /** A model of [B, 1, 8, 8] float images. */
    static final Path CNN = Path.of("src/test/resources/fixtures/cnn/model.onnx");

    private static final String HEADER = IntStream.range(0, 64).mapToObj(i -> "px" + i).collect(Collectors.joining(","))
            + ",label";
    private static final String ROW = String.join(",", Collections.nCopies(64, "3"));
    private static final String TOKENIZER = """
            {"version": "1.0", "truncation": null, "padding": null, "added_tokens": [], "normalizer": null,
             "pre_tokenizer": {"type": "Whitespace"}, "post_processor": null, "decoder": null,
             "model": {"type": "WordLevel", "vocab": {"[UNK]": 0, "[PAD]": 1, "sun": 10, "rain": 11, "goal": 12,
             "team": 13}, "unk_token": "[UNK]"}}
            """;

    private BadDataFiles() {
    }

    /** Writes every file into {@code dir}; returns them by name (the names the catalogue's arguments use). */
    static Map<String, Path> write(Path dir) throws IOException {
        Map<String, Path> files = new LinkedHashMap<>();
        csv(dir, files);
        npz(dir, files);
        text(dir, files);
        images(dir, files);
        models(dir, files);
        return files;
    }

    private static void csv(Path dir, Map<String, Path> files) throws IOException {
        put(files, "csv.two-columns", Files.writeString(dir.resolve("two-columns.csv"), "a,b,label\n1,2,0\n3,4,1\n"));
        put(files, "csv.label-12", digitsCsv(dir, "label-12.csv", ROW + ",3", ROW + ",12"));
        put(files, "csv.label-minus", digitsCsv(dir, "label-minus.csv", ROW + ",-1"));
        put(files, "csv.label-fraction", digitsCsv(dir, "label-fraction.csv", ROW + ",2.5"));
        put(files, "csv.nan", digitsCsv(dir, "nan.csv", ROW.substring(2) + ",NaN,3"));
        put(files, "csv.empty-cell", digitsCsv(dir, "empty-cell.csv", ROW.substring(2) + ",,3"));
        put(files, "csv.word", digitsCsv(dir, "word.csv", ROW.substring(2) + ",seven,3"));
        put(files, "csv.ragged", digitsCsv(dir, "ragged.csv", ROW + ",3", ROW + ",3,9"));
        put(files, "csv.header-only", digitsCsv(dir, "header-only.csv"));
        put(files, "csv.empty", Files.writeString(dir.resolve("empty.csv"), ""));
        put(files, "csv.no-label", Files.writeString(dir.resolve("no-label.csv"),
                HEADER.replace(",label", ",class") + "\n" + ROW + ",3\n"));
        put(files, "csv.huge-cell", digitsCsv(dir, "huge-cell.csv", "9".repeat(100_000) + ROW.substring(1) + ",3"));
        put(files, "csv.huge-word", digitsCsv(dir, "huge-word.csv", "x".repeat(100_000) + ROW.substring(1) + ",3"));
        ByteArrayOutputStream latin1 = new ByteArrayOutputStream();
        latin1.write((HEADER + "\n" + ROW + ",3\n").getBytes(StandardCharsets.UTF_8));
        latin1.write(new byte[] {'3', ',', (byte) 0xe9, ','});
        latin1.write((ROW.substring(4) + ",3\n").getBytes(StandardCharsets.UTF_8));
        put(files, "csv.latin1", Files.write(dir.resolve("latin1.csv"), latin1.toByteArray()));
        put(files, "txt", Files.writeString(dir.resolve("data.txt"), "1,2,3\n"));
    }

    private static Path digitsCsv(Path dir, String name, String... rows) throws IOException {
        return Files.writeString(dir.resolve(name), HEADER + "\n" + String.join("\n", rows) + (rows.length > 0 ? "\n" : ""));
    }

    private static void npz(Path dir, Map<String, Path> files) throws IOException {
        float[] pixels = new float[4 * 64];
        put(files, "npz.good", npz(dir.resolve("good.npz"), new long[] {4, 64}, pixels, new long[] {0, 1, 2, 3}));
        try (NpzWriter empty = new NpzWriter(dir.resolve("empty.npz"))) {
            put(files, "npz.empty", dir.resolve("empty.npz"));
        }
        put(files, "npz.wrong-shape", npz(dir.resolve("wrong-shape.npz"), new long[] {4, 8, 8}, pixels,
                new long[] {0, 1, 2, 3}));
        put(files, "npz.label-count", npz(dir.resolve("label-count.npz"), new long[] {4, 64}, pixels, new long[] {0, 1}));
        try (NpzWriter npz = new NpzWriter(dir.resolve("float-labels.npz"))) {
            npz.writeFloats("input", new long[] {4, 64}, pixels);
            npz.writeFloats("labels", new long[] {4}, new float[] {0, 1.5f, 2, 3});
        }
        put(files, "npz.float-labels", dir.resolve("float-labels.npz"));
        put(files, "npz.not-zip", Files.writeString(dir.resolve("not-zip.npz"), "input,labels\n"));
        byte[] good = Files.readAllBytes(files.get("npz.good"));
        put(files, "npz.truncated", Files.write(dir.resolve("truncated.npz"), java.util.Arrays.copyOf(good, good.length / 2)));
        put(files, "npz.corrupt-array", Files.write(dir.resolve("corrupt-array.npz"), StoredNpz.withFlippedDataByte()));
    }

    private static Path npz(Path file, long[] shape, float[] values, long[] labels) throws IOException {
        try (NpzWriter npz = new NpzWriter(file)) {
            npz.writeFloats("input", shape, values);
            npz.writeLongs("labels", new long[] {labels.length}, labels);
        }
        return file;
    }

    private static void text(Path dir, Map<String, Path> files) throws IOException {
        Path bert = Files.createDirectories(dir.resolve("bert"));
        put(files, "bert", Files.copy(BERT, bert.resolve("model.onnx")));
        Files.writeString(bert.resolve("tokenizer.json"), TOKENIZER);
        Path bare = Files.createDirectories(dir.resolve("bert-without-tokenizer"));
        put(files, "bert.no-tokenizer", Files.copy(BERT, bare.resolve("model.onnx")));
        List<String> lines = IntStream.range(0, 8).mapToObj(i -> "{\"text\": \"sun rain goal\", \"label\": " + i % 2 + "}")
                .toList();
        put(files, "jsonl.good", Files.write(dir.resolve("texts.jsonl"), lines));
        put(files, "jsonl.garbage-after", Files.writeString(dir.resolve("garbage-after.jsonl"),
                lines.getFirst() + "\n" + lines.get(1) + " {\"text\": \"team\", \"label\": 0}\n"));
        put(files, "jsonl.invalid", Files.writeString(dir.resolve("invalid.jsonl"), lines.getFirst() + "\n{\"text\": \"sun\",\n"));
        put(files, "jsonl.no-text", Files.writeString(dir.resolve("no-text.jsonl"), "{\"label\": 1}\n"));
        put(files, "jsonl.mixed-labels", Files.writeString(dir.resolve("mixed-labels.jsonl"),
                lines.getFirst() + "\n{\"text\": \"sun\", \"label\": \"weather\"}\n"));
        ByteArrayOutputStream latin1 = new ByteArrayOutputStream();
        latin1.write((lines.getFirst() + "\n").getBytes(StandardCharsets.UTF_8));
        latin1.write("{\"text\": \"caf".getBytes(StandardCharsets.UTF_8));
        latin1.write(0xe9);
        latin1.write("\", \"label\": 1}\n".getBytes(StandardCharsets.UTF_8));
        put(files, "jsonl.latin1", Files.write(dir.resolve("latin1.jsonl"), latin1.toByteArray()));
        put(files, "jsonl.empty", Files.writeString(dir.resolve("empty.jsonl"), "\n\n"));
    }

    private static void models(Path dir, Map<String, Path> files) throws IOException {
        put(files, "model.no-outputs", BadModels.noOutputs(dir.resolve("no-outputs.onnx")));
        put(files, "model.nan", BadModels.nonFiniteWeight(dir.resolve("nan.onnx"), Float.NaN));
        put(files, "model.infinite", BadModels.nonFiniteWeight(dir.resolve("infinite.onnx"), Float.NEGATIVE_INFINITY));
        put(files, "model.opset99", BadModels.opset(dir.resolve("opset99.onnx"), 99));
        put(files, "model.no-initializers", BadModels.noInitializers(dir.resolve("no-initializers.onnx")));
        put(files, "model.string-input", BadModels.stringInput(dir.resolve("string-input.onnx")));
        put(files, "model.int-output", BadModels.integerOutput(dir.resolve("int-output.onnx")));
        put(files, "model.terabytes", BadModels.needsTerabytes(dir.resolve("terabytes.onnx")));
        put(files, "model.text", Files.writeString(dir.resolve("text.onnx"), "this is not protobuf at all, just text"));
        byte[] digits = Files.readAllBytes(BadModels.DIGITS);
        put(files, "model.truncated", Files.write(dir.resolve("truncated.onnx"), java.util.Arrays.copyOf(digits, 1000)));
        put(files, "model.folder", Files.createDirectories(dir.resolve("model-folder.onnx")));
        put(files, "model.empty", Files.write(dir.resolve("empty.onnx"), new byte[0]));
    }

    private static void images(Path dir, Map<String, Path> files) throws IOException {
        put(files, "cnn", CNN);
        put(files, "images.empty", Files.createDirectories(dir.resolve("no-images")));
        Path broken = dir.resolve("broken-images");
        for (String label : List.of("a", "b")) {
            Files.writeString(Files.createDirectories(broken.resolve(label)).resolve(label + ".png"), "not a png");
        }
        put(files, "images.broken", broken);
        put(files, "images.missing", Files.writeString(dir.resolve("missing-image.csv"), "path,label\nabsent.png,0\n"));
    }

    private static void put(Map<String, Path> files, String name, Path file) {
        if (files.put(name, file) != null) {
            throw new UncheckedIOException(new IOException("two files named " + name));
        }
    }
}
