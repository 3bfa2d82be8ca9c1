package dev.trainer.train;

import dev.trainer.data.ImageOptions;
import dev.trainer.data.normalize.Normalization;
import dev.trainer.train.params.FreezeOptions;
import java.nio.file.Path;
import java.util.List;

/**
 * Everything a fine-tune run needs, as the user gave it, grouped by concern.
 *
 * @param dropout whether the model's Dropout nodes are active in training steps
 */
public record TrainConfig(Path model, Path outDir, DataSettings data, LoopSettings loop, OptimizerSettings optimizer,
                          BalanceSettings balance, StoppingSettings stopping, FreezeOptions freezing, boolean dropout,
                          HeadSettings heads, TextSettings text) {

    /** The same run writing into another folder (a cross-validation fold). */
    public TrainConfig withOutDir(Path dir) {
        return new TrainConfig(model, dir, data, loop, optimizer, balance, stopping, freezing, dropout, heads, text);
    }

    /**
     * Where the examples come from and what the loss reads.
     *
     * @param validation validation data, or {@code null}
     * @param valSplit   fraction of the training data held out (stratified) when there is no validation file; 0 for none
     * @param output     the model output the loss reads, or {@code null} for the model's first output
     * @param normalize  per-feature scaling fitted on the training split and baked into the exported model, or {@code null}
     * @param images     how image folders and manifests become inputs
     */
    public record DataSettings(Path train, Path validation, double valSplit, String labelColumn, LossKind loss,
                               String output, Normalization.Method normalize, ImageOptions images) {
        public DataSettings {
            java.util.Objects.requireNonNull(images, "images");
            if (valSplit < 0 || valSplit >= 1) {
                throw new IllegalArgumentException("--val-split must be in [0, 1), got " + valSplit);
            }
            if (validation != null && valSplit > 0) {
                throw new IllegalArgumentException("give either --val or --val-split, not both");
            }
        }
    }

    /**
     * @param maxSteps  stop after this many steps even mid-epoch; 0 for no limit
     * @param evalEvery also validate every this many steps; 0 for once per epoch only
     * @param statsEvery record per-layer gradient and update statistics every this many steps; 0 for each epoch's end
     * @param threads   ONNX Runtime intra-op threads; 0 for its default
     */
    public record LoopSettings(int epochs, int batchSize, long maxSteps, boolean shuffle, long seed, long evalEvery,
                               long statsEvery, int threads) {
        public LoopSettings {
            if (epochs < 1) {
                throw new IllegalArgumentException("--epochs must be at least 1, got " + epochs);
            }
            if (batchSize < 1) {
                throw new IllegalArgumentException("--batch-size must be at least 1, got " + batchSize);
            }
            if (maxSteps < 0 || evalEvery < 0 || statsEvery < 0) {
                throw new IllegalArgumentException("--max-steps, --eval-every and --stats-every must be >= 0");
            }
        }
    }

    /**
     * @param schedule     learning-rate schedule spec (see ScheduleSpec), {@code constant} by default
     * @param warmupSteps  linear warm-up steps, or 0
     * @param warmupRatio  warm-up as a fraction of all steps, or 0
     * @param maxGradNorm  clip the global gradient norm to this; 0 for no clipping
     * @param lrGroups     {@code PATTERN=LR} or {@code PATTERN=xFACTOR} per parameter group
     * @param layerDecay   layer-wise learning-rate decay per layer group below the top; 1 for none
     * @param l1           {@code X} or {@code PATTERN=X} L1 penalties
     * @param l2           {@code X} or {@code PATTERN=X} L2 penalties
     * @param regularizeAll decay and penalize biases and normalization parameters too
     */
    public record OptimizerSettings(OptimizerKind kind, double learningRate, double momentum, double weightDecay,
                                    double maxGradNorm, String schedule, long warmupSteps, double warmupRatio,
                                    List<String> lrGroups, double layerDecay, List<String> l1, List<String> l2,
                                    boolean regularizeAll) {
        public OptimizerSettings {
            if (!(learningRate > 0) || Double.isInfinite(learningRate)) {
                throw new IllegalArgumentException("--lr must be a positive number, got " + learningRate);
            }
            if (weightDecay < 0 || maxGradNorm < 0 || momentum < 0 || momentum >= 1) {
                throw new IllegalArgumentException("--weight-decay and --max-grad-norm must be >= 0, --momentum in [0, 1)");
            }
            lrGroups = List.copyOf(lrGroups);
            l1 = List.copyOf(l1);
            l2 = List.copyOf(l2);
        }
    }

    /**
     * Remedies for class imbalance; each {@code null} or 0 when off.
     *
     * @param classWeights {@code auto|inverse|effective:BETA|w0,w1,...}
     * @param sampler      {@code balanced|oversample|undersample}
     * @param augment      the {@code --augment} items (see {@link dev.trainer.data.augment.AugmentSpec}), or {@code null}
     * @param mixup        Beta(alpha, alpha) mixing of float inputs; 0 for none
     */
    public record BalanceSettings(String classWeights, String sampler, String augment, double mixup) {
        public static final BalanceSettings NONE = new BalanceSettings(null, null, null, 0);

        public BalanceSettings {
            if (mixup < 0) {
                throw new IllegalArgumentException("--mixup alpha must be >= 0, got " + mixup);
            }
        }
    }

    /**
     * Early stopping on a validation metric; the best checkpoint is restored and exported.
     *
     * @param patience evaluations without improvement before stopping; 0 turns early stopping off
     * @param metric   {@code val_loss} or {@code val_accuracy}
     * @param minDelta how much better counts as an improvement
     */
    public record StoppingSettings(int patience, String metric, double minDelta) {
        public static final StoppingSettings NONE = new StoppingSettings(0, "val_loss", 0);

        public StoppingSettings {
            if (patience < 0 || minDelta < 0) {
                throw new IllegalArgumentException("--early-stopping-patience and --min-delta must be >= 0");
            }
            if (!metric.equals("val_loss") && !metric.equals("val_accuracy")) {
                throw new IllegalArgumentException("--early-stopping-metric must be val_loss or val_accuracy, got " + metric);
            }
        }

        public boolean enabled() {
            return patience > 0;
        }

        public boolean lowerIsBetter() {
            return metric.equals("val_loss");
        }
    }
}
