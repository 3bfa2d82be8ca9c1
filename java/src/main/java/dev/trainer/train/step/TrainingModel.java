package dev.trainer.train.step;

import ai.onnx.proto.OnnxMl.NodeProto;
import dev.trainer.config.LossKind;
import dev.trainer.config.ModelConfig;
import dev.trainer.config.RunConfig;
import dev.trainer.heads.ClassificationHead;
import dev.trainer.heads.HeadEdit;
import dev.trainer.heads.HeadReplacement;
import dev.trainer.onnx.OnnxModel;
import dev.trainer.train.FinalSoftmax;
import dev.trainer.train.params.ParameterGroups;
import dev.trainer.train.params.TrainableSelection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The model a run trains, as its configuration makes it: the file with any head edit (what gets
 * exported), the graph the step runs (the logits made an output when the model ends in a
 * softmax), the output the loss reads, which parameters train when, and their optimizer settings.
 *
 * @param exported     the model to export with the trained values: the file with its head edit
 * @param trained      the model the step runs: {@code exported}, its logits an output under a final softmax
 * @param output       the output the loss reads
 * @param note         what to tell the user about a final softmax, or {@code null}
 * @param selection    the trainable parameters and the gradual-unfreezing schedule
 * @param groups       every trainable parameter's learning-rate scale, decay and penalties
 * @param lookupTables parameters Gather reads as its data (embeddings), whose gradients are sparse
 */
public record TrainingModel(OnnxModel exported, OnnxModel trained, String output, String note,
                            TrainableSelection selection, ParameterGroups groups, Set<String> lookupTables) {

    /**
     * Loads and edits the configured model.
     *
     * @throws dev.trainer.ModelException for a model that cannot be read or edited as asked
     * @throws IllegalArgumentException for freezing or group patterns that match no parameter
     */
    public static TrainingModel of(RunConfig config) {
        HeadEdit edit = headEdit(OnnxModel.load(config.model().file()), config.model(), config.loop().seed());
        OnnxModel exported = edit.model();
        TrainableSelection selection = TrainableSelection.of(exported, config.freezing());
        String output = edit.output();
        OnnxModel trained = exported;
        String note = null;
        FinalSoftmax softmax = config.loss().kind() == LossKind.CROSS_ENTROPY && config.model().output() == null
                ? FinalSoftmax.of(exported, output) : null;
        if (softmax != null) {
            note = softmax.note(output);
            output = softmax.logits();
            trained = softmax.model();
        }
        Set<String> candidates = new HashSet<>(selection.candidates());
        Map<String, long[]> shapes = new LinkedHashMap<>();
        exported.proto().getGraph().getInitializerList().stream().filter(t -> candidates.contains(t.getName()))
                .forEach(t -> shapes.put(t.getName(), t.getDimsList().stream().mapToLong(Long::longValue).toArray()));
        ParameterGroups groups = ParameterGroups.of(config.optimizer(), config.regularization(), selection.layerGroups(),
                shapes, normalizationParameters(exported));
        return new TrainingModel(exported, trained, output, note, selection, groups, lookupTables(exported));
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
        return new HeadEdit(model, output != null ? output : model.proto().getGraph().getOutput(0).getName(), List.of());
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

    /** Parameters read by Gather as its data: embedding tables, whose gradients are sparse. */
    private static Set<String> lookupTables(OnnxModel model) {
        Set<String> tables = new HashSet<>();
        for (NodeProto node : model.proto().getGraph().getNodeList()) {
            if (node.getOpType().equals("Gather") && node.getInputCount() > 0) {
                tables.add(node.getInput(0));
            }
        }
        return tables;
    }
}
