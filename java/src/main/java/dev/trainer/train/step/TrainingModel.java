package dev.trainer.train.step;

import dev.trainer.config.LoraConfig;
import dev.trainer.config.LossKind;
import dev.trainer.config.ModelConfig;
import dev.trainer.config.RunConfig;
import dev.trainer.edit.ClassificationHead;
import dev.trainer.edit.FinalSoftmax;
import dev.trainer.edit.HeadEdit;
import dev.trainer.edit.HeadReplacement;
import dev.trainer.edit.LoraAdapter;
import dev.trainer.edit.LoraEdit;
import dev.trainer.onnx.ModelGraph;
import dev.trainer.onnx.OnnxModel;
import dev.trainer.onnx.PositionTable;
import dev.trainer.onnx.TensorTypes;
import dev.trainer.runtime.ModelReadiness;
import dev.trainer.train.optim.ParameterGroups;
import dev.trainer.train.optim.TrainableSelection;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The model a run trains, as its configuration makes it: the file with its shared initializers
 * handled and any head edit (what gets exported), the graph the step runs (with LoRA adapters
 * beside its weights when asked, and the logits made an output when the model ends in a
 * softmax), the output the loss reads, which parameters train when, and their optimizer settings.
 *
 * @param exported     the model to export with the trained values: the file, untied as configured, with its head edit
 * @param trained      the model the step runs: {@code exported} with its LoRA adapters, its logits an
 *                     output under a final softmax
 * @param output       the output the loss reads
 * @param notes        what to tell the user about the model: random ops, shared initializers, a final softmax
 * @param selection    the trainable parameters and the gradual-unfreezing schedule
 * @param groups       every trainable parameter's learning-rate scale, decay and penalties
 * @param lookupTables parameters Gather reads as its data (embeddings), whose gradients are sparse
 * @param adapters     the LoRA adapters {@code trained} has and the export merges; empty without {@code --lora}
 */
public record TrainingModel(OnnxModel exported, OnnxModel trained, String output, List<String> notes,
                            TrainableSelection selection, ParameterGroups groups, Set<String> lookupTables,
                            List<LoraAdapter> adapters) {

    public TrainingModel {
        notes = List.copyOf(notes);
        adapters = List.copyOf(adapters);
    }

    /**
     * Loads and edits the configured model.
     *
     * @throws dev.trainer.ModelException for a model that cannot be read or edited as asked, that holds
     *         random ops the configuration does not allow, or that is not ready to train
     *         ({@link ModelReadiness})
     * @throws IllegalArgumentException for freezing or group patterns that match no parameter
     */
    public static TrainingModel of(RunConfig config) {
        List<String> notes = new ArrayList<>();
        HeadEdit edit = exportEdit(OnnxModel.load(config.model().file()), config, notes::add);
        OnnxModel exported = edit.model();
        ModelReadiness.require(exported, edit.output());
        if (config.data().text()) {
            PositionTable.requireFits(exported, config.text().maxLength());
        }
        LoraConfig lora = config.lora();
        LoraEdit adapted = lora.enabled() ? LoraEdit.apply(exported, lora.adapter(), lora.targets(),
                config.model().dropout(), config.loop().seed()) : null;
        OnnxModel trained = adapted == null ? exported : adapted.model();
        TrainableSelection selection = adapted == null ? TrainableSelection.of(exported, config.freezing())
                : TrainableSelection.of(trained, config.freezing(), concat(adapted.factors(), edit.parameters()),
                        lora.alsoTrain());
        String output = edit.output();

        FinalSoftmax softmax = config.loss().kind() == LossKind.CROSS_ENTROPY && config.model().output() == null
                ? FinalSoftmax.of(trained, output) : null;
        if (softmax != null) {
            notes.add(softmax.note(output));
            output = softmax.logits();
            trained = softmax.model();
        }
        ModelGraph graph = trained.graph();
        Map<String, long[]> shapes = new LinkedHashMap<>();
        selection.candidates().forEach(p -> shapes.put(p, TensorTypes.dims(graph.initializer(p))));
        ParameterGroups groups = ParameterGroups.of(config.optimizer(), config.regularization(), selection.layerGroups(),
                shapes, graph.normalizationParameters());
        return new TrainingModel(exported, trained, output, notes, selection, groups, graph.lookupTables(),
                adapted == null ? List.of() : adapted.adapters());
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }

    /**
     * The model a run exports, before its trained values go in: the base model with its shared
     * initializers handled as configured (what was found and done goes to {@code notes}) and the
     * configured head edit; {@code trainer merge} makes it again from the base model and the run's
     * configuration.
     *
     * @throws dev.trainer.ModelException when the model has random ops the configuration does not allow
     */
    public static HeadEdit exportEdit(OnnxModel base, RunConfig config, Consumer<String> notes) {
        OnnxModel untied = GraphTrapHandling.apply(base, config.model().traps(), notes);
        return headEdit(untied, config.model(), config.loop().seed());
    }

    /**
     * The model with the configured head edit ({@code --head}, {@code --replace-head}), and the
     * output the loss reads unless the user named one.
     */
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
