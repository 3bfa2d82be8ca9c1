package dev.trainer.train.loop;

import dev.trainer.TrainingFailedException;
import dev.trainer.config.LoopConfig;
import dev.trainer.config.RunConfig;
import dev.trainer.data.Batch;
import dev.trainer.data.BatchSource;
import dev.trainer.data.augment.Mix;
import dev.trainer.data.augment.Mixup;
import dev.trainer.evaluate.Scorer;
import dev.trainer.events.CheckpointEvent;
import dev.trainer.events.EpochEvent;
import dev.trainer.events.EpochStartEvent;
import dev.trainer.events.EvaluationEvent;
import dev.trainer.events.RestoreEvent;
import dev.trainer.events.Scores;
import dev.trainer.events.StepEvent;
import dev.trainer.kernels.Kernels;
import dev.trainer.train.optim.TrainableSelection;
import dev.trainer.train.schedule.Schedules;
import dev.trainer.train.step.StepResult;
import dev.trainer.train.step.TrainingStep;
import java.lang.foreign.Arena;
import java.util.Locale;
import java.util.Optional;

/**
 * The epoch loop as a small state machine over one {@link LoopState}: {@link #run} validates once,
 * then runs epochs ({@link #runEpoch}) of steps ({@link #runStep}) until the last epoch, the step
 * limit, early stopping or a listener ends it, then restores early stopping's best checkpoint.
 * Every event goes to the run's {@link Listeners}.
 */
public final class TrainingLoop {

    /**
     * How the loop ended.
     *
     * @param validation the validation scores of the parameters now in the buffer (the best
     *                   checkpoint's when one was restored), or {@code null} without validation data
     * @param bestEpoch  the epoch of the restored checkpoint, or 0 when the last parameters were kept
     */
    public record Outcome(long steps, int epochs, double trainLoss, Scores validation, String stopReason, int bestEpoch) {
    }

    private final RunConfig config;
    private final LoopConfig loop;
    private final TrainingStep step;
    private final PreparedData data;
    private final Listeners listeners;
    private final Kernels kernels;
    private final BatchSource batches;
    private final Mixup mixup;
    private final String diagnoseHint;
    private final LoopState state;

    /**
     * @param arena        holds the batch buffers; it must outlive the loop
     * @param diagnoseHint what the failure message suggests running, e.g. {@code trainer diagnose DIR}, or {@code null}
     */
    public TrainingLoop(RunConfig config, TrainingStep step, PreparedData data, Listeners listeners, Kernels kernels,
                        Arena arena, String diagnoseHint) {
        this.config = config;
        this.loop = config.loop();
        this.step = step;
        this.data = data;
        this.listeners = listeners;
        this.kernels = kernels;
        this.batches = data.train().batches(loop.batchSize(), arena);
        this.mixup = config.balance().mixup() > 0 ? new Mixup(config.balance().mixup(), loop.seed()) : null;
        this.diagnoseHint = diagnoseHint;
        long totalSteps = (long) loop.epochs() * data.batchesPerEpoch(loop);
        if (loop.maxSteps() > 0) {
            totalSteps = Math.min(totalSteps, loop.maxSteps());
        }
        this.state = new LoopState(Schedules.of(config.schedule(), config.optimizer().learningRate(), totalSteps),
                new EarlyStopping(config.stopping()));
    }

    /**
     * Trains until the loop ends.
     *
     * @throws TrainingFailedException when the loss stops being a finite number
     */
    public Outcome run() {
        if (data.validation() != null) {
            listeners.emit(new EvaluationEvent(0, 0, validate()));
        }
        state.stopReason = "completed " + loop.epochs() + " epochs";
        for (int epoch = state.epoch + 1; epoch <= loop.epochs(); epoch++) {
            if (!runEpoch(epoch)) {
                break;
            }
        }
        Scores validation = state.lastValidation;
        EarlyStopping.State stopping = state.stopping.state();
        BestCheckpoint best = stopping.checkpoint();
        if (best != null) {
            best.restore(step.parameters(), step.model().exported());
            validation = stopping.bestValidation();
            listeners.emit(new RestoreEvent(best.epoch(), best.step(), config.stopping().metric(), stopping.best()));
            listeners.note(String.format("restored the best checkpoint (epoch %d, step %d, %s %.4f)", best.epoch(),
                    best.step(), config.stopping().metric().spec(), stopping.best()));
        }
        return new Outcome(state.step, state.epochsRun, state.lastTrainLoss, validation, state.stopReason,
                best == null ? 0 : best.epoch());
    }

    /** Runs one epoch; returns whether the loop goes on. */
    private boolean runEpoch(int epoch) {
        if (loop.maxSteps() > 0 && state.step >= loop.maxSteps()) {
            state.stopReason = "reached --max-steps " + loop.maxSteps();
            return false;
        }
        TrainableSelection selection = step.model().selection();
        Optional<TrainableSelection.Unfreeze> unfreeze = selection.unfrozenAt(epoch);
        if (unfreeze.isPresent()) {
            step.retrain(unfreeze.get().trainable());
            listeners.note("epoch " + epoch + ": unfroze " + unfreeze.get().groups().stream().map(g -> g.label()).toList()
                    + "; " + ParameterCounts.of(step.parameters(), step.model().exported()));
        }
        state.startEpoch(epoch);
        int[][] epochBatches = data.epochBatches(loop, epoch);
        listeners.emit(new EpochStartEvent(epoch, state.step, epochBatches.length));
        for (int b = 0; b < epochBatches.length; b++) {
            if (loop.maxSteps() > 0 && state.step >= loop.maxSteps()) {
                state.stopReason = "reached --max-steps " + loop.maxSteps();
                return false;
            }
            boolean statistics = loop.statsEvery() > 0 ? (state.step + 1) % loop.statsEvery() == 0
                    : b == epochBatches.length - 1;
            if (!runStep(epoch, epochBatches[b], statistics)) {
                state.epochsRun = epoch;
                return false;
            }
        }
        state.epochsRun = epoch;
        return endEpoch(epoch);
    }

    /** Runs one step; returns whether the epoch goes on. */
    private boolean runStep(int epoch, int[] indices, boolean statistics) {
        long start = System.nanoTime();
        double lr = state.schedule.learningRate(state.step);
        double momentum = state.schedule.momentum(state.step);
        Batch batch = batches.assemble(indices);
        Mix mix = null;
        if (mixup != null) {
            mix = mixup.mix(batch, state.step + 1);
        }
        StepResult result = step.run(batch, mix, lr, momentum, statistics, state.step + 1);
        state.step++;
        double millis = (System.nanoTime() - start) / 1e6;
        if (!result.applied()) {
            listeners.emit(new StepEvent(epoch, state.step, result.loss().value(), lr, momentum, millis, batch.size()));
            throw diverged(result.loss().value(), lr, epoch);
        }
        if (result.layers() != null) {
            listeners.emit(result.layers());
        }
        listeners.emit(new StepEvent(epoch, state.step, result.reportedLoss(), lr, momentum, millis, batch.size()));
        state.record(result.loss().value(), batch.size(), result.loss().correct());
        if (data.validation() != null && loop.evalEvery() > 0 && state.step % loop.evalEvery() == 0) {
            Scores mid = validate();
            listeners.emit(new EvaluationEvent(epoch, state.step, mid));
            if (observe(mid, epoch)) {
                return false;
            }
        }
        return !stoppedByListener();
    }

    /** Validates at the epoch's end and lets the schedule and early stopping hear it; returns whether to go on. */
    private boolean endEpoch(int epoch) {
        state.lastTrainLoss = state.epochLoss();
        state.lastValidation = data.validation() == null ? null : validate();
        listeners.emit(new EpochEvent(epoch, state.step, state.lastTrainLoss, state.epochAccuracy(), state.lastValidation));
        if (state.lastValidation != null) {
            state.schedule.observe(state.lastValidation.loss());
            if (loop.evalEvery() == 0 && observe(state.lastValidation, epoch)) {
                return false;
            }
        }
        return !stoppedByListener();
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
            return true;
        }
        return false;
    }

    private boolean stoppedByListener() {
        if (listeners.stopRequested()) {
            state.stopReason = "stopped by a listener: " + listeners.stopReason();
            return true;
        }
        return false;
    }

    private Scores validate() {
        return Scorer.score(step.session(), step.model().output(), data.validation(), loop.batchSize(),
                config.loss().kind(), kernels);
    }

    private TrainingFailedException diverged(double loss, double lr, int epoch) {
        return new TrainingFailedException("the loss became " + loss + " at step " + state.step + " (epoch " + epoch
                + "): the learning rate " + lr + " is probably too high; try --lr "
                + String.format(Locale.ROOT, "%.3g", config.optimizer().learningRate() / 10) + " or --max-grad-norm 1.0"
                + (diagnoseHint == null ? "" : " (run `" + diagnoseHint + "`)"));
    }

    /** The loop's state now. */
    LoopState.Snapshot snapshot() {
        return state.snapshot();
    }
}
