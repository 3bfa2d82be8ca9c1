package dev.trainer.badinput;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.trainer.cli.Cli;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every bad input a user is likely to give, answered the same way: the exit code (2 for bad input,
 * 1 for a run that fails), exactly one line on stderr that says what is wrong, and nothing left
 * behind: the run folder, prediction file or plot the command was asked to write does not exist.
 * Cases named {@code dN} are defect N of issue 8, each covered by at least one case.
 *
 * <p>Arguments name fixtures in braces: {@code {digits}}, {@code {train}}, {@code {val}} (the
 * shipped demo), {@code {dir}} and {@code {scratch}} (a fresh folder per case, which must be empty
 * afterwards), and the files of {@link BadDataFiles} by name, e.g. {@code {csv.nan}}.
 *
 * <p>Tagged slow: about a hundred commands, a third of a second each, most of them loading a model.
 */
@Tag("slow")
class BadInputCatalogueTest {

    @TempDir
    static Path root;
    static Map<String, Path> files;

    /** One bad command line: what it must answer. */
    record Case(String name, int code, String line, List<String> args) {
        @Override
        public String toString() {
            return name;
        }
    }

    @BeforeAll
    static void writeFiles() throws IOException {
        files = BadDataFiles.write(Files.createDirectories(root.resolve("files")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void answeredInOneLineWithNothingLeftBehind(Case c) throws IOException {
        Path scratch = Files.createDirectories(root.resolve("case-" + Math.abs(c.name().hashCode())));
        Cli.Outcome o = Cli.run(c.args().stream().map(a -> resolve(a, scratch)).toArray(String[]::new));

        String err = o.err();
        List<String> lines = err.lines().toList();
        assertEquals(1, lines.size(), "exactly one line on stderr; stdout:\n" + o.out() + "\nstderr:\n" + err);
        String line = lines.getFirst();
        assertTrue(line.startsWith("trainer: error: "), line);
        assertTrue(Pattern.compile(c.line()).matcher(line).find(), "/" + c.line() + "/ not in: " + line);
        assertTrue(line.length() < 400, "a line a terminal shows whole: " + line.length() + " characters");
        assertEquals(c.code(), o.code(), line);
        try (Stream<Path> left = Files.list(scratch)) {
            assertEquals(List.of(), left.toList(), "nothing written: " + line);
        }
    }

    private static String resolve(String arg, Path scratch) {
        Matcher m = Pattern.compile("\\{([a-z0-9.-]+)}").matcher(arg);
        StringBuilder s = new StringBuilder();
        while (m.find()) {
            String key = m.group(1);
            Path path = switch (key) {
                case "digits" -> BadModels.DIGITS;
                case "train" -> BadDataFiles.DIGITS_TRAIN;
                case "val" -> BadDataFiles.DIGITS_VAL;
                case "dir" -> scratch.resolve("run");
                case "scratch" -> scratch;
                default -> files.get(key);
            };
            if (path == null) {
                throw new IllegalArgumentException("no fixture {" + key + "}");
            }
            m.appendReplacement(s, Matcher.quoteReplacement(path.toString()));
        }
        return m.appendTail(s).toString();
    }

    private static Case bad(String name, String line, String... args) {
        return new Case(name, 2, line, List.of(args));
    }

    /** {@code fine-tune} of the digits demo into {@code {dir}} for a step, with the given arguments. */
    private static Case fineTune(String name, String line, String... args) {
        List<String> all = new ArrayList<>(List.of("fine-tune", "--model", "{digits}", "--train", "{train}", "--out",
                "{dir}", "--max-steps", "1"));
        all.addAll(Arrays.asList(args));
        return new Case(name, 2, line, all);
    }

    /** {@code fine-tune} of {@code model} on {@code data} into {@code {dir}}. */
    private static Case fineTuneOn(String name, String line, String model, String data, String... args) {
        List<String> all = new ArrayList<>(List.of("fine-tune", "--model", model, "--train", data, "--out", "{dir}"));
        all.addAll(Arrays.asList(args));
        return new Case(name, 2, line, all);
    }

    static List<Case> cases() {
        List<Case> cases = new ArrayList<>();
        cases.addAll(commandLines());
        cases.addAll(options());
        cases.addAll(outputs());
        cases.addAll(models());
        cases.addAll(tabularData());
        cases.addAll(textData());
        cases.addAll(images());
        cases.addAll(otherCommands());
        return cases;
    }

    private static List<Case> commandLines() {
        return List.of(
                fineTune("d8 a value that is not a number", "^trainer: error: --epochs 'x': not an integer \\(see `trainer"
                        + " fine-tune --help`\\)$", "--epochs", "x"),
                fineTune("d8 a misspelt option", "unknown option '--lr-shedule'; did you mean --lr-schedule\\?",
                        "--lr-shedule", "cosine"),
                bad("d8 a misspelt option before a required one", "unknown option '--modle'; did you mean --model\\?",
                        "fine-tune", "--modle", "{digits}", "--train", "{train}", "--out", "{dir}"),
                bad("d8 a required option missing", "Missing required option.*'--train=DATA'", "fine-tune", "--model",
                        "{digits}", "--out", "{dir}"),
                bad("d8 an option without its value", "Missing required parameter for option '--model'", "fine-tune",
                        "--out", "{dir}", "--train", "{train}", "--model"),
                bad("an unknown command", "unexpected argument 'frobnicate' \\(see `trainer --help`\\)", "frobnicate"),
                bad("no command", "missing command: fine-tune, resume, evaluate", new String[0]));
    }

    private static List<Case> options() {
        return List.of(
                fineTune("an unknown optimizer", "--optimizer 'rmsprop'", "--optimizer", "rmsprop"),
                fineTune("d7 a schedule with a bad value", "--lr-schedule 'step:0': step size must be >= 1",
                        "--lr-schedule", "step:0"),
                fineTune("d7 a misspelt schedule", "--lr-schedule 'cosin': unknown schedule \"cosin\"", "--lr-schedule",
                        "cosin"),
                fineTune("d7 a negative warm-up", "--warmup-steps must be >= 0, not -3", "--warmup-steps", "-3"),
                fineTune("d7 a warm-up ratio above 1", "--warmup-ratio must be in \\[0, 1\\), not 1.5", "--warmup-ratio",
                        "1.5"),
                fineTune("d7 a warm-up longer than the run", "--warmup-steps 1000: a warm-up of 1000 steps does not fit a"
                        + " run of 1 steps", "--warmup-steps", "1000"),
                fineTune("both warm-ups", "give --warmup-steps or --warmup-ratio, not both", "--warmup-steps", "2",
                        "--warmup-ratio", "0.1"),
                fineTune("d9 momentum of 2", "^trainer: error: --momentum must be in \\[0, 1\\), got 2.0$", "--momentum", "2"),
                fineTune("d9 a negative weight decay", "^trainer: error: --weight-decay must be a finite number >= 0, got"
                        + " -1.0$", "--weight-decay", "-1"),
                fineTune("d9 a negative gradient norm", "^trainer: error: --max-grad-norm must be a finite number >= 0",
                        "--max-grad-norm", "-1"),
                fineTune("a learning rate of 0", "--lr must be a positive number, got 0.0", "--lr", "0"),
                fineTune("a learning rate of NaN", "--lr must be a positive number, got NaN", "--lr", "NaN"),
                fineTune("no epochs", "--epochs must be at least 1, got 0", "--epochs", "0"),
                fineTune("an empty batch", "--batch-size must be at least 1, got 0", "--batch-size", "0"),
                fineTune("a batch size beyond int", "--batch-size '2147483648': not an integer", "--batch-size",
                        "2147483648"),
                fineTune("validation twice", "give either --val or --val-split, not both", "--val", "{val}", "--val-split",
                        "0.2"),
                fineTune("a split of everything", "--val-split must be in \\[0, 1\\), got 1.5", "--val-split", "1.5"),
                fineTune("two heads", "give either --head or --replace-head, not both", "--head", "classify:3",
                        "--replace-head", "3"),
                fineTune("class weights for regression", "--class-weights, --sampler and --augment smote need a classification"
                        + " loss", "--loss", "mse", "--class-weights", "auto"),
                fineTune("full label smoothing", "--label-smoothing must be in \\[0, 1\\), got 1.0", "--label-smoothing", "1"),
                fineTune("negative threads", "--threads must be >= 0, got -1", "--threads", "-1"),
                fineTune("a freeze pattern that matches nothing", "--freeze 'nothing\\.\\*' matches no parameter",
                        "--freeze", "nothing.*"),
                fineTune("an output the model lacks", "the model has no output named 'nope' \\(outputs: logits\\)",
                        "--output", "nope"),
                fineTune("d11 early stopping without validation data", "^trainer: error: --early-stopping-patience needs"
                        + " validation data; give --val FILE or --val-split F$", "--early-stopping-patience", "2"),
                fineTune("d11 evaluating every N steps without validation data", "--eval-every needs validation data",
                        "--eval-every", "5"));
    }

    private static List<Case> outputs() {
        return List.of(
                bad("d3 predictions into a missing folder", "--out .*no/such/p.csv: the folder .*no/such does not exist",
                        "predict", "--model", "{digits}", "--data", "{val}", "--out", "{scratch}/no/such/p.csv"),
                bad("d3 predictions into a folder", "--out .*case-[0-9]+ is a folder; give a file name in it", "predict",
                        "--model", "{digits}", "--data", "{val}", "--out", "{scratch}"),
                bad("d3 predictions where nothing can be written", "--out /sys/p.csv: cannot write in /sys", "predict",
                        "--model", "{digits}", "--data", "{val}", "--out", "/sys/p.csv"),
                bad("predictions of an unknown format", "--out must end in .csv or .npz", "predict", "--model", "{digits}",
                        "--data", "{val}", "--out", "{scratch}/p.txt"),
                bad("d3 an lr-find plot into a missing folder", "--plot .*: the folder .*no/such does not exist", "lr-find",
                        "--model", "{digits}", "--train", "{train}", "--plot", "{scratch}/no/such/lr.png"),
                bad("d3 an lr-find plot where nothing can be written", "--plot /sys/lr.png: cannot write in /sys", "lr-find",
                        "--model", "{digits}", "--train", "{train}", "--plot", "/sys/lr.png"),
                bad("d3 gradients into a missing folder", "--out .*no/such/g.npz: the folder .*no/such does not exist",
                        "gradients", "--model", "{digits}", "--data", "{val}", "--out", "{scratch}/no/such/g.npz"),
                bad("d3 gradients where nothing can be written", "--out /sys/g.npz: cannot write in /sys", "gradients",
                        "--model", "{digits}", "--data", "{val}", "--out", "/sys/g.npz"),
                bad("d3 a merged model into a missing folder", "--out .*no/such/m.onnx: the folder .*no/such does not"
                        + " exist", "merge", "--model", "{digits}", "--adapters", "{digits}", "--out", "{scratch}/no/such/m.onnx"),
                bad("d3 a diagnose plot into a missing folder", "--plot .*: the folder .*no/such does not exist", "diagnose",
                        "{scratch}", "--plot", "{scratch}/no/such/run.png"),
                fineTune("d9 a run folder where nothing can be written", "^trainer: error: --out /sys/run: cannot write in"
                        + " /sys", "--out", "/sys/run"),
                fineTune("a run folder that is a file", "--out .*train.csv is a file, not a folder", "--out", "{train}"),
                fineTune("a run folder inside a file", "--out .*train.csv/run: .*train.csv is a file, not a folder", "--out",
                        "{train}/run"));
    }

    private static List<Case> models() {
        String train = "{train}";
        return List.of(
                fineTuneOn("d5 fine-tune a model without outputs", "no-outputs.onnx has no outputs", "{model.no-outputs}",
                        train),
                bad("d5 inspect a model without outputs", "no-outputs.onnx has no outputs", "inspect", "--model",
                        "{model.no-outputs}"),
                bad("d5 evaluate a model without outputs", "no-outputs.onnx has no outputs", "evaluate", "--model",
                        "{model.no-outputs}", "--data", "{val}"),
                bad("d5 predict with a model without outputs", "no-outputs.onnx has no outputs", "predict", "--model",
                        "{model.no-outputs}", "--data", "{val}", "--out", "{scratch}/p.csv"),
                fineTuneOn("d6 a NaN weight", "^trainer: error: initializer 'fc1.weight' holds NaN \\(at index 3 of 8192\\)",
                        "{model.nan}", train),
                fineTuneOn("d6 an infinite weight", "initializer 'fc1.weight' holds -Infinity", "{model.infinite}", train),
                fineTuneOn("d9 a folder as the model", "model-folder.onnx is a folder, not an ONNX model file",
                        "{model.folder}", train),
                fineTuneOn("d9 a model too new for ONNX Runtime", "the model needs opset 99; ONNX Runtime [0-9.]+ supports up"
                        + " to opset [0-9]+$", "{model.opset99}", train),
                fineTuneOn("d10 a model without initializers", "the model has no trainable parameters",
                        "{model.no-initializers}", train),
                fineTuneOn("d10 a string input", "input 'comment' is string; trainer feeds", "{model.string-input}", train),
                fineTuneOn("d10 an integer output", "output 'class' is int64; trainer trains a float32 output",
                        "{model.int-output}", train),
                fineTuneOn("a missing model", "model file not found: .*absent.onnx", "{scratch}/absent.onnx", train),
                fineTuneOn("text as a model", "not (a readable|an) ONNX model", "{model.text}", train),
                fineTuneOn("a truncated model", "not a readable ONNX model", "{model.truncated}", train),
                fineTuneOn("an empty model file", "not an ONNX model \\(no graph or opset\\)", "{model.empty}", train));
    }

    private static List<Case> tabularData() {
        String model = "{digits}";
        return List.of(
                fineTuneOn("a missing data file", "absent.csv does not exist", model, "{scratch}/absent.csv"),
                fineTuneOn("an unknown data format", "data.txt: unknown data format; use a .csv, .npz or .jsonl file", model,
                        "{txt}"),
                fineTuneOn("columns that do not fit the input", "64", model, "{csv.two-columns}"),
                fineTuneOn("a label beyond the model's classes", "label-12.csv line 3: label 12 is out of range for the"
                        + " model's 10 classes", model, "{csv.label-12}"),
                fineTuneOn("a negative label", "line 2, column 65 \\('label'\\): \"-1\": class label must be an integer",
                        model, "{csv.label-minus}"),
                fineTuneOn("a fractional label", "line 2, column 65 \\('label'\\): \"2.5\"", model, "{csv.label-fraction}"),
                fineTuneOn("a NaN cell", "line 2, column 64 \\('px63'\\): \"NaN\": is not a finite number", model,
                        "{csv.nan}"),
                fineTuneOn("an empty cell", "line 2, column 64 \\('px63'\\): empty cell", model, "{csv.empty-cell}"),
                fineTuneOn("a word for a number", "\"seven\": is not a finite number", model, "{csv.word}"),
                fineTuneOn("a line with a cell too many", "line 3 has 66 cells, but the header has 65 columns", model,
                        "{csv.ragged}"),
                fineTuneOn("a header without rows", "has a header but no rows", model, "{csv.header-only}"),
                fineTuneOn("an empty CSV file", "empty.csv is empty: expected a header row", model, "{csv.empty}"),
                fineTuneOn("no label column", "has no label column 'label'", model, "{csv.no-label}"),
                fineTuneOn("d9 a huge number cell, cut short", "\"9{60}… \\(100000 characters\\)\": is not a finite number",
                        model, "{csv.huge-cell}"),
                fineTuneOn("d9 a huge word cell, cut short", "\"x{60}… \\(100000 characters\\)\"", model, "{csv.huge-word}"),
                fineTuneOn("d9 a CSV file that is not UTF-8", "latin1.csv line 3 \\(byte [0-9]+\\) is not UTF-8: byte 0xe9",
                        model, "{csv.latin1}"),
                fineTuneOn("d4 an NPZ array whose bytes changed", "corrupt-array.npz: array 'input' is corrupt: its CRC-32"
                        + " does not match", model, "{npz.corrupt-array}"),
                fineTuneOn("d7 an empty NPZ file", "empty.npz has no array 'input' for input 'input' \\(it holds no arrays\\)",
                        model, "{npz.empty}"),
                fineTuneOn("an NPZ file that is not a zip", "not-zip.npz is not an .npz file", model, "{npz.not-zip}"),
                fineTuneOn("a truncated NPZ file", "truncated.npz", model, "{npz.truncated}"),
                fineTuneOn("an NPZ array of the wrong shape", "array 'input' has shape \\[4, 8, 8\\], but input 'input'"
                        + " takes", model, "{npz.wrong-shape}"),
                fineTuneOn("NPZ labels for fewer samples", "array 'labels' has 2 samples, but 'input' has 4", model,
                        "{npz.label-count}"),
                fineTuneOn("fractional NPZ labels", "label 1.5 of sample 2 is not a class id", model, "{npz.float-labels}"));
    }

    private static List<Case> textData() {
        String bert = "{bert}";
        return List.of(
                fineTuneOn("d2 a max length beyond the model's positions", "^trainer: error: --max-length 64 is longer than"
                        + " the model's 16 positions", bert, "{jsonl.good}", "--max-length", "64"),
                bad("d2 predicting text beyond the model's positions", "--max-length 128 is longer than the model's 16"
                        + " positions", "predict", "--model", bert, "--data", "{jsonl.good}", "--out", "{scratch}/p.csv"),
                fineTuneOn("d12 more after a line's object", "garbage-after.jsonl line 2: more after the JSON object", bert,
                        "{jsonl.garbage-after}", "--max-length", "16"),
                fineTuneOn("invalid JSON", "invalid.jsonl line 2: invalid JSON", bert, "{jsonl.invalid}", "--max-length",
                        "16"),
                fineTuneOn("a line without text", "no-text.jsonl line 1: no \"text\"", bert, "{jsonl.no-text}",
                        "--max-length", "16"),
                fineTuneOn("class ids and names mixed", "mixed-labels.jsonl line 2: the label \"weather\" is a class name",
                        bert, "{jsonl.mixed-labels}", "--max-length", "16"),
                fineTuneOn("d9 a JSONL file that is not UTF-8", "latin1.jsonl line 2 \\(byte [0-9]+\\) is not UTF-8: byte 0xe9",
                        bert, "{jsonl.latin1}", "--max-length", "16"),
                fineTuneOn("a JSONL file of blank lines", "empty.jsonl holds no samples", bert, "{jsonl.empty}",
                        "--max-length", "16"),
                fineTuneOn("text without the model's tokenizer", "no tokenizer.json beside .*; give --tokenizer PATH",
                        "{bert.no-tokenizer}", "{jsonl.good}", "--max-length", "16"));
    }

    private static List<Case> images() {
        return List.of(
                fineTuneOn("an image folder without class folders", "no-images has no class folders: labelled images go"
                        + " in DIR/CLASS/", "{cnn}", "{images.empty}"),
                fineTuneOn("an image that is not one", "a.png: not an image of a known format \\(PNG, JPEG, BMP or GIF\\)"
                        + " \\(--skip-bad-images leaves broken images out\\)$", "{cnn}", "{images.broken}"),
                fineTuneOn("a manifest naming a missing image", "absent.png: cannot be read: no such file", "{cnn}",
                        "{images.missing}"),
                fineTune("image augmentation of tabular data", "--augment flip works on images, not on tabular data",
                        "--augment", "flip"));
    }

    private static List<Case> otherCommands() {
        return List.of(
                bad("evaluate a label beyond the model's classes", "label-12.csv line 3: label 12 is out of range", "evaluate",
                        "--model", "{digits}", "--data", "{csv.label-12}"),
                bad("evaluate missing data", "absent.csv does not exist", "evaluate", "--model", "{digits}", "--data",
                        "{scratch}/absent.csv"),
                bad("inspect a missing model", "model file not found", "inspect", "--model", "{scratch}/absent.onnx"),
                bad("inspect a folder", "is a folder, not an ONNX model file", "inspect", "--model", "{model.folder}"),
                bad("merge adapters that are not there", "model file not found: .*absent.onnx", "merge", "--model",
                        "{digits}", "--adapters", "{scratch}/absent.onnx", "--out", "{scratch}/m.onnx"),
                bad("merge a model as adapters", "model.onnx is not a LoRA adapters file \\(no trainer.lora metadata\\)",
                        "merge", "--model", "{digits}", "--adapters", "{digits}", "--out", "{scratch}/m.onnx"),
                bad("diagnose a folder that is not a run", "case-[0-9]+ is not a run folder: it has no metrics.jsonl",
                        "diagnose", "{scratch}"),
                bad("diagnose a missing folder", "absent is not a folder", "diagnose", "{scratch}/absent"),
                bad("cross-validation of one fold", "--folds must be at least 2, got 1", "cv", "--model", "{digits}", "--train",
                        "{train}", "--out", "{dir}", "--folds", "1"),
                bad("a range test of 5 steps", "--steps must be at least 10, got 5", "lr-find", "--model", "{digits}",
                        "--train", "{train}", "--steps", "5", "--plot", "{scratch}/lr.png"),
                bad("a range test from high to low", "the range test needs 0 < --min-lr < --max-lr", "lr-find", "--model",
                        "{digits}", "--train", "{train}", "--min-lr", "1", "--max-lr", "0.1", "--plot", "{scratch}/lr.png"),
                new Case("out of memory in ONNX Runtime", 1, "^trainer: error: out of memory: ONNX Runtime: .*Failed to"
                        + " allocate memory .*\\([0-9.]+ [PT]iB\\).*; try a smaller --batch-size", List.of("evaluate",
                        "--model", "{model.terabytes}", "--data", "{val}")));
    }
}
