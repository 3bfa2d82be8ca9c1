package dev.trainer.run;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trainer.RunStatus;
import dev.trainer.config.RunConfig;
import dev.trainer.data.ImageDataset;
import dev.trainer.distributed.BatchShards;
import dev.trainer.distributed.Collective;
import dev.trainer.events.CheckpointEvent;
import dev.trainer.io.AtomicFile;
import dev.trainer.monitor.ScoresJson;
import dev.trainer.onnx.ModelMetadata;
import dev.trainer.runtime.TrainingSession;
import dev.trainer.train.loop.PreparedData;
import dev.trainer.train.loop.TrainingLoop;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code run.json}: a run's status, its configuration ({@code config}, as {@link ConfigJson} maps
 * it) and its provenance (input hashes, versions), so that a model can be traced back to exactly
 * what made it, and the run's result; the same facts go into the exported model's metadata. It is
 * written when the run starts ({@code "status": "running"}), again at every checkpoint, and when
 * the run ends ({@code completed}, {@code stopped-early}, {@code interrupted}, {@code diverged},
 * {@code failed}), always atomically.
 */
public final class RunRecord {

    /**
     * What a run.json says about a run, for {@code trainer resume}.
     *
     * @param started  when the run first started
     * @param resumed  when it was resumed before, oldest first
     * @param dataSha256 the SHA-256 of the training and validation files, by their role ("train", "validation")
     * @param fold     whether the run trained on a cross-validation fold of its training file
     * @param ranks    the ranks of the data-parallel job it ran in, 1 for a single process
     */
    record Recorded(RunConfig config, RunStatus status, Instant started, List<String> resumed,
                    Map<String, String> dataSha256, boolean fold, int ranks) {
    }

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
    private final List<String> resumed = new ArrayList<>();

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

    /** SHA-256 of the model file. */
    String modelHash() {
        return modelHash;
    }

    /** This record continues a run started earlier: keeps its start and earlier resumptions, adds now. */
    RunRecord resumedFrom(Recorded earlier, Instant now) {
        resumed.addAll(earlier.resumed());
        resumed.add(now.toString());
        return this;
    }

    /**
     * The configuration a {@code run.json} recorded, as it was given.
     *
     * @throws IllegalArgumentException for a file that is not a run record, in one line
     */
    public static RunConfig readConfig(Path runJson) {
        return ConfigJson.fromTree(tree(runJson).path("config"));
    }

    /**
     * Everything {@code trainer resume} reads of a run.json.
     *
     * @throws IllegalArgumentException for a file that is not a run record, in one line
     */
    static Recorded read(Path runJson) {
        JsonNode root = tree(runJson);
        RunConfig config = ConfigJson.fromTree(root.path("config"));
        List<String> resumed = new ArrayList<>();
        root.path("resumed").forEach(r -> resumed.add(r.asText()));
        Map<String, String> hashes = new LinkedHashMap<>();
        for (String role : List.of("train", "validation")) {
            JsonNode hash = root.path("data").path(role).path("sha256");
            if (hash.isTextual()) {
                hashes.put(role, hash.asText());
            }
        }
        try {
            return new Recorded(config, RunStatus.parse(root.path("status").asText("running")),
                    Instant.parse(root.path("started").asText()), resumed, hashes,
                    root.path("data").path("train").path("fold_of_file").asBoolean(false),
                    root.path("data_parallel").path("ranks").asInt(1));
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(runJson + ": not a run record (" + e.getMessage() + ")");
        }
    }

    private static JsonNode tree(Path runJson) {
        try {
            return JSON.readTree(runJson.toFile());
        } catch (IOException e) {
            throw new IllegalArgumentException(runJson + ": not a readable run.json (" + e.getMessage() + ")");
        }
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

    /**
     * Writes run.json atomically: the status, configuration, provenance, data, the last checkpoint
     * and, once the loop has ended, its outcome.
     *
     * @param result     the loop's outcome, or {@code null} while it runs or when it failed
     * @param checkpoint the last checkpoint written, or {@code null}
     * @param failure    what went wrong, for a diverged or failed run, or {@code null}
     */
    void write(Path file, RunStatus status, TrainingLoop.Outcome result, CheckpointEvent checkpoint, String failure) {
        ObjectNode root = JSON.createObjectNode()
                .put("command", "fine-tune")
                .put("status", status.spec())
                .put("trainer_version", Provenance.trainerVersion())
                .put("onnxruntime_version", Provenance.onnxRuntimeVersion())
                .put("java_version", Runtime.version().toString())
                .put("started", started.toString());
        if (!resumed.isEmpty()) {
            resumed.forEach(root.putArray("resumed")::add);
        }
        if (status != RunStatus.RUNNING) {
            root.put("finished", Instant.now().toString());
        }
        if (failure != null) {
            root.put("failure", failure);
        }
        root.set("config", ConfigJson.toTree(config));
        root.set("model", model);
        root.set("data", dataNode());
        if (ranks.size() > 1) {
            int batch = config.loop().batchSize();
            root.putObject("data_parallel").put("ranks", ranks.size()).put("collective", ranks.description())
                    .put("batch_per_rank", batch).put("effective_batch", BatchShards.globalBatchSize(batch, ranks.size()))
                    .put("threads_per_rank", config.runtime().threads());
        }
        if (checkpoint != null) {
            root.putObject("checkpoint").put("file", file.toAbsolutePath().getParent().relativize(checkpoint.file().toAbsolutePath()).toString())
                    .put("epoch", checkpoint.epoch()).put("step", checkpoint.step());
        }
        if (result != null) {
            root.set("result", resultNode(result));
        }
        AtomicFile.write(file, out -> JSON.writeValue(out, root));
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
