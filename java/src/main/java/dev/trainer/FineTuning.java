package dev.trainer;

import dev.trainer.config.DataConfig;
import dev.trainer.config.LoopConfig;
import dev.trainer.config.LrSchedule;
import dev.trainer.config.OptimizerConfig;
import dev.trainer.config.RunConfig;
import dev.trainer.config.ScheduleConfig;
import dev.trainer.events.ConsoleListener;
import dev.trainer.events.TrainingListener;
import dev.trainer.kernels.NativeKernels;
import dev.trainer.run.CrossValidation;
import dev.trainer.run.FineTuneRun;
import dev.trainer.run.RangeTest;
import dev.trainer.train.loop.SampleSource;
import dev.trainer.train.schedule.LearningRateFinder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * Fine-tunes an ONNX model: a builder over a {@link RunConfig}, then {@link #run(Path)}.
 *
 * <pre>{@code
 * FineTuningResult result = FineTuning.of(Path.of("models/digits/model.onnx"))
 *         .train(Data.file(Path.of("models/digits/train.csv")))
 *         .validate(Data.file(Path.of("models/digits/val.csv")))
 *         .optimizer(Optimizers.adam(0.003))
 *         .epochs(5)
 *         .run(Path.of("runs/digits"));
 * }</pre>
 *
 * The configuration is checked as it is built (an {@link IllegalArgumentException} names the bad
 * setting); the model and data are read when the run starts. Nothing is printed unless a listener
 * prints ({@link #console()}). A builder is not thread-safe; each {@code run} is independent.
 */
public final class FineTuning {

    private RunConfig config;
    private Data.InMemory train;
    private Data.InMemory validation;
    private final List<TrainingListener> listeners = new ArrayList<>();

    private FineTuning(RunConfig config) {
        this.config = config;
    }

    /** Fine-tunes the model file with every setting at its default. */
    public static FineTuning of(Path model) {
        return new FineTuning(RunConfig.defaults(model));
    }

    /** Fine-tunes as a whole configuration says (the command line's, or one read back from a run.json). */
    public static FineTuning of(RunConfig config) {
        return new FineTuning(config);
    }

    /** Trains on these examples. */
    public FineTuning train(Data data) {
        train = data instanceof Data.InMemory rows ? rows : null;
        return configure(c -> c.with(withFiles(c.data(), data instanceof Data.FromFile f ? f.path() : null,
                c.data().validation())));
    }

    /** Validates on these examples after every epoch (and scores the exported model on them). */
    public FineTuning validate(Data data) {
        validation = data instanceof Data.InMemory rows ? rows : null;
        return configure(c -> c.with(withFiles(c.data(), c.data().train(),
                data instanceof Data.FromFile f ? f.path() : null)));
    }

    private static DataConfig withFiles(DataConfig d, Path trainFile, Path validationFile) {
        return new DataConfig(trainFile, validationFile, d.valSplit(), d.labelColumn(), d.sampleWeights(), d.normalize());
    }

    /** The optimizer, e.g. {@code Optimizers.adamW(5e-5)}. */
    public FineTuning optimizer(OptimizerConfig optimizer) {
        return configure(c -> c.with(optimizer));
    }

    /** Passes over the training data. */
    public FineTuning epochs(int epochs) {
        return configure(c -> c.with(loop(c.loop(), epochs, c.loop().batchSize(), c.loop().seed())));
    }

    /** Samples per step. */
    public FineTuning batchSize(int batchSize) {
        return configure(c -> c.with(loop(c.loop(), c.loop().epochs(), batchSize, c.loop().seed())));
    }

    /** The seed of shuffling, sampling, dropout, heads and augmentation. */
    public FineTuning seed(long seed) {
        return configure(c -> c.with(loop(c.loop(), c.loop().epochs(), c.loop().batchSize(), seed)));
    }

    private static LoopConfig loop(LoopConfig l, int epochs, int batchSize, long seed) {
        return new LoopConfig(epochs, batchSize, l.maxSteps(), l.shuffle(), seed, l.evalEvery(), l.statsEvery());
    }

    /** The learning-rate schedule, e.g. {@code new LrSchedule.Cosine(0)} or {@code LrSchedule.parse("cosine")}. */
    public FineTuning schedule(LrSchedule schedule) {
        return configure(c -> c.with(new ScheduleConfig(schedule, c.schedule().warmup())));
    }

    /** Any other change to the configuration, e.g. {@code c -> c.with(new StoppingConfig(3, VAL_LOSS, 0))}. */
    public FineTuning configure(UnaryOperator<RunConfig> change) {
        config = change.apply(config);
        return this;
    }

    /** Hears every event of the run, the records metrics.jsonl holds; may stop the run. */
    public FineTuning listener(TrainingListener listener) {
        listeners.add(listener);
        return this;
    }

    /** Prints the run as the command line does: notes, a line per epoch, the diagnosis. */
    public FineTuning console() {
        return listener(ConsoleListener.standard());
    }

    /** The configuration as built so far. */
    public RunConfig config() {
        return config;
    }

    /**
     * Runs the fine-tune into {@code dir}, which must not exist or be empty: it then holds
     * {@code model.onnx}, {@code run.json}, {@code metrics.jsonl}, {@code training.png}, the
     * training graphs ({@code artifacts/}) and checkpoints ({@code checkpoints/}). A listener's
     * {@link dev.trainer.events.RunControl#interrupt} ends it with a checkpoint and no model
     * ({@link RunStatus#INTERRUPTED}), to be {@link #resume resumed}.
     *
     * @throws ModelException, DataException, IllegalArgumentException for bad input, before anything is written
     * @throws TrainingFailedException when training goes wrong (the loss diverged); the folder then
     *         holds the metrics, diagnosis and plot of what happened
     */
    public FineTuningResult run(Path dir) {
        return FineTuningResult.of(new FineTuneRun(config, dir, NativeKernels.instance(), listeners,
                DataSources.sourceOf(train), DataSources.sourceOf(validation)).run());
    }

    /**
     * Continues the run in {@code dir} (killed, interrupted, or finished and to be trained longer)
     * from its last good checkpoint, with the settings it recorded: the result is the one the run
     * would have reached uninterrupted. Only the length may grow ({@link Resume#epochs}).
     */
    public static Resume resume(Path dir) {
        return new Resume(dir);
    }

    /** As {@link #run(Path)}, into a new temporary folder. */
    public FineTuningResult run() {
        try {
            return run(Files.createTempDirectory("trainer-run"));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a temporary run folder", e);
        }
    }

    /**
     * K-fold cross-validation: K fine-tunes into {@code dir/fold-k}, each validated on one
     * stratified fold of the training data; the summary also goes to {@code dir/cv.json}.
     */
    public CrossValidationResult crossValidate(int folds, Path dir) {
        return CrossValidationResult.of(CrossValidation.run(config, dir, folds, NativeKernels.instance(), listeners,
                DataSources.sourceOf(train)));
    }

    /**
     * The learning-rate range test: {@code steps} steps with a rate growing exponentially from
     * {@code minLr} to {@code maxLr} on a throwaway copy of the parameters, and the rate it suggests.
     */
    public LearningRateFinding findLearningRate(double minLr, double maxLr, int steps) {
        SampleSource data = DataSources.sourceOf(train);
        return new LearningRateFinding(RangeTest.run(config, new LearningRateFinder(minLr, maxLr, steps),
                NativeKernels.instance(), listeners, data));
    }
}
