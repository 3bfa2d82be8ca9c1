package dev.trainer;

import dev.trainer.config.RunConfig;
import dev.trainer.events.DiagnosisEvent;
import dev.trainer.monitor.Diagnosis;
import dev.trainer.monitor.RunHistory;
import dev.trainer.monitor.RunPlot;
import dev.trainer.run.RunFolder;
import dev.trainer.run.RunRecord;
import java.nio.file.Files;
import java.nio.file.Path;

/** What a finished (or failed) run folder tells: its configuration, a diagnosis and a plot of its metrics. */
public final class Runs {

    private Runs() {
    }

    /**
     * The diagnosis of a run from its {@code metrics.jsonl}: the same one the run ended with.
     *
     * @throws IllegalArgumentException when the metrics are missing or malformed, naming the line
     */
    public static DiagnosisEvent diagnose(Path runDir) {
        return Diagnosis.of(RunHistory.read(metrics(runDir)));
    }

    /** Draws a run's curves into a PNG. */
    public static void plot(Path runDir, Path png) {
        RunPlot.write(RunHistory.read(metrics(runDir)), runDir.toAbsolutePath().getFileName().toString(), png);
    }

    /** A run folder's metrics file; a folder that is not a run is named as such rather than by the file it lacks. */
    private static Path metrics(Path runDir) {
        if (!Files.isDirectory(runDir)) {
            throw new IllegalArgumentException(runDir + " is not a folder; give a fine-tune's run folder (--out DIR)");
        }
        Path metrics = new RunFolder(runDir).metrics();
        if (!Files.exists(metrics)) {
            throw new IllegalArgumentException(runDir + " is not a run folder: it has no " + metrics.getFileName());
        }
        return metrics;
    }

    /**
     * The configuration a run was given, read back from its {@code run.json}: run it again with
     * {@link FineTuning#of(RunConfig)}.
     *
     * @throws IllegalArgumentException when run.json is missing or not a run record
     */
    public static RunConfig config(Path runDir) {
        return RunRecord.readConfig(new RunFolder(runDir).record());
    }
}
