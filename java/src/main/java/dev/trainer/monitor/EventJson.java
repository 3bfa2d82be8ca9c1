package dev.trainer.monitor;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trainer.config.StoppingMetric;
import dev.trainer.events.CheckpointEvent;
import dev.trainer.events.DiagnosisEvent;
import dev.trainer.events.EpochEvent;
import dev.trainer.events.EpochStartEvent;
import dev.trainer.events.EvaluationEvent;
import dev.trainer.events.Finding;
import dev.trainer.events.LayersEvent;
import dev.trainer.events.NoteEvent;
import dev.trainer.events.RestoreEvent;
import dev.trainer.events.Scores;
import dev.trainer.events.StepEvent;
import dev.trainer.events.TrainingEvent;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The one mapping between {@link TrainingEvent}s and the JSON objects of {@code metrics.jsonl}:
 * the writer and the reader both go through here, so a field is named in one place. JSON has no
 * NaN or infinity: a non-finite number is written as {@code null} and read back as NaN, as is an
 * optional number that is absent (NaN fields that only apply sometimes, such as a cycled
 * momentum, are left out). Reading is strict about what it knows and skips event kinds it does
 * not, so that files of newer writers stay readable.
 */
final class EventJson {

    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    private EventJson() {
    }

    /** The event as one {@code metrics.jsonl} object. */
    static ObjectNode write(TrainingEvent event) {
        return switch (event) {
            case StepEvent s -> step(s);
            case EpochStartEvent e -> named("epoch_start").put("epoch", e.epoch()).put("step", e.step())
                    .put("batches", e.batches());
            case EpochEvent e -> epoch(e);
            case EvaluationEvent e -> validation(named("eval").put("epoch", e.epoch()).put("step", e.step()), e.validation());
            case LayersEvent l -> layers(l);
            case CheckpointEvent c -> {
                ObjectNode line = named("checkpoint").put("epoch", c.epoch()).put("step", c.step());
                if (c.metric() != null) {
                    number(line.put("metric", c.metric().spec()), "value", c.value());
                }
                yield c.file() == null ? line : line.put("file", c.file().toString());
            }
            case RestoreEvent r -> number(named("restore").put("epoch", r.epoch()).put("step", r.step())
                    .put("metric", r.metric().spec()), "value", r.value());
            case DiagnosisEvent d -> diagnosis(d);
            case NoteEvent n -> named("note").put("text", n.text());
        };
    }

    private static ObjectNode named(String event) {
        return JSON.objectNode().put("event", event);
    }

    private static ObjectNode step(StepEvent s) {
        ObjectNode line = named("step").put("epoch", s.epoch()).put("step", s.step());
        number(line, "loss", s.loss());
        line.put("lr", s.lr());
        optional(line, "momentum", s.momentum());
        number(line, "step_ms", s.stepMillis());
        return line.put("samples", s.samples());
    }

    private static ObjectNode epoch(EpochEvent e) {
        ObjectNode line = named("epoch").put("epoch", e.epoch()).put("step", e.step());
        number(line, "train_loss", e.trainLoss());
        optional(line, "train_accuracy", e.trainAccuracy());
        if (e.validation() != null) {
            validation(line, e.validation());
            number(line, "gap", e.gap());
        }
        return line;
    }

    /** The {@code val_*} fields ({@link ScoresJson}). */
    private static ObjectNode validation(ObjectNode line, Scores scores) {
        return ScoresJson.write(line, "val_", scores);
    }

    private static ObjectNode layers(LayersEvent event) {
        ObjectNode line = named("layers").put("step", event.step());
        ObjectNode all = line.putObject("layers");
        for (LayersEvent.Layer l : event.layers()) {
            ObjectNode o = all.putObject(l.name()).put("parameters", l.parameters());
            number(o, "grad_norm", l.gradNorm());
            number(o, "param_norm", l.paramNorm());
            number(o, "update_norm", l.updateNorm());
            number(o, "update_ratio", l.updateRatio());
            number(o, "zero_grad_fraction", l.zeroGradFraction());
            number(o, "max_abs_grad", l.maxAbsGrad());
            if (l.lookup()) {
                o.put("lookup", true);
            }
        }
        return line;
    }

    private static ObjectNode diagnosis(DiagnosisEvent d) {
        ObjectNode line = named("diagnosis").put("overview", d.overview());
        ArrayNode findings = line.putArray("findings");
        for (Finding f : d.findings()) {
            ObjectNode o = findings.addObject().put("kind", f.kind().name().toLowerCase(Locale.ROOT))
                    .put("severity", f.severity().name()).put("title", f.title()).put("evidence", f.evidence());
            ArrayNode suggestions = o.putArray("suggestions");
            f.suggestions().forEach(s -> suggestions.addObject().put("flags", s.flags()).put("why", s.why()));
        }
        return line;
    }

    private static ObjectNode number(ObjectNode line, String field, double value) {
        return Double.isFinite(value) ? line.put(field, value) : line.putNull(field);
    }

    private static void optional(ObjectNode line, String field, double value) {
        if (!Double.isNaN(value)) {
            number(line, field, value);
        }
    }

    /**
     * The event a {@code metrics.jsonl} object holds, or {@code null} for a kind the loop's
     * history does not use (notes, diagnoses, a newer writer's kinds).
     *
     * @param where names the object in errors, e.g. {@code runs/x/metrics.jsonl line 3}
     * @throws MetricsFileException when the object is not a well-formed event
     */
    static TrainingEvent read(JsonNode event, String where) {
        if (!event.isObject()) {
            throw new MetricsFileException(where + ": not a JSON object");
        }
        JsonNode kind = event.get("event");
        if (kind == null || !kind.isTextual()) {
            throw new MetricsFileException(where + ": no \"event\" field");
        }
        EventFields in = new EventFields(event, where, true);
        return switch (kind.asText()) {
            case "step" -> new StepEvent(in.epoch(), in.integer("step"), in.number("loss"), in.number("lr"),
                    in.number("momentum"), in.number("step_ms"), (int) in.optionalInteger("samples"));
            case "epoch_start" -> new EpochStartEvent(in.epoch(), in.integer("step"), (int) in.integer("batches"));
            case "epoch" -> new EpochEvent(in.epoch(), in.optionalInteger("step"), in.number("train_loss"),
                    in.number("train_accuracy"), hasValidation(event) ? ScoresJson.read(in, "val_") : null);
            case "eval" -> new EvaluationEvent(in.epoch(), in.integer("step"), ScoresJson.read(in, "val_"));
            case "layers" -> layers(in);
            case "restore" -> new RestoreEvent(in.epoch(), in.optionalInteger("step"), metric(in), in.number("value"));
            case "checkpoint" -> new CheckpointEvent((int) in.optionalInteger("epoch"), in.optionalInteger("step"),
                    event.hasNonNull("metric") ? metric(in) : null, in.number("value"),
                    event.hasNonNull("file") ? Path.of(event.get("file").asText()) : null);
            default -> null;
        };
    }

    /** Whether the object has any {@code val_*} field: then it carries validation scores. */
    private static boolean hasValidation(JsonNode event) {
        for (var names = event.fieldNames(); names.hasNext(); ) {
            if (names.next().startsWith("val_")) {
                return true;
            }
        }
        return false;
    }

    private static StoppingMetric metric(EventFields in) {
        try {
            return StoppingMetric.parse(in.event().path("metric").asText());
        } catch (IllegalArgumentException e) {
            throw in.error(e.getMessage());
        }
    }

    private static LayersEvent layers(EventFields in) {
        JsonNode all = in.node("layers");
        if (all == null || !all.isObject()) {
            throw in.error("layers event without a \"layers\" object");
        }
        long step = in.integer("step");
        List<LayersEvent.Layer> layers = new ArrayList<>();
        for (Map.Entry<String, JsonNode> e : all.properties()) {
            String name = e.getKey();
            if (!e.getValue().isObject()) {
                throw in.error("layer \"" + name + "\" is not a JSON object");
            }
            EventFields layer = new EventFields(e.getValue(), in.where() + ": layer \"" + name + "\"", false);
            double parameters = layer.number("parameters");
            layers.add(new LayersEvent.Layer(name, Double.isNaN(parameters) ? 0 : (long) parameters,
                    layer.number("grad_norm"), layer.number("param_norm"), layer.number("update_norm"),
                    layer.number("update_ratio"), layer.number("zero_grad_fraction"), layer.number("max_abs_grad"),
                    e.getValue().path("lookup").asBoolean(false)));
        }
        return new LayersEvent(step, layers);
    }
}
