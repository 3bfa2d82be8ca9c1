package dev.trainer.train.loop;

import java.nio.file.Path;

/**
 * The run's checkpoints as the loop sees them: the loop says when (every {@code --save-every}
 * steps or each epoch's end, and when it ends), the run says where and how, since neither the loop
 * nor the step writes files.
 */
public interface Checkpointing {

    /** No checkpoints: a run without a folder (the LR range test), or a test. */
    Checkpointing NONE = new Checkpointing() {
        @Override
        public Path save(LoopState.Snapshot loop) {
            return null;
        }

        @Override
        public LoopState.Snapshot restoreLast() {
            return null;
        }
    };

    /**
     * Saves the run as it is now: the step's parameters and optimizer state with this loop state.
     *
     * @return the file written, or {@code null} when nothing was
     */
    Path save(LoopState.Snapshot loop);

    /**
     * Puts the last checkpoint's parameters and optimizer state back into the step.
     *
     * @return its loop state, or {@code null} when there is no checkpoint to go back to
     */
    LoopState.Snapshot restoreLast();
}
