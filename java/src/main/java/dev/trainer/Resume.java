package dev.trainer;

import dev.trainer.events.ConsoleListener;
import dev.trainer.events.TrainingListener;
import dev.trainer.kernels.NativeKernels;
import dev.trainer.run.FineTuneRun;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Continues a run folder from its last good checkpoint ({@link FineTuning#resume}): the settings
 * are the ones it recorded, so that the result is what the run would have reached uninterrupted
 * (bit for bit on the same machine and thread count). Only its length may grow.
 *
 * <pre>{@code
 * FineTuningResult result = FineTuning.resume(Path.of("runs/digits")).epochs(10).run();
 * }</pre>
 */
public final class Resume {

    private final Path dir;
    private Integer epochs;
    private Long maxSteps;
    private final List<TrainingListener> listeners = new ArrayList<>();

    Resume(Path dir) {
        this.dir = dir;
    }

    /** Trains to this many epochs in all, at least the run's own. */
    public Resume epochs(int epochs) {
        this.epochs = epochs;
        return this;
    }

    /** Raises the run's step limit (0 lifts it). */
    public Resume maxSteps(long maxSteps) {
        this.maxSteps = maxSteps;
        return this;
    }

    /** Hears every event of the resumed part of the run; may stop or interrupt it. */
    public Resume listener(TrainingListener listener) {
        listeners.add(listener);
        return this;
    }

    /** Prints the run as the command line does. */
    public Resume console() {
        return listener(ConsoleListener.standard());
    }

    /**
     * Locks the folder, checks that its checkpoint belongs to its model, settings and data as they
     * are now, and trains on to the end, exporting the model as a fine-tune does.
     *
     * @throws CheckpointException when the folder cannot be resumed, naming why in one line
     * @throws IllegalArgumentException for an epoch count or step limit below the run's
     * @throws TrainingFailedException when training goes wrong
     */
    public FineTuningResult run() {
        return FineTuningResult.of(FineTuneRun.resume(dir, epochs, maxSteps, NativeKernels.instance(), listeners).run());
    }
}
