package dev.trainer.cli;

import dev.trainer.run.Failure;
import dev.trainer.runtime.OrtLogging;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

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

    @Option(names = "--verbose", scope = CommandLine.ScopeType.INHERIT,
            description = "Show ONNX Runtime's warnings, and the stack trace of an internal error.")
    boolean verbose;

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
        CommandLine cli = commandLine();
        try {
            return cli.execute(args);
        } catch (OutOfMemoryError e) {
            cli.getErr().println("trainer: error: " + dev.trainer.run.MemoryShortage.describe(e, null));
            return Failure.FAILED;
        }
    }

    /** The command line with trainer's parsing rules, help layout and error handling. */
    static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new TrainerCommand());
        // An option given twice takes its last value; plain options (no argument groups) never reset others.
        cli.setOverwrittenOptionsAllowed(true);
        cli.setParameterExceptionHandler(TrainerCommand::badUsage);
        SectionedHelp.install(cli);
        cli.setExecutionStrategy(parsed -> {
            OrtLogging.verbose(verbose(parsed));
            return new CommandLine.RunLast().execute(parsed);
        });
        cli.setExecutionExceptionHandler((e, commandLine, parsed) -> {
            Failure failure = Failure.of(e);
            if (!failure.internal()) {
                return fail(commandLine, failure.message(), failure.exitCode());
            }
            if (verbose(parsed)) {
                e.printStackTrace(commandLine.getErr());
            }
            return fail(commandLine, failure.message() + (verbose(parsed) ? "" : " (run with --verbose for the stack trace)"),
                    failure.exitCode());
        });
        return cli;
    }

    /** Whether --verbose was given, before or after the subcommand. */
    private static boolean verbose(CommandLine.ParseResult parsed) {
        return parsed.asCommandLineList().stream().anyMatch(c -> c.getParseResult().hasMatchedOption("--verbose"));
    }

    /** A command line that does not parse: one line saying what is wrong and where the help is, exit code 2. */
    private static int badUsage(CommandLine.ParameterException e, String[] args) {
        e.getCommandLine().getErr().println("trainer: error: " + UsageError.describe(e));
        return ExitCode.BAD_INPUT;
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
