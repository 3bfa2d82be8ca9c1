package dev.trainer.train;

import ai.onnx.proto.OnnxMl.NodeProto;
import dev.trainer.config.LossKind;
import dev.trainer.config.RunConfig;
import dev.trainer.heads.ClassificationHead;
import dev.trainer.heads.HeadEdit;
import dev.trainer.heads.HeadReplacement;
import dev.trainer.kernels.Kernels;
import dev.trainer.onnx.OnnxModel;
import dev.trainer.runtime.ParameterBuffer;
import dev.trainer.runtime.SessionOptions;
import dev.trainer.runtime.TrainingSession;
import dev.trainer.train.params.GroupedOptimizer;
import dev.trainer.train.params.ParameterGroups;
import dev.trainer.train.params.TrainableSelection;
import java.io.PrintStream;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The model being trained and its optimizer, for the current set of trainable parameters. When
 * that set grows (gradual unfreezing) the training graphs are rebuilt; trained values and the
 * optimizer state of parameters already training carry over.
 */
final class Learner implements AutoCloseable {

    private final OnnxModel model;
    /** The model the sessions run: {@link #model}, exposing the logits when it ends in a softmax. */
    private final OnnxModel trainingModel;
    private final String output;
    private final TrainableSelection selection;
    private final RunConfig config;
    private final Kernels kernels;
    private final ParameterGroups groups;
    private TrainingSession session;
    private GroupedOptimizer optimizer;

    private Learner(OnnxModel model, OnnxModel trainingModel, String output, RunConfig config, Kernels kernels,
                    TrainableSelection selection, List<String> trainable) {
        this.model = model;
        this.trainingModel = trainingModel;
        this.output = output;
        this.selection = selection;
        this.config = config;
        this.kernels = kernels;
        this.session = TrainingSession.open(trainingModel, trainable, output, sessionOptions());
        try {
            Set<String> candidates = new HashSet<>(selection.candidates());
            Map<String, long[]> shapes = new LinkedHashMap<>();
            model.proto().getGraph().getInitializerList().stream().filter(t -> candidates.contains(t.getName()))
                    .forEach(t -> shapes.put(t.getName(), t.getDimsList().stream().mapToLong(Long::longValue).toArray()));
            this.groups = ParameterGroups.of(config.optimizer(), config.regularization(), selection.layerGroups(), shapes,
                    normalizationParameters(model));
            this.optimizer = newOptimizer();
        } catch (RuntimeException e) {
            session.close();
            throw e;
        }
    }

    /**
     * The configured model, with its head edit applied, ready to train the parameters the freezing
     * options leave trainable in the first epoch.
     */
    static Learner start(RunConfig config, Kernels kernels, PrintStream log) {
        var edit = headEdit(OnnxModel.load(config.model().file()), config);
        TrainableSelection selection = TrainableSelection.of(edit.model(), config.freezing());
        String output = edit.output();
        OnnxModel training = edit.model();
        FinalSoftmax softmax = config.loss().kind() == LossKind.CROSS_ENTROPY && config.model().output() == null
                ? FinalSoftmax.of(training, output) : null;
        if (softmax != null) {
            log.println(softmax.note(output));
            output = softmax.logits();
            training = softmax.model();
        }
        return new Learner(edit.model(), training, output, config, kernels, selection, selection.trainableAt(1));
    }

    /** The model to train, and the output the loss reads unless the user named one. */
    private static HeadEdit headEdit(OnnxModel model, RunConfig config) {
        String output = config.model().output();
        long seed = config.loop().seed();
        if (config.model().head() != null) {
            return ClassificationHead.attach(model, config.model().head(), output, seed);
        }
        if (config.model().replaceHead() > 0) {
            return HeadReplacement.replace(model, config.model().replaceHead(), output, seed);
        }
        return new HeadEdit(model, output != null ? output : model.proto().getGraph().getOutput(0).getName(), List.of());
    }

    /** The model being trained: the configured one with any head edit. */
    OnnxModel model() {
        return model;
    }

    /** The output the loss reads: the configured one, or the logits under a final softmax. */
    String output() {
        return output;
    }

    TrainableSelection selection() {
        return selection;
    }

    private SessionOptions sessionOptions() {
        return new SessionOptions(config.model().dropout(), config.loop().seed(), config.runtime().threads());
    }

    private GroupedOptimizer newOptimizer() {
        return new GroupedOptimizer(config.optimizer().kind(), kernels, session.parameters(),
                groups.settings(session.graphs().trainable()), config.optimizer().momentum(),
                config.optimizer().nesterov());
    }

    /** Scale and bias of normalization layers, which decay and penalties leave alone by default. */
    private static Set<String> normalizationParameters(OnnxModel model) {
        Set<String> names = new HashSet<>();
        for (NodeProto node : model.proto().getGraph().getNodeList()) {
            if (node.getOpType().equals("BatchNormalization") || node.getOpType().equals("LayerNormalization")
                    || node.getOpType().equals("InstanceNormalization") || node.getOpType().equals("GroupNormalization")) {
                for (int i = 1; i < Math.min(3, node.getInputCount()); i++) {
                    names.add(node.getInput(i));
                }
            }
        }
        return names;
    }

    TrainingSession session() {
        return session;
    }

    ParameterBuffer parameters() {
        return session.parameters();
    }

    /**
     * Applies the update with the given base learning rate and, when a schedule cycles it, momentum
     * ({@code NaN} keeps the optimizer's); returns the L1/L2 penalty it added.
     */
    double update(double learningRate, double momentum) {
        return optimizer.step(learningRate, momentum);
    }

    /** Rebuilds for a larger trainable set, keeping trained values and optimizer state. */
    void retrain(List<String> trainable) {
        Map<String, GroupedOptimizer.ParameterState> state = optimizer.exportState();
        ParameterBuffer old = session.parameters();
        TrainingSession next = TrainingSession.open(trainingModel, trainable, output, sessionOptions());
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

    @Override
    public void close() {
        optimizer.close();
        session.close();
    }
}
