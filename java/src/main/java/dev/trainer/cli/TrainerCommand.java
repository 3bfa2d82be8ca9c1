package dev.trainer.cli;

import dev.trainer.cuda.CudaUnavailableException;
import dev.trainer.data.DataException;
import dev.trainer.onnx.ModelException;
import dev.trainer.train.TrainingFailedException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code trainer} command line. */
@Command(name = "trainer", mixinStandardHelpOptions = true, versionProvider = TrainerCommand.Version.class,
        description = "Fine-tunes ONNX models on ONNX Runtime and hands back an ONNX model ready to deploy.",
        subcommands = {FineTuneCommand.class, EvaluateCommand.class, PredictCommand.class, InspectCommand.class,
                LrFindCommand.class, CvCommand.class, DiagnoseCommand.class,
                CommandLine.HelpCommand.class})
public final class TrainerCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "missing command: fine-tune, evaluate, predict, inspect, lr-find, cv or diagnose");
    }

    public static void main(String[] args) {
        System.exit(execute(args));
    }

    /** Runs the command line and returns the exit code, for tests and for {@link #main}. */
    public static int execute(String... args) {
        CommandLine cli = new CommandLine(new TrainerCommand());
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            return switch (e) {
                case ModelException m -> fail(commandLine, m.getMessage(), ExitCode.BAD_INPUT);
                case DataException d -> fail(commandLine, d.getMessage(), ExitCode.BAD_INPUT);
                case IllegalArgumentException i -> fail(commandLine, i.getMessage(), ExitCode.BAD_INPUT);
                case CudaUnavailableException c -> fail(commandLine, c.getMessage(), ExitCode.BAD_INPUT);
                case TrainingFailedException t -> fail(commandLine, "training failed: " + t.getMessage(), ExitCode.FAILED);
                default -> {
                    e.printStackTrace(commandLine.getErr());
                    yield fail(commandLine, "internal error: " + e, ExitCode.FAILED);
                }
            };
        });
        return cli.execute(args);
    }

    private static int fail(CommandLine commandLine, String message, int code) {
        commandLine.getErr().println("trainer: error: " + message);
        return code;
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"trainer " + dev.trainer.train.Provenance.trainerVersion()
                    + " (ONNX Runtime " + dev.trainer.train.Provenance.onnxRuntimeVersion() + ", Java " + Runtime.version() + ")"};
        }
    }
}
