package dev.trainer.train;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * {@code metrics.jsonl}: one JSON object per line, flushed as written so that a crashed or
 * interrupted run still leaves its history readable.
 */
public final class MetricsLog implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final BufferedWriter out;

    public MetricsLog(Path file) {
        try {
            out = Files.newBufferedWriter(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    /** A training step; {@code momentum} only when a schedule cycles it (NaN otherwise, and left out). */
    public void step(int epoch, long step, double loss, double lr, double momentum, double stepMillis) {
        ObjectNode line = JSON.createObjectNode().put("event", "step").put("epoch", epoch).put("step", step);
        number(line, "loss", loss);
        line.put("lr", lr);
        if (!Double.isNaN(momentum)) {
            line.put("momentum", momentum);
        }
        number(line, "step_ms", stepMillis);
        write(line);
    }

    /**
     * An epoch's summary: training loss (and accuracy, for classes), and with validation data its
     * loss, accuracy, per-class recall, the share of predictions per class and the train/val gap.
     */
    public void epoch(int epoch, long step, double trainLoss, double trainAccuracy, Evaluation validation) {
        ObjectNode line = JSON.createObjectNode().put("event", "epoch").put("epoch", epoch).put("step", step);
        number(line, "train_loss", trainLoss);
        if (!Double.isNaN(trainAccuracy)) {
            line.put("train_accuracy", trainAccuracy);
        }
        if (validation != null) {
            validationFields(line, validation);
            number(line, "gap", validation.loss() - trainLoss);
        }
        write(line);
    }

    /** A validation run between epoch ends ({@code --eval-every}). */
    public void evaluation(int epoch, long step, Evaluation validation) {
        ObjectNode line = JSON.createObjectNode().put("event", "eval").put("epoch", epoch).put("step", step);
        validationFields(line, validation);
        write(line);
    }

    /** Early stopping put back the parameters of this evaluation: they are what gets exported. */
    public void restore(int epoch, long step, String metric, double value) {
        ObjectNode line = JSON.createObjectNode().put("event", "restore").put("epoch", epoch).put("step", step)
                .put("metric", metric);
        number(line, "value", value);
        write(line);
    }

    /** Any other event, already built (e.g. per-layer statistics). */
    public void event(ObjectNode line) {
        write(line);
    }

    private static void validationFields(ObjectNode line, Evaluation validation) {
        number(line, "val_loss", validation.loss());
        if (!Double.isNaN(validation.meanAbsoluteError())) {
            number(line, "val_mae", validation.meanAbsoluteError());
            number(line, "val_r2", validation.r2());
        }
        if (!Double.isNaN(validation.accuracy())) {
            line.put("val_accuracy", validation.accuracy());
            number(line, "val_macro_f1", validation.macroF1());
            var recall = line.putArray("val_recall");
            for (double r : validation.recallPerClass()) {
                if (Double.isNaN(r)) {
                    recall.addNull();
                } else {
                    recall.add(r);
                }
            }
            var share = line.putArray("val_predicted_share");
            for (double v : validation.predictedShare()) {
                share.add(v);
            }
        }
    }

    /** JSON has no NaN or infinity: a diverged loss is written as null. */
    private static void number(ObjectNode line, String field, double value) {
        if (Double.isFinite(value)) {
            line.put(field, value);
        } else {
            line.putNull(field);
        }
    }

    private void write(ObjectNode line) {
        try {
            out.write(JSON.writeValueAsString(line));
            out.newLine();
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write metrics", e);
        }
    }

    @Override
    public void close() {
        try {
            out.close();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot close metrics", e);
        }
    }
}
