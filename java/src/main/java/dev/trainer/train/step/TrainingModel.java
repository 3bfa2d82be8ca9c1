package dev.trainer.train.step;

import dev.trainer.config.LossKind;
import dev.trainer.config.ModelConfig;
import dev.trainer.config.RunConfig;
import dev.trainer.edit.ClassificationHead;
import dev.trainer.edit.FinalSoftmax;
import dev.trainer.edit.HeadEdit;
import dev.trainer.edit.HeadReplacement;
import dev.trainer.onnx.OnnxModel;
import dev.trainer.onnx.TensorTypes;
import dev.trainer.train.optim.ParameterGroups;
import dev.trainer.train.optim.TrainableSelection;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The model a run trains, as its configuration makes it: the file with its shared initializers
 * handled and any head edit (what gets exported), the graph the step runs (the logits made an
 * output when the model ends in a softmax), the output the loss reads, which parameters train
 * when, and their optimizer settings.
 *
 * @param exported     the model to export with the trained values: the file, untied as configured, with its head edit
 * @param trained      the model the step runs: {@code exported}, its logits an output under a final softmax
 * @param output       the output the loss reads
 * @param notes        what to tell the user about the model: random ops, shared initializers, a final softmax
 * @param selection    the trainable parameters and the gradual-unfreezing schedule
 * @param groups       every trainable parameter's learning-rate scale, decay and penalties
 * @param lookupTables parameters Gather reads as its data (embeddings), whose gradients are sparse
 */
public record TrainingModel(OnnxModel exported, OnnxModel trained, String output, List<String> notes,
                            TrainableSelection selection, ParameterGroups groups, Set<String> lookupTables) {

    /**
     * Loads and edits the configured model.
     *
     * @throws dev.trainer.ModelException for a model that cannot be read or edited as asked, or that
     *         holds random ops the configuration does not allow
     * @throws IllegalArgumentException for freezing or group patterns that match no parameter
     */
    public static TrainingModel of(RunConfig config) {
        List<String> notes = new ArrayList<>();
        OnnxModel loaded = GraphTrapHandling.apply(OnnxModel.load(config.model().file()), config.model().traps(),
                notes::add);
        HeadEdit edit = headEdit(loaded, config.model(), config.loop().seed());
        OnnxModel exported = edit.model();
        TrainableSelection selection = TrainableSelection.of(exported, config.freezing());
        String output = edit.output();
        OnnxModel trained = exported;
        FinalSoftmax softmax = config.loss().kind() == LossKind.CROSS_ENTROPY && config.model().output() == null
                ? FinalSoftmax.of(exported, output) : null;
        if (softmax != null) {
            notes.add(softmax.note(output));
            output = softmax.logits();
            trained = softmax.model();
        }
        Map<String, long[]> shapes = new LinkedHashMap<>();
        selection.candidates().forEach(p -> shapes.put(p, TensorTypes.dims(exported.graph().initializer(p))));
        ParameterGroups groups = ParameterGroups.of(config.optimizer(), config.regularization(), selection.layerGroups(),
                shapes, exported.graph().normalizationParameters());
        return new TrainingModel(exported, trained, output, List.copyOf(notes), selection, groups,
                exported.graph().lookupTables());
    }

    /** The model to train, and the output the loss reads unless the user named one. */
    private static HeadEdit headEdit(OnnxModel model, ModelConfig config, long seed) {
        String output = config.output();
        if (config.head() != null) {
            return ClassificationHead.attach(model, config.head(), output, seed);
        }
        if (config.replaceHead() > 0) {
            return HeadReplacement.replace(model, config.replaceHead(), output, seed);
        }
        return new HeadEdit(model, output != null ? output : model.graph().outputNames().getFirst(), List.of());
    }
}
