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

    public void step(int epoch, long step, double loss, double lr, double stepMillis) {
        ObjectNode line = JSON.createObjectNode().put("event", "step").put("epoch", epoch).put("step", step);
        number(line, "loss", loss);
        line.put("lr", lr);
        number(line, "step_ms", stepMillis);
        write(line);
    }

    /** An epoch's summary; validation fields only when there is validation data. */
    public void epoch(int epoch, double trainLoss, Evaluation validation) {
        ObjectNode line = JSON.createObjectNode().put("event", "epoch").put("epoch", epoch);
        number(line, "train_loss", trainLoss);
        if (validation != null) {
            number(line, "val_loss", validation.loss());
            if (!Double.isNaN(validation.accuracy())) {
                line.put("val_accuracy", validation.accuracy());
            }
        }
        write(line);
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
