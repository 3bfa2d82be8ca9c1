package dev.trainer;

/** Training ran but could not produce a usable model (e.g. the loss diverged); exit code 1. */
public class TrainingFailedException extends RuntimeException {

    /** @param message what went wrong and what to try, one line */
    public TrainingFailedException(String message) {
        super(OneLine.of(message));
    }
}
