package dev.trainer.train.step;

import dev.trainer.config.OptimizerConfig;
import dev.trainer.config.RunConfig;
import dev.trainer.data.Batch;
import dev.trainer.data.augment.Mix;
import dev.trainer.events.LayersEvent;
import dev.trainer.kernels.Kernels;
import dev.trainer.monitor.LayerStatistics;
import dev.trainer.monitor.ValueSnapshot;
import dev.trainer.runtime.ParameterBuffer;
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
 *   <li>{@link #zeroGradients}, then {@link #accumulate} per batch: forward, loss and backward,
 *       the gradient landing in the flat gradient buffer. This is the single-batch path: the
 *       backward graph overwrites the buffer, so one batch per step; accumulating several
 *       micro-batches would sum each into it weighted by its {@link BatchLoss#weight()} and divide
 *       by the window's total weight;</li>
 *   <li>{@link #reduceGradients()}: the {@link GradientReducer} (one process: nothing to do);</li>
 *   <li>the non-finite check on the loss, then {@link #clipGradients()};</li>
 *   <li>{@link #apply}: L1/L2 penalties and the optimizer update in place.</li>
 * </ol>
 * {@link #run} does them all. The optimizer's state (moments, step counts) can be read and put back
 * ({@link #optimizerState()}, {@link #restoreOptimizerState}).
 *
 * <p>Owns native memory and sessions: close it when done.
 */
public final class TrainingStep implements AutoCloseable {

    /** Micro-batches one step may accumulate before its random draws would run into the next step's. */
    private static final long MAX_BATCHES_PER_STEP = 1 << 20;

    private final TrainingModel model;
    private final RunConfig config;
    private final Kernels kernels;
    private final TrainingRuntime runtime;
    private final GradientReducer reducer;
    private Loss loss;
    private TrainingSession session;
    private GroupedOptimizer optimizer;
    private ValueSnapshot snapshot;
    private double accumulatedWeight;
    /** The step running, 1-based, and the batches it has accumulated: they number its random draws. */
    private long stepNumber;
    private int batchesInStep;

    private TrainingStep(TrainingModel model, RunConfig config, Kernels kernels, Loss loss, GradientReducer reducer) {
        this.model = model;
        this.config = config;
        this.kernels = kernels;
        this.runtime = TrainingRuntime.of(config.runtime().device());
        this.loss = loss;
        this.reducer = reducer;
    }

    /** Opens the step for the parameters trainable in the first epoch, on the configured device. */
    public static TrainingStep open(TrainingModel model, RunConfig config, Kernels kernels) {
        return open(model, config, kernels, 1);
    }

    /**
     * Opens the step for the parameters trainable in {@code epoch} (gradual unfreezing), on the
     * configured device: a resumed run opens it for its checkpoint's epoch.
     */
    public static TrainingStep open(TrainingModel model, RunConfig config, Kernels kernels, int epoch) {
        Loss loss = new Loss(config.loss(), kernels, null);
        TrainingStep step = new TrainingStep(model, config, kernels, loss, GradientReducer.LOCAL);
        try {
            step.session = step.runtime.open(step.plan(model.selection().trainableAt(epoch)), config.runtime().threads());
            step.optimizer = step.newOptimizer();
            return step;
        } catch (RuntimeException e) {
            step.close();
            throw e;
        }
    }

    private TrainingPlan plan(List<String> trainable) {
        return TrainingPlan.of(model.trained(), trainable, model.output(), config.model().dropout(), config.loop().seed());
    }

    private GroupedOptimizer newOptimizer() {
        OptimizerConfig o = config.optimizer();
        return new GroupedOptimizer(o.kind(), kernels, session.parameters(), model.groups().settings(session.graphs()
                .trainable()), o.momentum(), o.nesterov());
    }

    /**
     * Weighs the loss per class from now on (the weights come from the training data, which is
     * read once the step's inputs are known).
     *
     * @param classWeights one weight per class, or {@code null} for none
     */
    public void weighClasses(double[] classWeights) {
        Loss weighted = new Loss(config.loss(), kernels, classWeights);
        loss.close();
        loss = weighted;
    }

    /**
     * Starts step {@code stepNumber} (1-based): no gradient accumulated yet. The step's random draws
     * (Dropout masks) are a function of its number and the batch's place in it, so a resumed run
     * draws what the uninterrupted run did.
     */
    public void zeroGradients(long stepNumber) {
        this.stepNumber = stepNumber;
        batchesInStep = 0;
        accumulatedWeight = 0;
    }

    /**
     * Forward, loss and backward on one batch; its gradient is then in {@link ParameterBuffer#gradients()}.
     *
     * @param mix how the batch's inputs were mixed (mixup), or {@code null}
     */
    public BatchLoss accumulate(Batch batch, Mix mix) {
        BatchLoss[] result = new BatchLoss[1];
        long draw = stepNumber * MAX_BATCHES_PER_STEP + batchesInStep++;
        session.step(batch, draw, (outputs, shape, b, dOutputs) -> {
            result[0] = loss.compute(outputs, shape, b, mix, dOutputs);
            return result[0].value();
        });
        accumulatedWeight += result[0].weight();
        return result[0];
    }

    /** Combines the gradients of every process; returns the step's total sample weight. */
    public double reduceGradients() {
        ParameterBuffer p = session.parameters();
        return reducer.reduce(p.gradients(), p.length(), accumulatedWeight);
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
        ParameterBuffer p = session.parameters();
        return Math.sqrt(kernels.sumOfSquares(p.gradients(), p.length()));
    }

    private void clip(double norm) {
        double maxNorm = config.optimizer().maxGradNorm();
        if (maxNorm > 0 && norm > maxNorm) {
            ParameterBuffer p = session.parameters();
            kernels.scale(p.gradients(), p.length(), (float) (maxNorm / norm));
        }
    }

    /** Whether every parameter is a finite number (an update far too large can overflow them). */
    public boolean parametersFinite() {
        ParameterBuffer p = session.parameters();
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
     * Every phase on one batch.
     *
     * @param statistics whether to measure the update per layer ({@code LayersEvent} of step {@code stepNumber})
     */
    public StepResult run(Batch batch, Mix mix, double learningRate, double momentum, boolean statistics,
                          long stepNumber) {
        zeroGradients(stepNumber);
        BatchLoss batchLoss = accumulate(batch, mix);
        reduceGradients();
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
                ? LayerStatistics.compute(session.parameters(), snapshot.values(), model.lookupTables(), stepNumber) : null;
        return new StepResult(batchLoss, penalty, norm, layers, true);
    }

    /** The snapshot buffer for the current parameters; a new one after unfreezing changed their layout. */
    private ValueSnapshot snapshot() {
        if (snapshot != null && !snapshot.covers(session.parameters())) {
            snapshot.close();
            snapshot = null;
        }
        if (snapshot == null) {
            snapshot = new ValueSnapshot(session.parameters());
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

    /** The trainable parameters and their gradients. */
    public ParameterBuffer parameters() {
        return session.parameters();
    }

    @Override
    public void close() {
        if (snapshot != null) {
            snapshot.close();
        }
        if (optimizer != null) {
            optimizer.close();
        }
        if (session != null) {
            session.close();
        }
        loss.close();
    }
}
