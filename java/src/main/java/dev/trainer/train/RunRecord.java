package dev.trainer.train;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trainer.data.Dataset;
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
final class RunRecord {

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final TrainConfig config;
    private final String modelHash;
    private final String trainHash;
    private final String validationHash;
    private final ObjectNode model;
    private final Dataset train;
    private final Dataset validation;
    private final Instant started;

    RunRecord(TrainConfig config, OnnxModel onnx, TrainingSession session, Dataset train, Dataset validation, Instant started) {
        this.config = config;
        this.modelHash = Provenance.sha256(config.model());
        this.trainHash = Provenance.sha256(config.train());
        this.validationHash = config.validation() == null ? null : Provenance.sha256(config.validation());
        this.train = train;
        this.validation = validation;
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
        m.put("trainer.train_data_sha256", trainHash);
        m.put("trainer.settings", settings().toString());
        return m;
    }

    private ObjectNode settings() {
        return JSON.createObjectNode()
                .put("epochs", config.epochs())
                .put("batch_size", config.batchSize())
                .put("lr", config.learningRate())
                .put("optimizer", config.optimizer().cliName())
                .put("weight_decay", config.weightDecay())
                .put("momentum", config.momentum())
                .put("max_grad_norm", config.maxGradNorm())
                .put("shuffle", config.shuffle())
                .put("seed", config.seed())
                .put("max_steps", config.maxSteps())
                .put("loss", config.loss().cliName())
                .put("label_column", config.labelColumn());
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
        ObjectNode data = root.putObject("data");
        data.putObject("train").put("path", config.train().toString()).put("sha256", trainHash).put("samples", train.size());
        if (validation != null) {
            data.putObject("validation").put("path", config.validation().toString())
                    .put("sha256", validationHash).put("samples", validation.size());
        }
        ObjectNode outcome = root.putObject("result").put("steps", result.steps()).put("epochs", result.epochs());
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
