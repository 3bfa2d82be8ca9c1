package dev.trainer.train;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import dev.trainer.data.ImageDataset;
import dev.trainer.onnx.OnnxModel;
import dev.trainer.runtime.TrainingSession;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code run.json}: the settings of a run and its provenance (input hashes, versions, seed), so
 * that a model can be traced back to exactly what made it; the same facts go into the exported
 * model's metadata.
 */
public final class RunRecord {

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /** Metadata key of the class names (a JSON array, by id) when the labels were names. */
    public static final String CLASS_NAMES_KEY = "trainer.class_names";
    /** How images became model inputs, for a service to repeat: {@link dev.trainer.data.image.ImagePreprocessing#describe()}. */
    public static final String IMAGE_PREPROCESSING_KEY = "trainer.image_preprocessing";

    private final TrainConfig config;
    private final String modelHash;
    private final String trainHash;
    private final String validationHash;
    private final ObjectNode model;
    private final TrainingData data;
    /** The samples are a cross-validation fold of the training file, not all of it. */
    private final boolean foldOfFile;
    private final Instant started;

    RunRecord(TrainConfig config, OnnxModel onnx, TrainingSession session, TrainingData data, boolean foldOfFile,
              Instant started) {
        this.foldOfFile = foldOfFile;
        this.config = config;
        this.modelHash = Provenance.sha256(config.model());
        this.trainHash = config.data().train() == null ? null : Provenance.sha256(config.data().train());
        this.validationHash = config.data().validation() == null ? null : Provenance.sha256(config.data().validation());
        this.data = data;
        this.started = started;
        this.model = JSON.createObjectNode()
                .put("path", config.model().toString())
                .put("sha256", modelHash)
                .put("opset", onnx.opset())
                .put("output", session.output())
                .put("trainable_parameters", session.parameters().parameterCount());
        session.graphs().trainable().forEach(model.putArray("trainable")::add);
    }

    /** Provenance for the exported model's {@code metadata_props}. */
    Map<String, String> modelMetadata() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("trainer.version", Provenance.trainerVersion());
        m.put("trainer.base_model_sha256", modelHash);
        if (trainHash != null) {
            m.put("trainer.train_data_sha256", trainHash);
        }
        if (!data.classNames().isEmpty()) {
            m.put(CLASS_NAMES_KEY, JSON.valueToTree(data.classNames()).toString());
        }
        if (data.train() instanceof ImageDataset images) {
            ObjectNode preprocessing = JSON.valueToTree(images.preprocessing().describe());
            // the export puts the normalization in front of the graph: a service feeds [0, 1] pixels
            preprocessing.put("model_input", "pixels in [0, 1]; mean and std are the model's first nodes");
            m.put(IMAGE_PREPROCESSING_KEY, preprocessing.toString());
        }
        m.put("trainer.settings", settings().toString());
        return m;
    }

    private ObjectNode settings() {
        return JSON.valueToTree(new Settings(config));
    }

    /** The settings as run.json spells them. */
    private record Settings(int epochs, int batch_size, long max_steps, boolean shuffle, long seed, long eval_every,
                            String optimizer, double lr, double momentum, double weight_decay, double max_grad_norm,
                            String lr_schedule, long warmup_steps, double warmup_ratio, List<String> lr_groups,
                            double layer_decay, List<String> l1, List<String> l2, boolean regularize_all,
                            String loss, String output, String label_column, double val_split, String normalize,
                            String class_weights, String sampler, String augment, double mixup,
                            int early_stopping_patience, String early_stopping_metric, double min_delta,
                            List<String> freeze, List<String> train_only, int freeze_bottom, int unfreeze_every,
                            boolean dropout) {
        Settings(TrainConfig c) {
            this(c.loop().epochs(), c.loop().batchSize(), c.loop().maxSteps(), c.loop().shuffle(), c.loop().seed(),
                    c.loop().evalEvery(), c.optimizer().kind().cliName(), c.optimizer().learningRate(),
                    c.optimizer().momentum(), c.optimizer().weightDecay(), c.optimizer().maxGradNorm(),
                    c.optimizer().schedule(), c.optimizer().warmupSteps(), c.optimizer().warmupRatio(),
                    c.optimizer().lrGroups(), c.optimizer().layerDecay(), c.optimizer().l1(), c.optimizer().l2(),
                    c.optimizer().regularizeAll(), c.data().loss().cliName(), c.data().output(), c.data().labelColumn(),
                    c.data().valSplit(), c.data().normalize() == null ? null : c.data().normalize().name().toLowerCase(),
                    c.balance().classWeights(), c.balance().sampler(), c.balance().augment(), c.balance().mixup(),
                    c.stopping().patience(), c.stopping().metric(), c.stopping().minDelta(), c.freezing().freeze(),
                    c.freezing().trainOnly(), c.freezing().freezeBottom(), c.freezing().unfreezeEvery(), c.dropout());
        }
    }

    void write(Path file, FineTune.RunResult result, Instant finished) {
        ObjectNode root = JSON.createObjectNode()
                .put("command", "fine-tune")
                .put("trainer_version", Provenance.trainerVersion())
                .put("onnxruntime_version", Provenance.onnxRuntimeVersion())
                .put("java_version", Runtime.version().toString())
                .put("started", started.toString())
                .put("finished", finished.toString());
        root.set("settings", settings());
        root.set("model", model);
        ObjectNode dataNode = root.putObject("data");
        ObjectNode trainNode = dataNode.putObject("train").put("samples", data.train().size());
        if (config.data().train() != null) {
            trainNode.put("path", config.data().train().toString()).put("sha256", trainHash);
            if (foldOfFile) {
                trainNode.put("fold_of_file", true);
            }
        }
        if (data.validation() != null) {
            ObjectNode v = dataNode.putObject("validation").put("samples", data.validation().size());
            if (foldOfFile) {
                v.put("path", config.data().train().toString()).put("sha256", trainHash).put("fold_of_file", true);
            }
            if (config.data().validation() != null) {
                v.put("path", config.data().validation().toString()).put("sha256", validationHash);
            }
        }
        if (data.distribution() != null) {
            var counts = dataNode.putArray("train_class_counts");
            for (int c : data.distribution().counts()) {
                counts.add(c);
            }
        }
        if (!data.classNames().isEmpty()) {
            dataNode.set("class_names", JSON.valueToTree(data.classNames()));
        }
        if (data.train() instanceof ImageDataset images) {
            dataNode.set("image_preprocessing", JSON.valueToTree(images.preprocessing().describe()));
            if (images.augmentation() != null) {
                dataNode.put("image_augmentation", images.augmentation().toString());
            }
        }
        if (data.classWeightValues() != null) {
            var weights = dataNode.putArray("class_weights");
            for (double w : data.classWeightValues()) {
                weights.add(w);
            }
        }
        if (!data.normalizations().isEmpty()) {
            dataNode.set("normalization", JSON.valueToTree(data.normalizations()));
        }
        ObjectNode outcome = root.putObject("result").put("steps", result.steps()).put("epochs", result.epochs())
                .put("stop_reason", result.stopReason());
        if (result.bestEpoch() > 0) {
            outcome.put("restored_best_epoch", result.bestEpoch());
        }
        putNumber(outcome, "train_loss", result.trainLoss());
        if (result.validation() != null) {
            putNumber(outcome, "val_loss", result.validation().loss());
            putNumber(outcome, "val_accuracy", result.validation().accuracy());
        }
        Path tmp = file.resolveSibling("." + file.getFileName() + ".tmp");
        try {
            JSON.writeValue(tmp.toFile(), root);
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    private static void putNumber(ObjectNode node, String field, double value) {
        if (Double.isFinite(value)) {
            node.put(field, value);
        }
    }
}
