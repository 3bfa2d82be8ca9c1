package dev.trainer.train.loop;

import dev.trainer.config.LoopConfig;
import dev.trainer.config.NonFinitePolicy;
import dev.trainer.config.RunConfig;
import dev.trainer.data.Batch;
import dev.trainer.data.BatchSource;
import dev.trainer.data.augment.Mix;
import dev.trainer.data.augment.Mixup;
import dev.trainer.distributed.BatchShards;
import dev.trainer.distributed.Collective;
import dev.trainer.evaluate.GatheredOutputs;
import dev.trainer.evaluate.Scorer;
import dev.trainer.events.CheckpointEvent;
import dev.trainer.events.EpochEvent;
import dev.trainer.events.EpochStartEvent;
import dev.trainer.events.EvaluationEvent;
import dev.trainer.events.RestoreEvent;
import dev.trainer.events.Scores;
import dev.trainer.events.StepEvent;
import dev.trainer.kernels.Kernels;
import dev.trainer.runtime.Predictor;
import dev.trainer.train.optim.TrainableSelection;
import dev.trainer.train.schedule.Schedules;
import dev.trainer.train.step.MicroBatch;
import dev.trainer.train.step.StepResult;
import dev.trainer.train.step.TrainingStep;
import java.lang.foreign.Arena;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.IntStream;

/**
 * The epoch loop as a small state machine over one {@link LoopState}: {@link #run} validates once
 * (or starts from a checkpoint's state), then runs epochs ({@link #runEpoch}) of steps
 * ({@link #runStep}) until the last epoch, the step limit, early stopping or a listener ends it,
 * saves a last checkpoint, then restores early stopping's best parameters. Checkpoints go to the
 * run's {@link Checkpointing} every {@code --save-every} steps or at each epoch's end. A step whose
 * loss or gradient is not finite is skipped (its learning rate halved from then on, and the last
 * checkpoint put back if the parameters themselves broke); a loss that stays finite but grows by
 * orders of magnitude ({@link DivergenceGuard}) stops the run. A step is one optimizer update,
 * over one batch or a window of {@code --grad-accum} batches: schedules, {@code --max-steps},
 * {@code --eval-every}, {@code --save-every}, statistics and step events count these. Every event
 * goes to the run's {@link Listeners}.
 *
 * <p>As one rank of a data-parallel job, the loop takes the steps a single process would take with
 * the global batch, {@code --batch-size} times the ranks: the same epoch order, each rank training
 * on its slice of every batch ({@link BatchShards}), the step's gradient and figures summed over the
 * ranks. Validation is shared out the same way ({@link GatheredOutputs}), and a listener's request to
 * stop is agreed on, so every decision is the same on every rank and the ranks stay in step.
 *
 * <p>Owns the training data's batch source (an image loader holds decoding threads): close the loop
 * when done.
 */
public final class TrainingLoop implements AutoCloseable {

    /** Non-finite steps skipped before the run counts as diverged. */
    static final int MAX_NON_FINITE_STEPS = 3;

    /** Why the loop ended. */
    public enum Ending {
        /** Every epoch ran, or the step limit was reached. */
        COMPLETED,
        /** Early stopping saw no improvement for its patience. */
        EARLY_STOPPING,
        /** A listener (or a signal, through one) asked it to stop. */
        STOP_REQUESTED
    }

    /**
     * How the loop ended.
     *
     * @param epochs     the epoch reached (the last one finished, or the one it stopped in)
     * @param validation the validation scores of the parameters now in the buffer (the best
     *                   checkpoint's when one was restored), or {@code null} without validation data
     * @param bestEpoch  the epoch of the restored checkpoint, or 0 when the last parameters were kept
     */
    public record Outcome(long steps, int epochs, double trainLoss, Scores validation, String stopReason, int bestEpoch,
                          Ending ending) {
    }

    /** Thrown inside the loop when the last checkpoint was put back: carry on from its position. */
    private static final class Rewound extends RuntimeException {
        Rewound() {
            super(null, null, false, false);
        }
    }

    private final RunConfig config;
    private final LoopConfig loop;
    /** The loop as a single process would run it: the batches of every rank together. */
    private final LoopConfig global;
    private final Collective ranks;
    private final TrainingStep step;
    private final PreparedData data;
    private final Listeners listeners;
    private final Kernels kernels;
    private final BatchSource batches;
    private final Mixup mixup;
    private final String diagnoseHint;
    private final LoopState state;
    private Checkpointing checkpoints = Checkpointing.NONE;
    private LoopState.Snapshot resumeFrom;
    /** The step and finished epochs of the last checkpoint written (or resumed from). */
    private long savedStep = -1;
    private int savedEpochs = -1;
    private Ending ending = Ending.COMPLETED;

    /**
     * @param ranks        the job this process trains in: a single process, or the ranks of a
     *                     data-parallel job, each running this loop with a step opened on them
     * @param arena        holds the batch buffers; it must outlive the loop
     * @param diagnoseHint what the failure message suggests running, e.g. {@code trainer diagnose DIR}, or {@code null}
     */
    public TrainingLoop(RunConfig config, TrainingStep step, PreparedData data, Listeners listeners, Kernels kernels,
                        Collective ranks, Arena arena, String diagnoseHint) {
        this.config = config;
        this.loop = config.loop();
        this.global = loop.withBatchSize(BatchShards.globalBatchSize(loop.batchSize(), ranks.size()));
        this.ranks = ranks;
        this.step = step;
        this.data = data;
        this.listeners = listeners;
        this.kernels = kernels;
        this.batches = data.train().batches(data.batchCapacity(loop), arena);
        this.mixup = config.balance().mixup() > 0 ? new Mixup(config.balance().mixup(), loop.seed()) : null;
        this.diagnoseHint = diagnoseHint;
        long totalSteps = (long) loop.epochs() * data.stepsPerEpoch(global);
        if (loop.maxSteps() > 0) {
            totalSteps = Math.min(totalSteps, loop.maxSteps());
        }
        this.state = new LoopState(Schedules.of(config.schedule(), config.optimizer().learningRate(), totalSteps),
                new EarlyStopping(config.stopping()));
    }

    /** Saves checkpoints there; without this call the loop saves none. */
    public TrainingLoop checkpoints(Checkpointing checkpoints) {
        this.checkpoints = checkpoints;
        return this;
    }

    /**
     * Continues a run from a checkpoint's loop state instead of starting one; the step must already
     * hold the checkpoint's parameters and optimizer state, for the trainable set of its epoch.
     */
    public TrainingLoop resumeFrom(LoopState.Snapshot snapshot) {
        this.resumeFrom = snapshot;
        this.savedStep = snapshot.step();
        this.savedEpochs = snapshot.epochsRun();
        return this;
    }

    /**
     * Trains until the loop ends.
     *
     * @throws Divergence when the loss diverges or keeps being non-finite
     */
    public Outcome run() {
        if (resumeFrom != null) {
            state.restore(resumeFrom);
        } else if (data.validation() != null) {
            listeners.emit(new EvaluationEvent(0, 0, validate()));
        }
        state.stopReason = "completed " + loop.epochs() + " epochs";
        while (true) {
            try {
                runEpochs();
                break;
            } catch (Rewound rewound) {
                // the state is the last checkpoint's: go on from where it was
            }
        }
        save();
        return finish();
    }

    /** Runs the epochs from where the state is: the rest of an unfinished epoch, then the next ones. */
    private void runEpochs() {
        int epoch = state.epoch;
        int first = state.batchInEpoch;
        if (epoch == 0 || state.epochsRun == epoch) {
            epoch++;
            first = 0;
        }
        for (; epoch <= loop.epochs(); epoch++, first = 0) {
            if (!runEpoch(epoch, first)) {
                return;
            }
        }
    }

    /** Restores early stopping's best checkpoint, if any, and says how the loop ended. */
    private Outcome finish() {
        Scores validation = state.lastValidation;
        EarlyStopping.State stopping = state.stopping.state();
        BestCheckpoint best = stopping.checkpoint();
        if (best != null) {
            best.restore(step.parameters(), step.model().trained());
            validation = stopping.bestValidation();
            listeners.emit(new RestoreEvent(best.epoch(), best.step(), config.stopping().metric(), stopping.best()));
            listeners.note(String.format("restored the best checkpoint (epoch %d, step %d, %s %.4f)", best.epoch(),
                    best.step(), config.stopping().metric().spec(), stopping.best()));
        }
        return new Outcome(state.step, state.epoch, state.lastTrainLoss, validation, state.stopReason,
                best == null ? 0 : best.epoch(), ending);
    }

    /**
     * Runs one epoch from its batch {@code first} (a multiple of {@code --grad-accum}: where a
     * window starts); returns whether the loop goes on.
     */
    private boolean runEpoch(int epoch, int first) {
        if (reachedMaxSteps()) {
            return false;
        }
        int[][][] windows = data.epochWindows(global, epoch);
        if (first == 0) {
            startEpoch(epoch, windows.length);
        }
        int firstWindow = first / loop.gradAccum();
        // a resumed epoch plans the batches it has left
        batches.plan(epoch, Arrays.stream(windows, firstWindow, windows.length).flatMap(Arrays::stream)
                .map(globalBatch -> BatchShards.of(globalBatch, ranks.rank(), ranks.size()))
                .filter(shard -> shard.length > 0).toArray(int[][]::new));
        for (int w = firstWindow; w < windows.length; w++) {
            if (reachedMaxSteps()) {
                return false;
            }
            boolean statistics = loop.statsEvery() > 0 ? (state.step + 1) % loop.statsEvery() == 0
                    : w == windows.length - 1;
            if (!runStep(epoch, windows[w], statistics)) {
                return false;
            }
        }
        state.epochsRun = epoch;
        return endEpoch(epoch);
    }

    private boolean reachedMaxSteps() {
        if (loop.maxSteps() > 0 && state.step >= loop.maxSteps()) {
            state.stopReason = "reached --max-steps " + loop.maxSteps();
            return true;
        }
        return false;
    }

    /** Unfreezes what this epoch unfreezes and tells the listeners an epoch starts. */
    private void startEpoch(int epoch, int batchCount) {
        TrainableSelection selection = step.model().selection();
        Optional<TrainableSelection.Unfreeze> unfreeze = selection.unfrozenAt(epoch);
        if (unfreeze.isPresent()) {
            step.retrain(unfreeze.get().trainable());
            listeners.note("epoch " + epoch + ": unfroze " + unfreeze.get().groups().stream().map(g -> g.label()).toList()
                    + "; " + ParameterCounts.of(step.parameters(), step.model().trained()));
        }
        state.startEpoch(epoch);
        listeners.emit(new EpochStartEvent(epoch, state.step, batchCount));
    }

    /**
     * Runs one optimizer step on a window of global batches (one, or {@code --grad-accum}), this
     * rank training on its slice of each (all of it in a single process); returns whether the
     * epoch goes on.
     */
    private boolean runStep(int epoch, int[][] window, boolean statistics) {
        long start = System.nanoTime();
        double lr = state.schedule.learningRate(state.step) * state.lrScale;
        double momentum = state.schedule.momentum(state.step);
        // Assembled as the step reaches each batch: they share the source's buffers. A rank with
        // nothing of a batch skips it, and still takes part in the step's reduction.
        Iterable<MicroBatch> microBatches = () -> IntStream.range(0, window.length)
                .filter(i -> BatchShards.of(window[i], ranks.rank(), ranks.size()).length > 0)
                .mapToObj(i -> microBatch(BatchShards.of(window[i], ranks.rank(), ranks.size()), i)).iterator();
        // the ranks' parameters are identical: their statistics too, so only rank 0's are taken
        StepResult result = step.run(microBatches, lr, momentum, statistics && ranks.rank() == 0, state.step + 1);
        state.step++;
        double millis = (System.nanoTime() - start) / 1e6;
        int samples = result.loss().samples();
        if (!result.applied()) {
            listeners.emit(new StepEvent(epoch, state.step, result.loss().value(), lr, momentum, millis, samples));
            skipNonFinite(result, lr, epoch, window.length);
            return afterStep(epoch);
        }
        if (result.layers() != null) {
            listeners.emit(result.layers());
        }
        listeners.emit(new StepEvent(epoch, state.step, result.reportedLoss(), lr, momentum, millis, samples));
        state.record(window.length, result.loss().value(), samples, result.loss().correct());
        if (state.guard.diverged(result.reportedLoss(), state.step)) {
            int early = state.guard.earlyCount();
            throw new Divergence(String.format(Locale.ROOT, "the loss grew from %.4g (%s) to %.4g (the median of the last"
                    + " %d) by step %d (epoch %d): the learning rate %.3g is %s", state.guard.reference(), early == 1
                    ? "the first step's" : "the median of " + early + " early steps", state.guard.recentMedian(),
                    DivergenceGuard.RECENT, state.step, epoch, lr, tooHigh()), state.guard.onset());
        }
        if (data.validation() != null && loop.evalEvery() > 0 && state.step % loop.evalEvery() == 0) {
            Scores mid = validate();
            listeners.emit(new EvaluationEvent(epoch, state.step, mid));
            if (observe(mid, epoch)) {
                return false;
            }
        }
        return afterStep(epoch);
    }

    /** Saves a checkpoint when one is due by steps; returns whether the epoch goes on. */
    private boolean afterStep(int epoch) {
        if (config.recovery().saveEvery() > 0 && state.step % config.recovery().saveEvery() == 0) {
            save();
        }
        return !stoppedByListener();
    }

    /**
     * A step whose loss or gradient was not finite: nothing was applied. Halves the learning rate
     * from now on, and puts the last checkpoint back when the parameters themselves are broken.
     *
     * @param window the batches the step took, which the epoch's position moves past
     * @throws Divergence when the policy is to stop, after too many such steps, or with nothing to go back to
     */
    private void skipNonFinite(StepResult result, double lr, int epoch, int window) {
        String what = String.format(Locale.ROOT, "the %s became %s at step %d (epoch %d)",
                result.loss().finite() ? "gradient" : "loss", result.loss().finite() ? "NaN or infinite"
                        : Double.toString(result.loss().value()), state.step, epoch);
        state.nonFiniteSteps++;
        if (config.recovery().onNonFinite() == NonFinitePolicy.STOP || state.nonFiniteSteps > MAX_NON_FINITE_STEPS) {
            String times = state.nonFiniteSteps > 1 ? " (" + state.nonFiniteSteps + " non-finite steps)" : "";
            throw new Divergence(what + times + ": the learning rate " + String.format(Locale.ROOT, "%.3g", lr) + " is "
                    + tooHigh(), 0);
        }
        state.lrScale /= 2;
        state.batchInEpoch += window;
        if (step.parametersFinite()) {
            listeners.note(what + ": skipped the step; the learning rate is now x" + state.lrScale + " of the schedule's");
            return;
        }
        LoopState.Snapshot last = checkpoints.restoreLast();
        if (last == null) {
            throw new Divergence(what + " and the parameters are no longer finite, with no checkpoint to go back to: "
                    + "the learning rate " + String.format(Locale.ROOT, "%.3g", lr) + " is " + tooHigh(), 0);
        }
        double scale = state.lrScale;
        int skipped = state.nonFiniteSteps;
        state.restore(last);
        state.lrScale = scale;
        state.nonFiniteSteps = skipped;
        listeners.note(what + " and the parameters are no longer finite: went back to the checkpoint of step "
                + last.step() + "; the learning rate is now x" + scale + " of the schedule's");
        throw new Rewound();
    }

    /**
     * Assembles one batch of a step's window, mixed (mixup) by a draw of the step and the batch's
     * place in the window: a resumed run mixes as the uninterrupted one did.
     */
    private MicroBatch microBatch(int[] indices, int inWindow) {
        Batch batch = batches.assemble(indices);
        Mix mix = mixup == null ? null : mixup.mix(batch, state.step + 1 + ((long) inWindow << 40));
        return new MicroBatch(batch, mix);
    }

    /** Validates at the epoch's end and lets the schedule and early stopping hear it; returns whether to go on. */
    private boolean endEpoch(int epoch) {
        state.lastTrainLoss = state.epochLoss();
        state.lastValidation = data.validation() == null ? null : validate();
        listeners.emit(new EpochEvent(epoch, state.step, state.lastTrainLoss, state.epochAccuracy(), state.lastValidation));
        boolean goOn = true;
        if (state.lastValidation != null) {
            state.schedule.observe(state.lastValidation.loss());
            goOn = loop.evalEvery() != 0 || !observe(state.lastValidation, epoch);
        }
        if (config.recovery().saveEvery() == 0) {
            save();
        }
        return goOn && !stoppedByListener();
    }

    /** Early stopping hears a validation; returns whether it stops the run. */
    private boolean observe(Scores validation, int epoch) {
        EarlyStopping.Verdict verdict = state.stopping.observe(validation, step.parameters(), epoch, state.step);
        if (verdict == EarlyStopping.Verdict.CHECKPOINTED) {
            listeners.emit(new CheckpointEvent(epoch, state.step, config.stopping().metric(), state.stopping.state().best(),
                    null));
        }
        if (verdict == EarlyStopping.Verdict.STOP) {
            state.stopReason = state.stopping.stopMessage();
            ending = Ending.EARLY_STOPPING;
            return true;
        }
        return false;
    }

    /** Whether a listener asked to stop, on any rank: the ranks must leave the loop together. */
    private boolean stoppedByListener() {
        boolean stop = listeners.stopRequested();
        if (ranks.size() > 1) {
            double[] requests = {stop ? 1 : 0};
            ranks.allReduceSum(requests);
            stop = requests[0] > 0;
        }
        if (stop) {
            state.stopReason = "stopped by a listener: "
                    + (listeners.stopRequested() ? listeners.stopReason() : "on another rank");
            ending = Ending.STOP_REQUESTED;
        }
        return stop;
    }

    /** Writes a checkpoint of the state now, unless the last one holds this very state. */
    private void save() {
        if (savedStep == state.step && savedEpochs == state.epochsRun) {
            return;
        }
        Path file = checkpoints.save(state.snapshot());
        savedStep = state.step;
        savedEpochs = state.epochsRun;
        if (file != null) {
            listeners.emit(new CheckpointEvent(state.epoch, state.step, null, Double.NaN, file));
        }
    }

    /** The validation scores, each rank of a job scoring its share of the batches. */
    private Scores validate() {
        String output = step.model().output();
        Predictor model = ranks.size() == 1 ? step.session()
                : GatheredOutputs.of(step.session(), output, data.validation(), loop.batchSize(), ranks);
        return Scorer.score(model, output, data.validation(), loop.batchSize(), config.loss().kind(), kernels,
                new Scorer.Reporting(data.classNames(), config.reporting().topK()));
    }

    /** "probably too high; try --lr X or --max-grad-norm 1.0 (run `trainer diagnose DIR`)". */
    private String tooHigh() {
        return "probably too high; try --lr " + String.format(Locale.ROOT, "%.3g", config.optimizer().learningRate() / 10)
                + " or --max-grad-norm 1.0" + (diagnoseHint == null ? "" : " (run `" + diagnoseHint + "`)");
    }

    /** The loop's state now. */
    public LoopState.Snapshot snapshot() {
        return state.snapshot();
    }

    /** Stops the batch source's background work. */
    @Override
    public void close() {
        batches.close();
    }
}
