package dev.trainer;

import dev.trainer.config.DataConfig;
import dev.trainer.config.LoopConfig;
import dev.trainer.config.ModelConfig;
import dev.trainer.config.LrSchedule;
import dev.trainer.config.OptimizerConfig;
import dev.trainer.config.RecomputeMode;
import dev.trainer.config.RunConfig;
import dev.trainer.config.ScheduleConfig;
import dev.trainer.events.ConsoleListener;
import dev.trainer.events.TrainingListener;
import dev.trainer.kernels.NativeKernels;
import dev.trainer.run.CrossValidation;
import dev.trainer.run.DistributedJob;
import dev.trainer.run.FineTuneRun;
import dev.trainer.run.GradientDump;
import dev.trainer.run.RangeTest;
import dev.trainer.train.loop.Listeners;
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
 *
 * <p>Started by an MPI launcher ({@code mpirun -np N java ...}, {@code srun --mpi=pmix}), a run
 * trains data-parallel unless {@link dev.trainer.config.RuntimeConfig#distributed()} says
 * {@code none}: each process takes its share of every batch of {@code N} times the batch size, and
 * only rank 0 tells its listeners and writes the run folder. A failure on any rank of such a job
 * ends every rank: the failed rank prints one {@code trainer: error:} line and the job exits with
 * the command line's code, since the others could not go on without it; nothing is thrown. MPI
 * can be initialized once per process, so a process takes part in one such run.
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
        return configure(c -> c.with(loop(c.loop(), epochs, c.loop().batchSize(), c.loop().gradAccum(), c.loop().seed())));
    }

    /** Samples per batch. */
    public FineTuning batchSize(int batchSize) {
        return configure(c -> c.with(loop(c.loop(), c.loop().epochs(), batchSize, c.loop().gradAccum(), c.loop().seed())));
    }

    /**
     * Batches per optimizer step: their gradients are accumulated into the one gradient of all
     * their samples, so a step sees {@code batches × batchSize} samples while memory holds one batch.
     */
    public FineTuning gradientAccumulation(int batches) {
        return configure(c -> c.with(loop(c.loop(), c.loop().epochs(), c.loop().batchSize(), batches, c.loop().seed())));
    }

    /** The seed of shuffling, sampling, dropout, heads and augmentation. */
    public FineTuning seed(long seed) {
        return configure(c -> c.with(loop(c.loop(), c.loop().epochs(), c.loop().batchSize(), c.loop().gradAccum(), seed)));
    }

    private static LoopConfig loop(LoopConfig l, int epochs, int batchSize, int gradAccum, long seed) {
        return new LoopConfig(epochs, batchSize, gradAccum, l.maxSteps(), l.shuffle(), seed, l.evalEvery(), l.statsEvery());
    }

    /** The learning-rate schedule, e.g. {@code new LrSchedule.Cosine(0)} or {@code LrSchedule.parse("cosine")}. */
    public FineTuning schedule(LrSchedule schedule) {
        return configure(c -> c.with(new ScheduleConfig(schedule, c.schedule().warmup())));
    }

    /**
     * What the backward computes again rather than keeping from the forward: {@link RecomputeMode#SEGMENTS}
     * (activation checkpointing) when memory is the limit, for up to one more forward pass per step.
     */
    public FineTuning recompute(RecomputeMode mode) {
        return configure(c -> c.with(c.runtime().with(mode)));
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
        return FineTuningResult.of(DistributedJob.run(config, (c, ranks) -> new FineTuneRun(c, dir,
                NativeKernels.instance(), listeners, DataSources.sourceOf(train), DataSources.sourceOf(validation), ranks)
                .run()));
    }

    /**
     * Continues the run in {@code dir} (killed, interrupted, or finished and to be trained longer)
     * from its last good checkpoint, with the settings it recorded: the result is the one the run
     * would have reached uninterrupted. Only the length may grow ({@link Resume#epochs}).
     */
    public static Resume resume(Path dir) {
        return new Resume(dir);
    }

    /**
     * As {@link #run(Path)}, into a new temporary folder: of this process, so in a data-parallel
     * job give every rank the same folder with {@link #run(Path)} instead.
     */
    public FineTuningResult run() {
        try {
            return run(Files.createTempDirectory("trainer-run"));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a temporary run folder", e);
        }
    }

    /**
     * K-fold cross-validation: K fine-tunes into {@code dir/fold-k}, each validated on one
     * stratified fold of the training data; the summary goes to {@code dir/cv.json} and, as a
     * table, to the listeners. Under an MPI launcher the folds run in parallel, fold k on rank
     * (k - 1) mod N, and every rank returns the whole result.
     */
    public CrossValidationResult crossValidate(int folds, Path dir) {
        return CrossValidationResult.of(DistributedJob.run(config, (c, ranks) -> CrossValidation.run(c, dir, folds,
                NativeKernels.instance(), listeners, DataSources.sourceOf(train), ranks)));
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

    /**
     * The gradient of the loss on all of the training data as one batch, for every parameter that
     * would train in the first epoch, at the model's own values: the first step's forward and
     * backward, with Dropout inactive so that it is repeatable. Nothing is written; the listeners
     * hear what trainer found in the model.
     *
     * @throws ModelException, DataException, IllegalArgumentException for bad input
     */
    public Gradients gradients() {
        ModelConfig m = config.model();
        RunConfig eval = config.with(new ModelConfig(m.file(), m.output(), m.head(), m.replaceHead(), false, m.traps()));
        Listeners events = new Listeners(listeners);
        return new Gradients(GradientDump.compute(eval, DataSources.sourceOf(train), NativeKernels.instance(),
                events::note));
    }
}
