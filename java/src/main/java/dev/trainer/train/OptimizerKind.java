package dev.trainer.train;

/** The update rules trainer offers; {@code SGD} is plain gradient descent. */
public enum OptimizerKind {
    SGD, MOMENTUM, ADAM, ADAMW;

    public String cliName() {
        return name().toLowerCase();
    }
}
