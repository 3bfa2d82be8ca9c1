package dev.trainer.cli;

import dev.trainer.data.ImageOptions;
import dev.trainer.data.image.ImageNormalization;
import dev.trainer.data.normalize.Normalization;
import dev.trainer.heads.HeadSpec;
import dev.trainer.train.HeadSettings;
import dev.trainer.train.LossKind;
import dev.trainer.train.TextSettings;
import dev.trainer.train.OptimizerKind;
import dev.trainer.train.TrainConfig;
import dev.trainer.train.params.FreezeOptions;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Option;

/** The options of a training run, shared by fine-tune, cv and lr-find. */
final class TrainingOptions {

    @ArgGroup(validate = false, heading = "%nModel and data:%n", order = 1)
    Data data = new Data();

    @ArgGroup(validate = false, heading = "%nTraining loop:%n", order = 2)
    Loop loop = new Loop();

    @ArgGroup(validate = false, heading = "%nOptimizer and learning rate:%n", order = 3)
    Optimization optimization = new Optimization();

    @ArgGroup(validate = false, heading = "%nClass imbalance:%n", order = 4)
    Balance balance = new Balance();

    @ArgGroup(validate = false, heading = "%nOver- and underfitting:%n", order = 5)
    Stopping stopping = new Stopping();

    @ArgGroup(validate = false, heading = "%nPre-trained layers:%n", order = 6)
    Freezing freezing = new Freezing();

    @ArgGroup(validate = false, heading = "%nHeads and text:%n", order = 7)
    Text text = new Text();

    @ArgGroup(validate = false, heading = "%nImages (a folder DIR/CLASS/*.png|jpg|jpeg|bmp|gif, or a path,label manifest):%n",
            order = 8)
    Images images = new Images();

    static final class Images {
        @Option(names = "--image-size", paramLabel = "N|HxW",
                description = "Size images are resized to when the model's input size is dynamic.")
        String size;

        @Option(names = "--image-normalize", paramLabel = "imagenet|none|MEAN,STD",
                description = "Per-channel normalization after scaling to [0, 1] (default: none); baked into the exported model.")
        String normalize;

        @Option(names = "--image-mean", paramLabel = "M[,M,M]", description = "Per-channel means (with --image-std).")
        String mean;

        @Option(names = "--image-std", paramLabel = "S[,S,S]", description = "Per-channel standard deviations (with --image-mean).")
        String std;

        @Option(names = "--skip-bad-images", description = "Leave out (and count) images that cannot be decoded.")
        boolean skipBad;

        ImageOptions toOptions() {
            if ((mean == null) != (std == null)) {
                throw new IllegalArgumentException("give --image-mean and --image-std together");
            }
            if (mean != null && normalize != null) {
                throw new IllegalArgumentException("give either --image-normalize or --image-mean/--image-std, not both");
            }
            ImageNormalization normalization = mean != null ? ImageNormalization.of(mean, std)
                    : normalize != null ? ImageNormalization.parse(normalize) : ImageNormalization.NONE;
            return new ImageOptions(size == null ? null : ImageOptions.parseSize(size), normalization, skipBad, null,
                    ImageOptions.DEFAULT.threads());
        }
    }

    static final class Text {
        @Option(names = "--head", paramLabel = "classify:N[:pool=mean|cls]",
                description = "Attach pooling and a new N-class linear layer to a backbone's [batch, seq, hidden] output.")
        String head;

        @Option(names = "--replace-head", defaultValue = "0", paramLabel = "N",
                description = "Re-initialise the model's last linear classifier for N classes.")
        int replaceHead;

        @Option(names = "--tokenizer", paramLabel = "tokenizer.json",
                description = "HuggingFace tokenizer for .jsonl text (default: tokenizer.json beside the model).")
        Path tokenizer;

        @Option(names = "--max-length", defaultValue = "128", paramLabel = "L",
                description = "Longest token sequence kept; longer texts are truncated (default: ${DEFAULT-VALUE}).")
        int maxLength;
    }

    static final class Data {
        @Option(names = "--model", required = true, paramLabel = "M.onnx", description = "The ONNX model to fine-tune.")
        Path model;

        @Option(names = "--train", required = true, paramLabel = "DATA", description = "Training data: .csv, .npz, .jsonl (text) or an image folder.")
        Path train;

        @Option(names = "--val", paramLabel = "DATA", description = "Validation data, evaluated after every epoch.")
        Path validation;

        @Option(names = "--val-split", defaultValue = "0", paramLabel = "F",
                description = "Hold out this fraction of --train (stratified) for validation when there is no --val.")
        double valSplit;

        @Option(names = "--loss", defaultValue = "cross-entropy", converter = Converters.Loss.class,
                description = "cross-entropy (classes) or mse (values) (default: ${DEFAULT-VALUE}).")
        LossKind loss;

        @Option(names = "--output", paramLabel = "NAME", description = "The model output the loss reads (default: the first).")
        String output;

        @Option(names = "--label-column", defaultValue = "label", description = "CSV column holding the labels (default: ${DEFAULT-VALUE}).")
        String labelColumn;

        @Option(names = "--normalize", paramLabel = "standard|minmax",
                description = "Scale float features with training-split statistics, baked into the exported model.")
        String normalize;
    }

    static final class Loop {
        @Option(names = "--epochs", defaultValue = "5", description = "Passes over the training data (default: ${DEFAULT-VALUE}).")
        int epochs;

        @Option(names = "--batch-size", defaultValue = "32", description = "Samples per step (default: ${DEFAULT-VALUE}).")
        int batchSize;

        @Option(names = "--max-steps", defaultValue = "0", description = "Stop after this many steps (0: no limit).")
        long maxSteps;

        @Option(names = "--no-shuffle", description = "Keep the data's order in every epoch.")
        boolean noShuffle;

        @Option(names = "--seed", defaultValue = "42", description = "Seed for shuffling, sampling, dropout and augmentation (default: ${DEFAULT-VALUE}).")
        long seed;

        @Option(names = "--eval-every", defaultValue = "0", paramLabel = "N", description = "Also validate every N steps (0: each epoch).")
        long evalEvery;

        @Option(names = "--stats-every", defaultValue = "0", paramLabel = "N",
                description = "Record per-layer gradient and update statistics every N steps (0: each epoch's end).")
        long statsEvery;

        @Option(names = "--no-dropout", description = "Keep the model's Dropout nodes inactive in training.")
        boolean noDropout;

        @Option(names = "--threads", defaultValue = "0", paramLabel = "N",
                description = "ONNX Runtime threads per op (0: one per core). Small models often step faster on 1.")
        int threads;
    }

    static final class Optimization {
        @Option(names = "--optimizer", defaultValue = "adam", converter = Converters.Optimizer.class,
                description = "sgd, momentum, adam or adamw (default: ${DEFAULT-VALUE}).")
        OptimizerKind optimizer;

        @Option(names = "--lr", defaultValue = "0.001", description = "Learning rate (default: ${DEFAULT-VALUE}).")
        double lr;

        @Option(names = "--momentum", defaultValue = "0.9", description = "Momentum of --optimizer momentum (default: ${DEFAULT-VALUE}).")
        double momentum;

        @Option(names = "--weight-decay", defaultValue = "0", description = "Weight decay (L2 for sgd/adam, decoupled for adamw).")
        double weightDecay;

        @Option(names = "--max-grad-norm", defaultValue = "0", description = "Clip the global gradient norm to this (0: off).")
        double maxGradNorm;

        @Option(names = "--lr-schedule", defaultValue = "constant", paramLabel = "SPEC",
                description = "constant | step:N[:GAMMA] | exponential:GAMMA | cosine[:MIN] | cosine-restarts:T0[:MULT[:MIN]]"
                        + " | one-cycle[:MAX] | plateau[:FACTOR[:PATIENCE]] (default: ${DEFAULT-VALUE}).")
        String schedule;

        @Option(names = "--warmup-steps", defaultValue = "0", description = "Linear warm-up over this many steps.")
        long warmupSteps;

        @Option(names = "--warmup-ratio", defaultValue = "0", description = "Linear warm-up over this fraction of all steps.")
        double warmupRatio;

        @Option(names = "--lr-group", paramLabel = "PATTERN=LR|xF",
                description = "Learning rate (or multiplier xF) for parameters matching PATTERN; repeatable.")
        List<String> lrGroups = new ArrayList<>();

        @Option(names = "--layer-decay", defaultValue = "1", paramLabel = "F",
                description = "Layer-wise learning-rate decay: each layer group below the top trains at F times the one above.")
        double layerDecay;

        @Option(names = "--l1", paramLabel = "X|PATTERN=X", description = "L1 penalty, for all or matching parameters; repeatable.")
        List<String> l1 = new ArrayList<>();

        @Option(names = "--l2", paramLabel = "X|PATTERN=X", description = "L2 penalty, for all or matching parameters; repeatable.")
        List<String> l2 = new ArrayList<>();

        @Option(names = "--regularize-all", description = "Also decay and penalize biases and normalization parameters.")
        boolean regularizeAll;
    }

    static final class Balance {
        @Option(names = "--class-weights", paramLabel = "auto|inverse|effective:BETA|w0,w1,..", description = "Weight the loss per class.")
        String classWeights;

        @Option(names = "--sampler", paramLabel = "balanced|oversample|undersample", description = "Draw batches to balance the classes.")
        String sampler;

        @Option(names = "--augment", paramLabel = "ITEM,..", description = "smote[:K]: synthetic minority examples (tabular);"
                + " flip, crop[:PAD], rotate:DEG, color:J, erase:P: seeded image augmentation.")
        String augment;

        @Option(names = "--mixup", defaultValue = "0", paramLabel = "ALPHA", description = "Mix pairs of examples, lambda ~ Beta(ALPHA, ALPHA).")
        double mixup;
    }

    static final class Stopping {
        @Option(names = "--early-stopping-patience", defaultValue = "0", paramLabel = "N",
                description = "Stop after N validations without improvement and export the best checkpoint (0: off).")
        int patience;

        @Option(names = "--early-stopping-metric", defaultValue = "val_loss", paramLabel = "val_loss|val_accuracy")
        String metric;

        @Option(names = "--min-delta", defaultValue = "0", description = "Smallest change that counts as an improvement.")
        double minDelta;
    }

    static final class Freezing {
        @Option(names = "--freeze", arity = "1..*", paramLabel = "PATTERN", description = "Freeze parameters matching these globs.")
        List<String> freeze = new ArrayList<>();

        @Option(names = "--train-only", arity = "1..*", paramLabel = "PATTERN", description = "Train only parameters matching these globs.")
        List<String> trainOnly = new ArrayList<>();

        @Option(names = "--freeze-bottom", defaultValue = "0", paramLabel = "N", description = "Freeze the N lowest layer groups.")
        int freezeBottom;

        @Option(names = "--unfreeze-every", defaultValue = "0", paramLabel = "E",
                description = "Gradual unfreezing: start with the top group, unfreeze one more every E epochs.")
        int unfreezeEvery;
    }

    /** The run's configuration, writing into {@code outDir}. */
    TrainConfig toConfig(Path outDir) {
        var d = new TrainConfig.DataSettings(data.train, data.validation, data.valSplit, data.labelColumn, data.loss,
                data.output, data.normalize == null ? null : Normalization.Method.parse(data.normalize), images.toOptions());
        var l = new TrainConfig.LoopSettings(loop.epochs, loop.batchSize, loop.maxSteps, !loop.noShuffle, loop.seed,
                loop.evalEvery, loop.statsEvery, loop.threads);
        var o = new TrainConfig.OptimizerSettings(optimization.optimizer, optimization.lr, optimization.momentum,
                optimization.weightDecay, optimization.maxGradNorm, optimization.schedule, optimization.warmupSteps,
                optimization.warmupRatio, optimization.lrGroups, optimization.layerDecay, optimization.l1, optimization.l2,
                optimization.regularizeAll);
        var b = new TrainConfig.BalanceSettings(balance.classWeights, balance.sampler, balance.augment, balance.mixup);
        var s = new TrainConfig.StoppingSettings(stopping.patience, stopping.metric, stopping.minDelta);
        var f = new FreezeOptions(freezing.freeze, freezing.trainOnly, freezing.freezeBottom, freezing.unfreezeEvery);
        var h = new HeadSettings(text.head == null ? null : HeadSpec.parse(text.head), text.replaceHead);
        return new TrainConfig(data.model, outDir, d, l, o, b, s, f, !loop.noDropout, h,
                new TextSettings(text.tokenizer, text.maxLength));
    }
}
