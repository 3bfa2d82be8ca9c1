package dev.trainer.monitor;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A run's history as recorded in {@code metrics.jsonl}, in file order. Events of other kinds
 * and fields this class does not know are ignored, so newer writers stay readable. Numbers
 * written as {@code null} (non-finite: a diverged loss) and optional numbers that are absent
 * both read as {@code NaN}.
 *
 * @param restoredEpoch the epoch whose checkpoint early stopping restored and exported, or 0
 */
public record RunHistory(List<StepEvent> steps, List<EpochEvent> epochs, List<LayersEvent> layers, int restoredEpoch) {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** {@code {"event":"step","epoch":E,"step":S,"loss":L,"lr":X,"step_ms":T}}: one optimizer step. */
    public record StepEvent(int epoch, long step, double loss, double lr, double stepMillis) {
    }

    /**
     * {@code {"event":"epoch","epoch":E,"train_loss":..,"val_loss":..,"val_accuracy":..,
     * "train_accuracy":..,"val_recall":[..],"val_predicted_share":[..]}}: an epoch's summary.
     *
     * @param valRecall         per class c: of the validation samples labelled c, the fraction predicted c
     *                          (NaN for a class absent from the validation data); empty when not recorded
     * @param valPredictedShare per class c: the fraction of all validation predictions that were c; empty when not recorded
     */
    public record EpochEvent(int epoch, double trainLoss, double valLoss, double valAccuracy, double trainAccuracy,
                             List<Double> valRecall, List<Double> valPredictedShare) {
        public EpochEvent {
            valRecall = List.copyOf(valRecall);
            valPredictedShare = List.copyOf(valPredictedShare);
        }
    }

    /** {@code {"event":"layers","step":S,"layers":{...}}}: see {@link LayerStatistics#toEvent}. */
    public record LayersEvent(long step, LayerStatistics statistics) {
    }

    public RunHistory {
        steps = List.copyOf(steps);
        epochs = List.copyOf(epochs);
        layers = List.copyOf(layers);
    }

    /**
     * Reads a {@code metrics.jsonl}. A last line without its newline that does not parse is
     * skipped: it is a write the process did not finish (the run was killed), not corruption.
     *
     * @throws MetricsFileException when the file is missing or unreadable, or a line is not a well-formed event
     */
    public static RunHistory read(Path metricsJsonl) {
        String text;
        try {
            text = Files.readString(metricsJsonl);
        } catch (NoSuchFileException e) {
            throw new MetricsFileException(metricsJsonl + ": no such file");
        } catch (CharacterCodingException e) {
            throw new MetricsFileException(metricsJsonl + ": not UTF-8 text");
        } catch (IOException e) {
            throw new MetricsFileException(metricsJsonl + ": cannot read: " + e.getMessage());
        }
        String[] lines = text.split("\n", -1);
        // split leaves "" after a final newline; anything else there is an unfinished line
        boolean lastUnfinished = !lines[lines.length - 1].isEmpty();
        Builder history = new Builder();
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i].strip();
            if (line.isEmpty()) {
                continue;
            }
            String where = metricsJsonl + " line " + (i + 1);
            JsonNode event;
            try {
                event = JSON.readTree(line);
            } catch (JsonProcessingException e) {
                if (lastUnfinished && i == lines.length - 1) {
                    break;
                }
                throw new MetricsFileException(where + ": not valid JSON: " + firstLine(e.getOriginalMessage()));
            }
            history.add(event, where);
        }
        return history.build();
    }

    /**
     * The history of events already parsed (e.g. kept in memory by the loop).
     *
     * @throws MetricsFileException naming the event's index (from 1) when one is not well-formed
     */
    public static RunHistory of(List<? extends JsonNode> events) {
        Builder history = new Builder();
        for (int i = 0; i < events.size(); i++) {
            history.add(events.get(i), "event " + (i + 1));
        }
        return history.build();
    }

    /** Whether any epoch recorded a validation loss (finite or not). */
    public boolean hasValidation() {
        return epochs.stream().anyMatch(e -> !Double.isNaN(e.valLoss()));
    }

    private static String firstLine(String message) {
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }

    /** Sorts events into their lists; {@code where} names the line for error messages. */
    private static final class Builder {
        final List<StepEvent> steps = new ArrayList<>();
        final List<EpochEvent> epochs = new ArrayList<>();
        final List<LayersEvent> layers = new ArrayList<>();
        int restoredEpoch;

        void add(JsonNode event, String where) {
            if (!event.isObject()) {
                throw new MetricsFileException(where + ": not a JSON object");
            }
            JsonNode kind = event.get("event");
            if (kind == null || !kind.isTextual()) {
                throw new MetricsFileException(where + ": no \"event\" field");
            }
            switch (kind.asText()) {
                case "step" -> steps.add(new StepEvent(epoch(event, where), integer(event, "step", where),
                        number(event, "loss", where), number(event, "lr", where), number(event, "step_ms", where)));
                case "epoch" -> epochs.add(new EpochEvent(epoch(event, where),
                        number(event, "train_loss", where), number(event, "val_loss", where),
                        number(event, "val_accuracy", where), number(event, "train_accuracy", where),
                        numbers(event, "val_recall", where), numbers(event, "val_predicted_share", where)));
                case "layers" -> {
                    JsonNode all = event.get("layers");
                    if (all == null || !all.isObject()) {
                        throw new MetricsFileException(where + ": layers event without a \"layers\" object");
                    }
                    try {
                        layers.add(new LayersEvent(integer(event, "step", where), LayerStatistics.fromEvent(all)));
                    } catch (MetricsFileException e) {
                        throw e;
                    } catch (IllegalArgumentException e) {
                        throw new MetricsFileException(where + ": " + e.getMessage());
                    }
                }
                case "restore" -> restoredEpoch = epoch(event, where);
                default -> {
                    // another kind of event (a newer writer's): not ours to judge
                }
            }
        }

        RunHistory build() {
            return new RunHistory(steps, epochs, layers, restoredEpoch);
        }

        private static int epoch(JsonNode event, String where) {
            return Math.toIntExact(integer(event, "epoch", where));
        }

        private static long integer(JsonNode event, String field, String where) {
            JsonNode v = event.get(field);
            if (v == null || !v.isIntegralNumber() || !v.canConvertToLong()) {
                throw new MetricsFileException(where + ": " + event.get("event").asText() + " event without an integer \""
                        + field + "\"");
            }
            return v.asLong();
        }

        private static double number(JsonNode event, String field, String where) {
            JsonNode v = event.get(field);
            if (v == null || v.isNull()) {
                return Double.NaN;
            }
            if (!v.isNumber()) {
                throw new MetricsFileException(where + ": \"" + field + "\" is not a number: " + v);
            }
            return v.doubleValue();
        }

        private static List<Double> numbers(JsonNode event, String field, String where) {
            JsonNode v = event.get(field);
            if (v == null || v.isNull()) {
                return List.of();
            }
            if (!v.isArray()) {
                throw new MetricsFileException(where + ": \"" + field + "\" is not an array of numbers");
            }
            List<Double> out = new ArrayList<>(v.size());
            for (JsonNode x : v) {
                if (!x.isNull() && !x.isNumber()) {
                    throw new MetricsFileException(where + ": \"" + field + "\" holds " + x + ", not a number");
                }
                out.add(x.isNull() ? Double.NaN : x.doubleValue());
            }
            return out;
        }
    }
}
