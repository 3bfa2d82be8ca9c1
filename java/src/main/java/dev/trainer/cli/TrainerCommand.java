package dev.trainer.cli;

import dev.trainer.run.Failure;
import java.io.PrintWriter;
import java.util.Comparator;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code trainer} command line: the subcommands, parse errors in one line, exit codes. */
@Command(name = "trainer", mixinStandardHelpOptions = true, versionProvider = TrainerCommand.Version.class,
        description = "Fine-tunes ONNX models on ONNX Runtime and hands back an ONNX model ready to deploy.",
        subcommands = {FineTuneCommand.class, ResumeCommand.class, EvaluateCommand.class, PredictCommand.class,
                InspectCommand.class, LrFindCommand.class, CvCommand.class, DiagnoseCommand.class, GradientsCommand.class,
                MergeCommand.class,
                CommandLine.HelpCommand.class})
public final class TrainerCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(),
                "missing command: fine-tune, resume, evaluate, predict, inspect, lr-find, cv, diagnose, gradients or merge");
    }

    /**
     * Runs the command line and exits with its code (0 success, 1 training failed, 2 bad input,
     * 130 or 143 interrupted by SIGINT or SIGTERM).
     */
    public static void main(String[] args) {
        System.exit(execute(args));
    }

    /** Runs the command line and returns the exit code, for tests and for {@link #main}. */
    public static int execute(String... args) {
        return commandLine().execute(args);
    }

    /** The command line with trainer's parsing rules, help layout and error handling. */
    static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new TrainerCommand());
        // An option given twice takes its last value; plain options (no argument groups) never reset others.
        cli.setOverwrittenOptionsAllowed(true);
        cli.setParameterExceptionHandler(TrainerCommand::badUsage);
        SectionedHelp.install(cli);
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            Failure failure = Failure.of(e);
            if (failure.internal()) {
                e.printStackTrace(commandLine.getErr());
            }
            return fail(commandLine, failure.message(), failure.exitCode());
        });
        return cli;
    }

    /**
     * A command line that does not parse: one line saying what is wrong (a value's own parser
     * names the option and the accepted forms), one pointing at the help, exit code 2.
     */
    private static int badUsage(CommandLine.ParameterException e, String[] args) {
        CommandLine commandLine = e.getCommandLine();
        String message = e.getCause() instanceof CommandLine.TypeConversionException conversion
                ? conversion.getMessage() : e.getMessage();
        if (e instanceof CommandLine.UnmatchedArgumentException unmatched && !unmatched.getSuggestions().isEmpty()) {
            String typed = unmatched.getUnmatched().getFirst();
            message += "; did you mean " + unmatched.getSuggestions().stream()
                    .min(Comparator.comparingInt(s -> editDistance(s, typed))).orElseThrow() + "?";
        }
        PrintWriter err = commandLine.getErr();
        err.println("trainer: error: " + message);
        err.println("see `" + commandLine.getCommandSpec().qualifiedName() + " --help`");
        return ExitCode.BAD_INPUT;
    }

    /** Levenshtein's distance: picocli lists every option sharing a prefix, this picks the likely typo. */
    private static int editDistance(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                current[j] = Math.min(substitution, Math.min(previous[j], current[j - 1]) + 1);
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.length()];
    }

    private static int fail(CommandLine commandLine, String message, int code) {
        commandLine.getErr().println("trainer: error: " + message);
        return code;
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"trainer " + dev.trainer.run.Provenance.trainerVersion()
                    + " (ONNX Runtime " + dev.trainer.run.Provenance.onnxRuntimeVersion() + ", Java " + Runtime.version() + ")"};
        }
    }
}
