package dev.trainer.monitor;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/**
 * Typed reads of one {@code metrics.jsonl} object's fields, naming the object and field in every
 * error. A number that is {@code null} or absent reads as NaN.
 *
 * @param where     names the object in errors, e.g. {@code runs/x/metrics.jsonl line 3}
 * @param showValue whether a wrong value is quoted in the error
 */
record EventFields(JsonNode event, String where, boolean showValue) {

    boolean has(String field) {
        return event.hasNonNull(field);
    }

    JsonNode node(String field) {
        return event.get(field);
    }

    int epoch() {
        return Math.toIntExact(integer("epoch"));
    }

    long integer(String field) {
        JsonNode v = event.get(field);
        if (v == null || !v.isIntegralNumber() || !v.canConvertToLong()) {
            throw error((event.has("event") ? event.get("event").asText() + " event" : "object") + " without an integer \""
                    + field + "\"");
        }
        return v.asLong();
    }

    long optionalInteger(String field) {
        return event.hasNonNull(field) ? integer(field) : 0;
    }

    double number(String field) {
        JsonNode v = event.get(field);
        if (v == null || v.isNull()) {
            return Double.NaN;
        }
        if (!v.isNumber()) {
            throw error("\"" + field + "\" is not a number" + (showValue ? ": " + v : ""));
        }
        return v.doubleValue();
    }

    List<Double> numbers(String field) {
        JsonNode v = event.get(field);
        if (v == null || v.isNull()) {
            return List.of();
        }
        if (!v.isArray()) {
            throw error("\"" + field + "\" is not an array of numbers");
        }
        List<Double> out = new ArrayList<>(v.size());
        for (JsonNode x : v) {
            if (!x.isNull() && !x.isNumber()) {
                throw error("\"" + field + "\" holds " + x + ", not a number");
            }
            out.add(x.isNull() ? Double.NaN : x.doubleValue());
        }
        return out;
    }

    /** The fields of a nested object, named in errors after this one. */
    EventFields object(String field) {
        JsonNode v = event.get(field);
        if (v == null || !v.isObject()) {
            throw error("\"" + field + "\" is not a JSON object");
        }
        return new EventFields(v, where + ": \"" + field + "\"", showValue);
    }

    /** The objects of an array field, each named by its index in errors. */
    List<EventFields> objects(String field) {
        JsonNode v = event.get(field);
        if (v == null || !v.isArray()) {
            throw error("\"" + field + "\" is not an array of objects");
        }
        List<EventFields> out = new ArrayList<>();
        for (int i = 0; i < v.size(); i++) {
            if (!v.get(i).isObject()) {
                throw error("\"" + field + "\" holds " + v.get(i) + ", not an object");
            }
            out.add(new EventFields(v.get(i), where + ": \"" + field + "\"[" + i + "]", showValue));
        }
        return out;
    }

    MetricsFileException error(String problem) {
        return new MetricsFileException(where + ": " + problem);
    }
}
