package dev.trainer.train.loop;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trainer.monitor.ScoresJson;
import dev.trainer.train.schedule.ScheduleState;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A {@link LoopState.Snapshot} as JSON, for a checkpoint's {@code LOOP} section, and back. Every
 * number is kept exactly (Java writes the shortest decimal that reads back as the same double);
 * non-finite numbers are written as the strings {@code "NaN"}, {@code "Infinity"}, {@code "-Infinity"}.
 * Early stopping's best parameters are listed by name and size here; their values travel as
 * floats beside the JSON ({@link #bestValues}).
 */
public final class SnapshotJson {

    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    private SnapshotJson() {
    }

    public static ObjectNode write(LoopState.Snapshot s) {
        ObjectNode out = JSON.objectNode().put("epoch", s.epoch()).put("epochs_run", s.epochsRun()).put("step", s.step())
                .put("batch_in_epoch", s.batchInEpoch()).put("samples", s.samples()).put("correct", s.correct())
                .put("counted", s.counted()).put("non_finite_steps", s.nonFiniteSteps());
        number(out, "loss_sum", s.lossSum());
        number(out, "last_train_loss", s.lastTrainLoss());
        number(out, "lr_scale", s.lrScale());
        if (s.lastValidation() != null) {
            out.set("last_validation", ScoresJson.write(s.lastValidation()));
        }
        if (s.schedule() != null) {
            ObjectNode schedule = out.putObject("schedule").put("bad_results", s.schedule().badResults());
            number(schedule, "learning_rate", s.schedule().learningRate());
            number(schedule, "best", s.schedule().best());
        }
        out.set("early_stopping", stopping(s.stopping()));
        ObjectNode guard = out.putObject("divergence_guard").put("onset", s.guard().onset());
        numbers(guard.putArray("early"), s.guard().early());
        numbers(guard.putArray("recent"), s.guard().recent());
        return out;
    }

    private static ObjectNode stopping(EarlyStopping.State s) {
        ObjectNode out = JSON.objectNode().put("since_best", s.sinceBest());
        number(out, "best", s.best());
        if (s.bestValidation() != null) {
            out.set("best_validation", ScoresJson.write(s.bestValidation()));
        }
        BestCheckpoint best = s.checkpoint();
        if (best != null) {
            ObjectNode checkpoint = out.putObject("checkpoint").put("epoch", best.epoch()).put("step", best.step());
            ArrayNode parameters = checkpoint.putArray("parameters");
            best.values().entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e ->
                    parameters.addObject().put("name", e.getKey()).put("count", e.getValue().length));
        }
        return out;
    }

    /** Early stopping's best parameters, in the order {@link #write} lists them, or none. */
    public static List<float[]> bestValues(LoopState.Snapshot s) {
        BestCheckpoint best = s.stopping().checkpoint();
        List<float[]> out = new ArrayList<>();
        if (best != null) {
            best.values().entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e -> out.add(e.getValue()));
        }
        return out;
    }

    /**
     * The snapshot a {@link #write} tree holds.
     *
     * @param best early stopping's best parameters' values, one after another in the listed order
     * @throws IllegalArgumentException for a tree that is not one, naming the field
     */
    public static LoopState.Snapshot read(JsonNode in, float[] best) {
        ScheduleState schedule = in.has("schedule") ? new ScheduleState(number(in.get("schedule"), "learning_rate"),
                number(in.get("schedule"), "best"), integer(in.get("schedule"), "bad_results")) : null;
        JsonNode guard = in.path("divergence_guard");
        return new LoopState.Snapshot(integer(in, "epoch"), integer(in, "epochs_run"), whole(in, "step"),
                integer(in, "batch_in_epoch"), number(in, "loss_sum"), whole(in, "samples"), whole(in, "correct"),
                whole(in, "counted"), number(in, "last_train_loss"),
                in.has("last_validation") ? ScoresJson.read(in.get("last_validation")) : null, schedule,
                stopping(in.path("early_stopping"), best), number(in, "lr_scale"), integer(in, "non_finite_steps"),
                new DivergenceGuard.State(numbers(guard, "early"), numbers(guard, "recent"), whole(guard, "onset")));
    }

    private static EarlyStopping.State stopping(JsonNode in, float[] best) {
        BestCheckpoint checkpoint = null;
        if (in.has("checkpoint")) {
            JsonNode c = in.get("checkpoint");
            Map<String, float[]> values = new LinkedHashMap<>();
            int at = 0;
            for (JsonNode p : c.path("parameters")) {
                int count = integer(p, "count");
                if (at + count > best.length) {
                    throw new IllegalArgumentException("early stopping's best parameters hold fewer values than listed");
                }
                float[] v = new float[count];
                System.arraycopy(best, at, v, 0, count);
                values.put(p.path("name").asText(), v);
                at += count;
            }
            checkpoint = new BestCheckpoint(integer(c, "epoch"), whole(c, "step"), values);
        }
        return new EarlyStopping.State(number(in, "best"), integer(in, "since_best"), checkpoint,
                in.has("best_validation") ? ScoresJson.read(in.get("best_validation")) : null);
    }

    private static void number(ObjectNode node, String field, double value) {
        if (Double.isFinite(value)) {
            node.put(field, value);
        } else {
            node.put(field, Double.toString(value));
        }
    }

    private static void numbers(ArrayNode array, double[] values) {
        for (double v : values) {
            if (Double.isFinite(v)) {
                array.add(v);
            } else {
                array.add(Double.toString(v));
            }
        }
    }

    private static double number(JsonNode node, String field) {
        return value(node.get(field), field);
    }

    private static double value(JsonNode v, String field) {
        if (v != null && v.isNumber()) {
            return v.doubleValue();
        }
        if (v != null && v.isTextual() && List.of("NaN", "Infinity", "-Infinity").contains(v.asText())) {
            return Double.parseDouble(v.asText());
        }
        throw new IllegalArgumentException("loop state without a number \"" + field + "\"");
    }

    private static double[] numbers(JsonNode node, String field) {
        JsonNode array = node.get(field);
        if (array == null || !array.isArray()) {
            throw new IllegalArgumentException("loop state without an array \"" + field + "\"");
        }
        double[] out = new double[array.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = value(array.get(i), field);
        }
        return out;
    }

    private static long whole(JsonNode node, String field) {
        JsonNode v = node.get(field);
        if (v == null || !v.canConvertToLong() || !v.isIntegralNumber()) {
            throw new IllegalArgumentException("loop state without an integer \"" + field + "\"");
        }
        return v.asLong();
    }

    private static int integer(JsonNode node, String field) {
        return Math.toIntExact(whole(node, field));
    }
}
