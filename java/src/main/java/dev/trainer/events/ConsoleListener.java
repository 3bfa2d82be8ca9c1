package dev.trainer.events;

import java.io.PrintStream;

/**
 * Prints a run for a person: its notes, a line per epoch (and one for the validation before
 * training), and the diagnosis at the end; on an interactive terminal also a progress bar for
 * the current epoch. The command line attaches one; a library user gets nothing printed unless
 * they attach one too.
 */
public final class ConsoleListener implements TrainingListener {

    private final PrintStream out;
    private final ProgressBar progress;
    private long epochStart;

    /**
     * @param out      where the lines go
     * @param progress where the progress bar is drawn, or {@code null} for none
     */
    public ConsoleListener(PrintStream out, PrintStream progress) {
        this.out = out;
        this.progress = progress == null ? null : new ProgressBar(progress);
    }

    /** Lines to standard output, and the progress bar to standard error when a person is watching a terminal. */
    public static ConsoleListener standard() {
        boolean interactive = System.console() != null && System.console().isTerminal();
        return new ConsoleListener(System.out, interactive ? System.err : null);
    }

    @Override
    public void onEvent(TrainingEvent event, RunControl control) {
        switch (event) {
            case NoteEvent n -> out.println(n.text());
            case EpochStartEvent e -> {
                epochStart = System.nanoTime();
                if (progress != null) {
                    progress.startEpoch(e.epoch(), e.batches());
                }
            }
            case StepEvent s -> {
                if (progress != null) {
                    progress.step(s.loss(), s.lr(), s.samples());
                }
            }
            case EvaluationEvent e when e.epoch() == 0 && e.step() == 0 ->
                    out.println(line("before fine-tuning", Double.NaN, e.validation()));
            case EpochEvent e -> {
                if (progress != null) {
                    progress.clear();
                }
                String head = String.format("epoch %3d  train_loss %.4f", e.epoch(), e.trainLoss());
                out.println(line(head, e.trainAccuracy(), e.validation())
                        + String.format("  (%.1f s)", (System.nanoTime() - epochStart) / 1e9));
            }
            case DiagnosisEvent d -> {
                out.println();
                out.println(d.render());
            }
            default -> {
                // evaluations between epochs, layer statistics, checkpoints: metrics.jsonl keeps them
            }
        }
    }

    private static String line(String head, double trainAccuracy, Scores validation) {
        StringBuilder s = new StringBuilder(head);
        if (!Double.isNaN(trainAccuracy)) {
            s.append(String.format("  train_accuracy %.4f", trainAccuracy));
        }
        if (validation != null) {
            s.append(String.format("  val_loss %.4f", validation.loss()));
            if (validation.isClassification()) {
                s.append(String.format("  val_accuracy %.4f", validation.accuracy()));
            }
        }
        return s.toString();
    }
}
