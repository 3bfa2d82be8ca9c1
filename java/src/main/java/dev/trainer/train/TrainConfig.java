package dev.trainer.train;

import java.nio.file.Path;

/**
 * Everything a fine-tune run needs, as the user gave it.
 *
 * @param validation  validation data, or {@code null} for none
 * @param output      the model output the loss reads, or {@code null} for the model's first output
 * @param maxSteps    stop after this many steps even mid-epoch; 0 for no limit
 * @param momentum    for the momentum optimizer (PyTorch's SGD momentum)
 * @param maxGradNorm clip the global gradient norm to this; 0 for no clipping
 */
public record TrainConfig(Path model, Path train, Path validation, Path outDir, int epochs, int batchSize,
                          double learningRate, OptimizerKind optimizer, double weightDecay, double momentum,
                          double maxGradNorm, boolean shuffle, long seed, long maxSteps, LossKind loss,
                          String output, String labelColumn) {

    public TrainConfig {
        if (epochs < 1) {
            throw new IllegalArgumentException("--epochs must be at least 1, got " + epochs);
        }
        if (batchSize < 1) {
            throw new IllegalArgumentException("--batch-size must be at least 1, got " + batchSize);
        }
        if (!(learningRate > 0) || Double.isInfinite(learningRate)) {
            throw new IllegalArgumentException("--lr must be a positive number, got " + learningRate);
        }
        if (weightDecay < 0 || maxGradNorm < 0 || momentum < 0 || momentum >= 1 || maxSteps < 0) {
            throw new IllegalArgumentException("--weight-decay, --max-grad-norm and --max-steps must be >= 0, momentum in [0, 1)");
        }
    }
}
