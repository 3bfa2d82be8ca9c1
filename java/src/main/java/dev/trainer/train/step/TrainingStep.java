package dev.trainer.train.step;

import dev.trainer.config.OptimizerConfig;
import dev.trainer.config.RunConfig;
import dev.trainer.data.Batch;
import dev.trainer.data.augment.Mix;
import dev.trainer.distributed.Collective;
import dev.trainer.distributed.SingleProcess;
import dev.trainer.events.LayersEvent;
import dev.trainer.kernels.Kernels;
import dev.trainer.monitor.LayerStatistics;
import dev.trainer.monitor.ValueSnapshot;
import dev.trainer.runtime.ParameterBuffer;
import dev.trainer.runtime.PlacedParameters;
import dev.trainer.runtime.TrainingPlan;
import dev.trainer.runtime.TrainingRuntime;
import dev.trainer.runtime.TrainingSession;
import dev.trainer.train.optim.GroupedOptimizer;
import java.util.List;
import java.util.Map;

/**
 * One training step, the only place one is written: fine-tune, the LR range test, cross-validation
 * and the step benchmarks all run this. It owns the graphs' session (behind the
 * {@link TrainingRuntime} seam), the loss, gradient clipping, the optimizer with its per-parameter
 * penalties, and the statistics snapshot. A step runs in phases, each public:
 *
 * <ol>
 *   <li>{@link #zeroGradients}, then {@link #accumulate} per batch of the step's window (one
 *       batch, or {@code --grad-accum} of them): forward, loss and backward, the gradient landing
 *       in the flat gradient buffer; over several batches a {@link GradientAccumulator} keeps
 *       their mean weighted by each batch's {@link BatchLoss#weight()};</li>
 *   <li>{@link #reduceGradients()}: the window's gradient back in the buffer, then the
 *       {@link GradientReducer}: one process has nothing to do; the ranks of a data-parallel job
 *       make their gradients the whole global batch's ({@link GlobalGradient});</li>
 *   <li>the non-finite check on the loss, then {@link #clipGradients()};</li>
 *   <li>{@link #apply}: L1/L2 penalties and the optimizer update in place.</li>
 * </ol>
 * {@link #run} does them all. The optimizer's state (moments, step counts) can be read and put back
 * ({@link #optimizerState()}, {@link #restoreOptimizerState}).
 *
 * <p>Every phase computes where the runtime keeps the buffers ({@link dev.trainer.runtime.Placement}),
 * with the kernels for that memory: the same code on the host and on a GPU. On a GPU only the
 * batch goes in and the loss, the accuracy's hits and the gradient norm (when clipping) come back
 * per step, plus the penalties with L1/L2 and the statistics when asked for; {@link #parameters()}
 * is the host copy, brought up to date when read (checkpoints, early stopping's best, export).
 *
 * <p>Owns native memory, sessions and the runtime: close it when done.
 */
public final class TrainingStep implements AutoCloseable {

    /** Micro-batches one step may accumulate before its random draws would run into the next step's. */
    private static final long MAX_BATCHES_PER_STEP = 1 << 20;

    private final TrainingModel model;
    private final RunConfig config;
    private final Kernels kernels;
    private final TrainingRuntime runtime;
    /** The job's ranks over the placement's memory: the job's own on the host, NCCL over them on a GPU. */
    private final Collective placedRanks;
    private final boolean ownsPlacedRanks;
    private final GradientReducer reducer;
    private final GradientAccumulator accumulator;
    private final long dropoutSeed;
    private Loss loss;
    private TrainingSession session;
    private GroupedOptimizer optimizer;
    private ValueSnapshot snapshot;
    /** What this process's batches of the step made of their samples so far; NONE before the first. */
    private BatchLoss local = BatchLoss.NONE;
    /** The step running, 1-based, and the batches it has accumulated: they number its random draws. */
    private long stepNumber;
    private int batchesInStep;

    private TrainingStep(TrainingModel model, RunConfig config, TrainingRuntime runtime, Collective ranks,
                         Collective placedRanks) {
        this.model = model;
        this.config = config;
        this.runtime = runtime;
        this.kernels = runtime.placement().kernels();
        this.placedRanks = placedRanks;
        this.ownsPlacedRanks = placedRanks != ranks;
        this.reducer = ranks.size() == 1 ? GradientReducer.LOCAL : new GlobalGradient(placedRanks, runtime.placement());
        this.accumulator = new GradientAccumulator(runtime.placement());
        // each rank draws its own Dropout masks for its own samples; rank 0 draws what a single process would
        this.dropoutSeed = config.loop().seed() + ranks.rank();
    }

    /**
     * Opens the step for the parameters trainable in the first epoch, on the configured device, in one process.
     *
     * @param hostKernels the kernels on the host; a GPU runs its own
     * @throws IllegalArgumentException for a device this machine cannot train on, naming what is missing
     */
    public static TrainingStep open(TrainingModel model, RunConfig config, Kernels hostKernels) {
        return open(model, config, hostKernels, new SingleProcess());
    }

    /**
     * Opens the step as one rank of a data-parallel job: its gradients are summed over the ranks
     * before clipping ({@link GlobalGradient}), by {@code ranks} on the host and by NCCL over them
     * on a GPU. The ranks must step together: every rank opens the step, and runs
     * {@link #reduceGradients()} in every step, with or without samples of its own.
     *
     * @throws IllegalArgumentException for a device this machine cannot train on
     * @throws dev.trainer.distributed.CollectiveException in one line when a GPU in a job of
     *                                                      several ranks finds no NCCL
     */
    public static TrainingStep open(TrainingModel model, RunConfig config, Kernels hostKernels, Collective ranks) {
        return open(model, config, hostKernels, ranks, 1);
    }

    /**
     * As {@link #open(TrainingModel, RunConfig, Kernels, Collective)}, for the parameters trainable
     * in {@code epoch} (gradual unfreezing): a resumed run opens it for its checkpoint's epoch.
     */
    public static TrainingStep open(TrainingModel model, RunConfig config, Kernels hostKernels, Collective ranks,
                                    int epoch) {
        return open(model, config, TrainingRuntime.of(config.runtime(), hostKernels), ranks, epoch);
    }

    /** As {@link #open(TrainingModel, RunConfig, Kernels)} on a given runtime, which the step then owns. */
    public static TrainingStep open(TrainingModel model, RunConfig config, TrainingRuntime runtime) {
        return open(model, config, runtime, new SingleProcess(), 1);
    }

    private static TrainingStep open(TrainingModel model, RunConfig config, TrainingRuntime runtime, Collective ranks,
                                     int epoch) {
        Collective placedRanks;
        try {
            placedRanks = GradientCollectives.open(ranks, runtime.placement(), System.getenv());
        } catch (RuntimeException e) {
            runtime.close();
            throw e;
        }
        TrainingStep step = new TrainingStep(model, config, runtime, ranks, placedRanks);
        try {
            step.loss = new Loss(config.loss(), runtime.placement(), null);
            step.session = runtime.open(step.plan(model.selection().trainableAt(epoch)), config.runtime().threads());
            step.optimizer = step.newOptimizer();
            return step;
        } catch (RuntimeException e) {
            step.close();
            throw e;
        }
    }

    private TrainingPlan plan(List<String> trainable) {
        return TrainingPlan.of(model.trained(), trainable, model.output(), config.model().dropout(), dropoutSeed,
                config.runtime().recompute());
    }

    private GroupedOptimizer newOptimizer() {
        OptimizerConfig o = config.optimizer();
        return new GroupedOptimizer(o.kind(), session.placed(), model.groups().settings(session.graphs().trainable()),
                o.momentum(), o.nesterov());
    }

    /**
     * Weighs the loss per class from now on (the weights come from the training data, which is
     * read once the step's inputs are known).
     *
     * @param classWeights one weight per class, or {@code null} for none
     */
    public void weighClasses(double[] classWeights) {
        Loss weighted = new Loss(config.loss(), runtime.placement(), classWeights);
        loss.close();
        loss = weighted;
    }

    /** Starts a one-off step (a gradient dump, a check): no gradient accumulated yet, the draws of step 0. */
    public void zeroGradients() {
        zeroGradients(0);
    }

    /**
     * Starts step {@code stepNumber} (1-based): no gradient accumulated yet. The step's random draws
     * (Dropout masks) are a function of its number and the batch's place in its window, so a resumed
     * run draws what the uninterrupted run did.
     */
    public void zeroGradients(long stepNumber) {
        this.stepNumber = stepNumber;
        batchesInStep = 0;
        accumulator.start();
        local = BatchLoss.NONE;
    }

    /**
     * Forward, loss and backward on one batch of the step, its gradient accumulated into the step's.
     *
     * @param mix how the batch's inputs were mixed (mixup), or {@code null}
     */
    public BatchLoss accumulate(Batch batch, Mix mix) {
        BatchLoss[] result = new BatchLoss[1];
        accumulator.beforeMicroBatch(session.placed());
        long draw = stepNumber * MAX_BATCHES_PER_STEP + batchesInStep++;
        session.step(batch, draw, (outputs, shape, b, dOutputs) -> {
            result[0] = loss.compute(outputs, shape, b, mix, dOutputs);
            return result[0].value();
        });
        accumulator.add(session.placed(), result[0].weight());
        local = accumulator.batches() == 1 ? result[0] : local.and(result[0]);
        return result[0];
    }

    /**
     * Leaves the step's gradient in {@link PlacedParameters#gradients()} and combines the gradients
     * of every process; returns what the loss made of the step's samples on all of them (in one
     * process, what {@link #accumulate} returned, over all the step's batches).
     */
    public BatchLoss reduceGradients() {
        PlacedParameters p = session.placed();
        accumulator.finish(p);
        return reducer.reduce(p.gradients(), p.length(), local);
    }

    /**
     * Makes every rank's parameters rank 0's where the step keeps them, the start of a data-parallel
     * run; every rank must call it. In one process it changes nothing.
     */
    public void broadcastParameters() {
        PlacedParameters p = session.placed();
        placedRanks.broadcast(p.values(), p.length());
        p.changed();
    }

    /** Scales the gradients down to the configured global norm; returns the norm before, or NaN when clipping is off. */
    public double clipGradients() {
        if (config.optimizer().maxGradNorm() <= 0) {
            return Double.NaN;
        }
        double norm = gradientNorm();
        clip(norm);
        return norm;
    }

    /** The global norm of the gradient: infinite or NaN when any entry is. */
    public double gradientNorm() {
        PlacedParameters p = session.placed();
        return Math.sqrt(kernels.sumOfSquares(p.gradients(), p.length()));
    }

    private void clip(double norm) {
        double maxNorm = config.optimizer().maxGradNorm();
        if (maxNorm > 0 && norm > maxNorm) {
            PlacedParameters p = session.placed();
            kernels.scale(p.gradients(), p.length(), (float) (maxNorm / norm));
            p.changed();
        }
    }

    /** Whether every parameter is a finite number (an update far too large can overflow them). */
    public boolean parametersFinite() {
        PlacedParameters p = session.placed();
        return Double.isFinite(kernels.sumOfSquares(p.values(), p.length()));
    }

    /**
     * Adds the penalties' gradients and updates the parameters in place.
     *
     * @param momentum this step's momentum when a schedule cycles it, else NaN
     * @return the penalty the gradients included
     */
    public double apply(double learningRate, double momentum) {
        return optimizer.step(learningRate, momentum);
    }

    /**
     * Every phase on one batch; its result is the whole step's, over every process of a job.
     *
     * @param batch      this process's samples, or {@code null} when the step gave it none (it still
     *                   takes part in the reduction and the update)
     * @param statistics whether to measure the update per layer ({@code LayersEvent} of step {@code stepNumber})
     */
    public StepResult run(Batch batch, Mix mix, double learningRate, double momentum, boolean statistics,
                          long stepNumber) {
        List<MicroBatch> window = batch == null ? List.of() : List.of(new MicroBatch(batch, mix));
        return run(window, learningRate, momentum, statistics, stepNumber);
    }

    /**
     * Every phase over a window of batches, one optimizer step on their accumulated gradient: as
     * one step on a batch of all their samples. The window is read once, in order, so it may
     * assemble each batch as it is reached, into buffers the next one reuses.
     *
     * @param window this process's batches of the step; none when the step gave it no samples (it
     *               still takes part in the reduction and the update)
     * @return the step, its loss that of all the window's samples, over every process of a job
     */
    public StepResult run(Iterable<MicroBatch> window, double learningRate, double momentum, boolean statistics,
                          long stepNumber) {
        zeroGradients(stepNumber);
        for (MicroBatch microBatch : window) {
            accumulate(microBatch.batch(), microBatch.mix());
        }
        BatchLoss batchLoss = reduceGradients();
        double norm = gradientNorm();
        if (!batchLoss.finite() || !Double.isFinite(norm)) {
            return new StepResult(batchLoss, 0, norm, null, false);
        }
        clip(norm);
        if (statistics) {
            snapshot().capture();
        }
        double penalty = apply(learningRate, momentum);
        LayersEvent layers = statistics
                ? LayerStatistics.compute(session.placed(), snapshot.values(), model.lookupTables(), stepNumber) : null;
        return new StepResult(batchLoss, penalty, norm, layers, true);
    }

    /** The snapshot buffer for the current parameters; a new one after unfreezing changed their layout. */
    private ValueSnapshot snapshot() {
        if (snapshot != null && !snapshot.covers(session.placed())) {
            snapshot.close();
            snapshot = null;
        }
        if (snapshot == null) {
            snapshot = new ValueSnapshot(session.placed());
        }
        return snapshot;
    }

    /**
     * Trains a larger set of parameters (gradual unfreezing): rebuilds the graphs, keeping the
     * trained values and the optimizer state of parameters already training.
     */
    public void retrain(List<String> trainable) {
        Map<String, GroupedOptimizer.ParameterState> state = optimizer.exportState();
        ParameterBuffer old = session.parameters();
        TrainingSession next = runtime.open(plan(trainable), config.runtime().threads());
        for (ParameterBuffer.Slot slot : old.slots()) {
            if (next.parameters().contains(slot.name())) {
                next.parameters().set(slot.name(), old.get(slot.name()));
            }
        }
        optimizer.close();
        session.close();
        session = next;
        optimizer = newOptimizer();
        optimizer.importState(state);
    }

    /** Every trained parameter's optimizer state, copied out. */
    public Map<String, GroupedOptimizer.ParameterState> optimizerState() {
        return optimizer.exportState();
    }

    /** Puts optimizer state back; parameters it does not name start from zero state. */
    public void restoreOptimizerState(Map<String, GroupedOptimizer.ParameterState> state) {
        optimizer.importState(state);
    }

    /** The optimizer's memory in place, laid out like the parameter buffer: what a checkpoint writes. */
    public GroupedOptimizer.Moments optimizerMoments() {
        return optimizer.moments();
    }

    /** Puts back a checkpoint's optimizer memory, of the current layout. */
    public void restoreOptimizerMoments(float[] first, float[] second, long[] stepCounts) {
        optimizer.restoreMoments(first, second, stepCounts);
    }

    /** The model being trained. */
    public TrainingModel model() {
        return model;
    }

    /** The open session: inputs, output type, prediction with the current parameters. */
    public TrainingSession session() {
        return session;
    }

    /**
     * The trainable parameters and their gradients on the host; on a GPU a copy, brought up to
     * date when read (a whole copy of both buffers, so not per step).
     */
    public ParameterBuffer parameters() {
        return session.parameters();
    }

    /** The runtime the step runs on, and through it the placement of its buffers. */
    public TrainingRuntime runtime() {
        return runtime;
    }

    @Override
    public void close() {
        if (snapshot != null) {
            snapshot.close();
        }
        accumulator.close();
        if (optimizer != null) {
            optimizer.close();
        }
        if (session != null) {
            session.close();
        }
        if (loss != null) {
            loss.close();
        }
        if (ownsPlacedRanks) {
            placedRanks.close();
        }
        runtime.close();
    }
}
