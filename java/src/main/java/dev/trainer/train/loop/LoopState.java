package dev.trainer.train.loop;

import dev.trainer.events.Scores;
import dev.trainer.train.schedule.LearningRateSchedule;
import dev.trainer.train.schedule.ScheduleState;

/**
 * Everything that changes as the loop runs, in one place: where it is (epoch, step, batch of the
 * epoch), the epoch's running sums, the schedule's and early stopping's memory. The rest follows
 * from these and the configuration: batch orders and samplers are functions of (seed, epoch),
 * mixup and Dropout masks of (seed, step), the trainable set of gradual unfreezing a function of
 * the epoch ({@link dev.trainer.data.Seeds}). {@link #snapshot()} copies it out; {@link #restore}
 * puts a copy back, which is what a checkpoint saves and a resumed run loads ({@link SnapshotJson}).
 */
public final class LoopState {

    /**
     * A copy of the loop's state.
     *
     * @param epoch          the epoch running (1-based), 0 before the first
     * @param epochsRun      epochs finished: {@code epoch} when the epoch has ended (validation included)
     * @param step           steps taken
     * @param batchInEpoch   batches of the current epoch taken; steps take windows of
     *                       {@code --grad-accum} batches from the epoch's start, so after every
     *                       step but an epoch's last this is a multiple of it (where the next
     *                       window starts: nothing of a window is left half-done between steps)
     * @param lossSum        Σ loss × samples over the epoch's steps
     * @param samples        the epoch's samples so far
     * @param correct        argmax hits counted over the epoch
     * @param counted        samples whose hits were counted
     * @param lastTrainLoss  the last finished epoch's training loss
     * @param lastValidation the last epoch-end validation, or {@code null}
     * @param schedule       the schedule's memory, or {@code null} for a stateless schedule
     * @param stopping       early stopping's memory
     * @param lrScale        what the schedule's rate is multiplied by: halved at each skipped non-finite step
     * @param nonFiniteSteps steps skipped for a non-finite loss or gradient
     * @param guard          the divergence guard's memory
     */
    public record Snapshot(int epoch, int epochsRun, long step, int batchInEpoch, double lossSum, long samples,
                           long correct, long counted, double lastTrainLoss, Scores lastValidation,
                           ScheduleState schedule, EarlyStopping.State stopping, double lrScale, int nonFiniteSteps,
                           DivergenceGuard.State guard) {

        /** Whether the epoch it is in has ended: a resumed loop starts the next one. */
        public boolean atEpochEnd() {
            return epochsRun == epoch;
        }

        /** The best validation metric so far (early stopping's), NaN before any validation. */
        public double bestMetric() {
            return stopping.best();
        }

        /**
         * The first step of the loss's current excursion above the divergence line, or 0 when it is
         * below: checkpoints from that step on may hold diverging parameters.
         */
        public long divergenceOnset() {
            return guard.onset();
        }

        /** Whether the last validation was the best so far. */
        public boolean lastValidationBest() {
            return stopping.sinceBest() == 0 && !Double.isNaN(stopping.best());
        }
    }

    final LearningRateSchedule schedule;
    final EarlyStopping stopping;
    final DivergenceGuard guard = new DivergenceGuard();
    int epoch;
    long step;
    int batchInEpoch;
    double lossSum;
    long samples;
    long correct;
    long counted;
    double lastTrainLoss = Double.NaN;
    Scores lastValidation;
    int epochsRun;
    double lrScale = 1;
    int nonFiniteSteps;
    String stopReason;

    LoopState(LearningRateSchedule schedule, EarlyStopping stopping) {
        this.schedule = schedule;
        this.stopping = stopping;
    }

    void startEpoch(int number) {
        epoch = number;
        batchInEpoch = 0;
        lossSum = 0;
        samples = 0;
        correct = 0;
        counted = 0;
    }

    /** Counts a step over {@code batches} batches of {@code stepSamples} samples into the epoch's sums. */
    void record(int batches, double loss, int stepSamples, int hits) {
        batchInEpoch += batches;
        lossSum += loss * stepSamples;
        samples += stepSamples;
        if (hits >= 0) {
            correct += hits;
            counted += stepSamples;
        }
    }

    double epochLoss() {
        return lossSum / Math.max(1, samples);
    }

    /** The training accuracy of the epoch's counted batches, or NaN when none were counted. */
    double epochAccuracy() {
        return counted == 0 ? Double.NaN : (double) correct / counted;
    }

    Snapshot snapshot() {
        return new Snapshot(epoch, epochsRun, step, batchInEpoch, lossSum, samples, correct, counted, lastTrainLoss,
                lastValidation, schedule.state(), stopping.state(), lrScale, nonFiniteSteps, guard.state());
    }

    void restore(Snapshot s) {
        epoch = s.epoch();
        epochsRun = s.epochsRun();
        step = s.step();
        batchInEpoch = s.batchInEpoch();
        lossSum = s.lossSum();
        samples = s.samples();
        correct = s.correct();
        counted = s.counted();
        lastTrainLoss = s.lastTrainLoss();
        lastValidation = s.lastValidation();
        if (s.schedule() != null) {
            schedule.restore(s.schedule());
        }
        stopping.restore(s.stopping());
        lrScale = s.lrScale();
        nonFiniteSteps = s.nonFiniteSteps();
        guard.restore(s.guard());
    }
}
