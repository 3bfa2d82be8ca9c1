package dev.trainer.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.trainer.config.DistributedMode;
import dev.trainer.config.LrSchedule;
import dev.trainer.config.OptimizerKind;
import dev.trainer.config.RecomputeMode;
import dev.trainer.config.RunConfig;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * The command line's options become one checked configuration: repeating an option keeps its last
 * value and resets nothing else, and a bad value fails in the parse, before any model is read.
 */
class OptionParsingTest {

    private static RunConfig fineTune(String... args) {
        CommandLine cli = TrainerCommand.commandLine();
        CommandLine.ParseResult parsed = cli.parseArgs(concat(new String[] {"fine-tune", "--out", "/tmp/none"}, args));
        FineTuneCommand command = (FineTuneCommand) parsed.subcommand().commandSpec().userObject();
        return command.options.toConfig();
    }

    private static String[] concat(String[] a, String... b) {
        String[] all = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }

    @Test
    void aRepeatedOptionTakesItsLastValueAndResetsNothingElse() {
        RunConfig config = fineTune("--model", "m.onnx", "--train", "t.csv", "--optimizer", "sgd", "--lr", "0.1",
                "--lr", "0.2", "--epochs", "3", "--epochs", "4", "--lr-schedule", "cosine", "--max-grad-norm", "1");

        assertEquals(OptimizerKind.SGD, config.optimizer().kind());
        assertEquals(0.2, config.optimizer().learningRate());
        assertEquals(4, config.loop().epochs());
        assertEquals(new LrSchedule.Cosine(0), config.schedule().schedule());
        assertEquals(1.0, config.optimizer().maxGradNorm());
    }

    @Test
    void aModelGivenTwiceIsTheLastOne() {
        assertEquals(Path.of("b.onnx"), fineTune("--model", "a.onnx", "--model", "b.onnx", "--train", "t.csv").model().file());
    }

    @Test
    void repeatableOptionsCollect() {
        RunConfig config = fineTune("--model", "m.onnx", "--train", "t.csv", "--lr-group", "fc1=x0.1", "--lr-group", "fc2=1e-3",
                "--l2", "1e-4", "--freeze", "fc1", "fc2");
        assertEquals(List.of("fc1=x0.1", "fc2=0.001"), config.optimizer().lrGroups().stream().map(g -> g.spec()).toList());
        assertEquals(1, config.regularization().l2().size());
        assertEquals(2, config.freezing().freeze().size());
    }

    @Test
    void recomputeIsARuntimeSettingOffByDefault() {
        assertEquals(RecomputeMode.NONE, fineTune("--model", "m.onnx", "--train", "t.csv").runtime().recompute());
        assertEquals(RecomputeMode.SEGMENTS,
                fineTune("--model", "m.onnx", "--train", "t.csv", "--recompute", "segments").runtime().recompute());

        Cli.Outcome o = Cli.run("fine-tune", "--model", "no/such/model.onnx", "--train", "no/such.csv", "--out", "/tmp/none",
                "--recompute", "all");
        assertEquals(ExitCode.BAD_INPUT, o.code());
        assertEquals("trainer: error: --recompute 'all': unknown value; use none or segments"
                + " (see `trainer fine-tune --help`)", o.err().strip());
    }

    @Test
    void aTypoFailsBeforeTheModelIsReadInOneLinePointingAtTheHelp() {
        Cli.Outcome o = Cli.run("fine-tune", "--model", "no/such/model.onnx", "--train", "no/such.csv", "--out", "/tmp/none",
                "--lr-schedule", "cosin");

        assertEquals(ExitCode.BAD_INPUT, o.code());
        List<String> lines = o.err().strip().lines().toList();
        assertEquals(1, lines.size(), o.err());
        assertTrue(lines.get(0).startsWith("trainer: error: --lr-schedule 'cosin': unknown schedule \"cosin\""), o.err());
        assertTrue(lines.get(0).endsWith(" (see `trainer fine-tune --help`)"), o.err());
        assertFalse(o.err().contains("model file not found"), "the model was not read: " + o.err());
    }

    @Test
    void combinationsFailBeforeTheModelIsRead() {
        Cli.Outcome o = Cli.run("fine-tune", "--model", "no/such/model.onnx", "--train", "no/such.csv", "--out", "/tmp/none",
                "--warmup-steps", "10", "--warmup-ratio", "0.1");

        assertEquals(ExitCode.BAD_INPUT, o.code());
        assertEquals("trainer: error: give --warmup-steps or --warmup-ratio, not both", o.err().strip());
    }

    @Test
    void distributedDefaultsToAutoAndTakesItsThreeValues() {
        assertEquals(DistributedMode.AUTO, fineTune("--model", "m.onnx", "--train", "t.csv").runtime().distributed());
        assertEquals(DistributedMode.NONE,
                fineTune("--model", "m.onnx", "--train", "t.csv", "--distributed", "none").runtime().distributed());
        Cli.Outcome o = Cli.run("cv", "--model", "m.onnx", "--train", "t.csv", "--out", "/tmp/none", "--distributed", "nccl");
        assertEquals(ExitCode.BAD_INPUT, o.code());
        assertEquals("trainer: error: --distributed 'nccl': unknown value; use auto, mpi or none (see `trainer cv --help`)",
                o.err().strip());
    }

    @Test
    void anUnknownOptionSuggestsTheNearestOne() {
        Cli.Outcome o = Cli.run("fine-tune", "--model", "m.onnx", "--train", "t.csv", "--out", "/tmp/none", "--lr-shedule", "cosine");

        assertEquals(ExitCode.BAD_INPUT, o.code());
        assertTrue(o.err().contains("did you mean --lr-schedule?"), o.err());
    }

    @Test
    void helpListsOptionsUnderTheirSections() {
        Cli.Outcome o = Cli.run("fine-tune", "--help");

        assertEquals(0, o.code());
        String help = o.out();
        int optimizer = help.indexOf("Optimizer and learning rate:");
        int loop = help.indexOf("Training loop:");
        assertTrue(loop > 0 && optimizer > loop, help);
        assertTrue(help.indexOf("\n      --lr-schedule") > optimizer, help);
        int epochs = help.indexOf("\n      --epochs");
        assertTrue(epochs > loop && epochs < optimizer, help);
        assertTrue(help.indexOf("\n      --out") < help.indexOf("Model and data:"), "options of no section come first:\n" + help);
        assertEquals(1, help.split("\n      --label-smoothing", -1).length - 1, "each option is listed once:\n" + help);
        // about 60 options in ten sections: a bound that notices a section's descriptions growing into paragraphs
        assertTrue(help.lines().count() < 200, "the help fits a few screens: " + help.lines().count() + " lines");
    }
}
