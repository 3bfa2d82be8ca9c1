package dev.trainer.cli;

import dev.trainer.FineTuning;
import dev.trainer.Resume;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Unmatched;

@Command(name = "resume", mixinStandardHelpOptions = true, sortOptions = false,
        customSynopsis = "trainer resume DIR [--epochs N] [--max-steps N]",
        description = {"Continues a fine-tune (killed, interrupted, or to be trained longer) from its last good",
                "checkpoint, with the settings DIR/run.json records: it ends as the run would have uninterrupted."})
final class ResumeCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "DIR", description = "The run folder of a fine-tune.")
    Path dir;

    @Option(names = "--epochs", paramLabel = "N", description = "Train to N epochs in all: more than the run's own.")
    Integer epochs;

    @Option(names = "--max-steps", paramLabel = "N", description = "Raise the run's step limit (0: lift it).")
    Long maxSteps;

    @Unmatched
    List<String> others = new ArrayList<>();

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        refuseOthers();
        Resume resume = FineTuning.resume(dir);
        if (epochs != null) {
            resume.epochs(epochs);
        }
        if (maxSteps != null) {
            resume.maxSteps(maxSteps);
        }
        // a data-parallel run's folder is refused, so a resumed run trains alone
        try (Interruptions interruptions = new Interruptions(false)) {
            return RunEnding.exitCode(resume.console().listener(interruptions).run(), interruptions, dir);
        }
    }

    /**
     * A fine-tune option would make the result another run's: it is refused by name, with what to
     * do instead; anything else is a plain usage error.
     */
    private void refuseOthers() {
        if (others.isEmpty()) {
            return;
        }
        Set<String> fineTune = new CommandLine(new FineTuneCommand()).getCommandSpec().optionsMap().keySet();
        List<String> settings = others.stream().map(a -> a.split("=", 2)[0]).filter(fineTune::contains).distinct().toList();
        if (!settings.isEmpty()) {
            throw new IllegalArgumentException(String.join(", ", settings)
                    + (settings.size() == 1 ? " would" : " would each") + " change the run's result; resume goes on with"
                    + " the settings " + dir + "/run.json records (only --epochs and --max-steps may be raised; start a new"
                    + " fine-tune to change the others)");
        }
        throw new CommandLine.UnmatchedArgumentException(spec.commandLine(), others);
    }
}
