package dev.trainer.run;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trainer.config.RunConfig;
import dev.trainer.data.ImageDataset;
import dev.trainer.distributed.BatchShards;
import dev.trainer.distributed.Collective;
import dev.trainer.monitor.ScoresJson;
import dev.trainer.onnx.ModelMetadata;
import dev.trainer.runtime.TrainingSession;
import dev.trainer.train.loop.PreparedData;
import dev.trainer.train.loop.TrainingLoop;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code run.json}: a run's configuration ({@code config}, as {@link ConfigJson} maps it) and its
 * provenance (input hashes, versions), so that a model can be traced back to exactly what made it,
 * and the run's result; the same facts go into the exported model's metadata.
 */
public final class RunRecord {

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final RunConfig config;
    private final String modelHash;
    private final String trainHash;
    private final String validationHash;
    private final ObjectNode model;
    private final PreparedData data;
    /** The samples are a cross-validation fold of the training file, not all of it. */
    private final boolean foldOfFile;
    private final Instant started;
    private final Collective ranks;

    /**
     * Hashes the inputs; reads the trained set of parameters off the open session.
     *
     * @param ranks the job the run trained in
     */
    RunRecord(RunConfig config, TrainingSession session, long opset, PreparedData data, boolean foldOfFile,
              Instant started, Collective ranks) {
        this.foldOfFile = foldOfFile;
        this.ranks = ranks;
        this.config = config;
        this.modelHash = Provenance.sha256(config.model().file());
        this.trainHash = config.data().train() == null ? null : Provenance.sha256(config.data().train());
        this.validationHash = config.data().validation() == null ? null : Provenance.sha256(config.data().validation());
        this.data = data;
        this.started = started;
        this.model = JSON.createObjectNode()
                .put("path", config.model().file().toString())
                .put("sha256", modelHash)
                .put("opset", opset)
                .put("output", session.output())
                .put("trainable_parameters", session.parameters().parameterCount());
        session.graphs().trainable().forEach(model.putArray("trainable")::add);
    }

    /**
     * The configuration a {@code run.json} recorded, as it was given.
     *
     * @throws IllegalArgumentException for a file that is not a run record, in one line
     */
    public static RunConfig readConfig(Path runJson) {
        JsonNode root;
        try {
            root = JSON.readTree(runJson.toFile());
        } catch (IOException e) {
            throw new IllegalArgumentException(runJson + ": not a readable run.json (" + e.getMessage() + ")");
        }
        return ConfigJson.fromTree(root.path("config"));
    }

    /**
     * The configuration of an exported model's {@code trainer.config} metadata.
     *
     * @throws IllegalArgumentException when it is not a run configuration, in one line
     */
    static RunConfig parseConfig(String json) {
        try {
            return ConfigJson.fromTree(JSON.readTree(json));
        } catch (IOException e) {
            throw new IllegalArgumentException("unreadable run configuration (" + e.getMessage() + ")");
        }
    }

    /** Provenance for the exported model's {@code metadata_props}. */
    Map<String, String> modelMetadata() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put(ModelMetadata.VERSION, Provenance.trainerVersion());
        m.put(ModelMetadata.BASE_MODEL_SHA256, modelHash);
        if (trainHash != null) {
            m.put(ModelMetadata.TRAIN_DATA_SHA256, trainHash);
        }
        if (!data.classNames().isEmpty()) {
            m.put(ModelMetadata.CLASS_NAMES, JSON.valueToTree(data.classNames()).toString());
        }
        if (data.train() instanceof ImageDataset images) {
            ObjectNode preprocessing = JSON.valueToTree(images.preprocessing().describe());
            // the export puts the normalization in front of the graph: a service feeds [0, 1] pixels
            preprocessing.put("model_input", "pixels in [0, 1]; mean and std are the model's first nodes");
            m.put(ModelMetadata.IMAGE_PREPROCESSING, preprocessing.toString());
        }
        m.put(ModelMetadata.CONFIG, ConfigJson.toTree(config).toString());
        return m;
    }

    /** Writes run.json atomically: the configuration, provenance, data and the loop's outcome. */
    void write(Path file, TrainingLoop.Outcome result, Instant finished) {
        ObjectNode root = JSON.createObjectNode()
                .put("command", "fine-tune")
                .put("trainer_version", Provenance.trainerVersion())
                .put("onnxruntime_version", Provenance.onnxRuntimeVersion())
                .put("java_version", Runtime.version().toString())
                .put("started", started.toString())
                .put("finished", finished.toString());
        root.set("config", ConfigJson.toTree(config));
        root.set("model", model);
        root.set("data", dataNode());
        if (ranks.size() > 1) {
            int batch = config.loop().batchSize();
            root.putObject("data_parallel").put("ranks", ranks.size()).put("collective", ranks.description())
                    .put("batch_per_rank", batch).put("effective_batch", BatchShards.globalBatchSize(batch, ranks.size()))
                    .put("threads_per_rank", config.runtime().threads());
        }
        root.set("result", resultNode(result));
        Path tmp = file.resolveSibling("." + file.getFileName() + ".tmp");
        try {
            JSON.writeValue(tmp.toFile(), root);
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    private ObjectNode dataNode() {
        ObjectNode node = JSON.createObjectNode();
        ObjectNode train = node.putObject("train").put("samples", data.train().size());
        if (config.data().train() != null) {
            train.put("path", config.data().train().toString()).put("sha256", trainHash);
            if (foldOfFile) {
                train.put("fold_of_file", true);
            }
        }
        if (data.validation() != null) {
            ObjectNode v = node.putObject("validation").put("samples", data.validation().size());
            if (foldOfFile) {
                v.put("path", config.data().train().toString()).put("sha256", trainHash).put("fold_of_file", true);
            }
            if (config.data().validation() != null) {
                v.put("path", config.data().validation().toString()).put("sha256", validationHash);
            }
        }
        if (data.distribution() != null) {
            var counts = node.putArray("train_class_counts");
            for (int c : data.distribution().counts()) {
                counts.add(c);
            }
        }
        if (!data.classNames().isEmpty()) {
            node.set("class_names", JSON.valueToTree(data.classNames()));
        }
        if (data.classWeights() != null) {
            var weights = node.putArray("class_weights");
            for (double w : data.classWeights()) {
                weights.add(w);
            }
        }
        if (!data.normalizations().isEmpty()) {
            node.set("normalization", JSON.valueToTree(data.normalizations()));
        }
        if (data.train() instanceof ImageDataset images) {
            node.set("image_preprocessing", JSON.valueToTree(images.preprocessing().describe()));
            if (images.augmentation() != null) {
                node.put("image_augmentation", images.augmentation().toString());
            }
        }
        return node;
    }

    private static ObjectNode resultNode(TrainingLoop.Outcome result) {
        ObjectNode outcome = JSON.createObjectNode().put("steps", result.steps()).put("epochs", result.epochs())
                .put("stop_reason", result.stopReason());
        if (result.bestEpoch() > 0) {
            outcome.put("restored_best_epoch", result.bestEpoch());
        }
        putNumber(outcome, "train_loss", result.trainLoss());
        if (result.validation() != null) {
            ScoresJson.write(outcome, "val_", result.validation());
        }
        return outcome;
    }

    private static void putNumber(ObjectNode node, String field, double value) {
        if (Double.isFinite(value)) {
            node.put(field, value);
        }
    }
}
