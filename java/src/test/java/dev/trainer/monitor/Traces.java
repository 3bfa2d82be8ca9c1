package dev.trainer.monitor;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trainer.events.DiagnosisEvent;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Synthetic metric traces, written as the events {@code metrics.jsonl} holds and read back
 * through {@link MetricsFile#parse}, so every detector test also exercises the parser.
 */
final class Traces {

    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    private final List<JsonNode> events = new ArrayList<>();
    private long step;

    static Traces trace() {
        return new Traces();
    }

    /** One epoch event per training loss; validation losses and accuracies where given (null: none). */
    Traces epochs(double[] train, double[] val, double[] valAccuracy) {
        for (int i = 0; i < train.length; i++) {
            ObjectNode e = JSON.objectNode().put("event", "epoch").put("epoch", i + 1);
            number(e, "train_loss", train[i]);
            if (val != null) {
                number(e, "val_loss", val[i]);
            }
            if (valAccuracy != null) {
                e.put("val_accuracy", valAccuracy[i]);
            }
            events.add(e);
        }
        return this;
    }

    /** Early stopping restored this epoch's checkpoint. */
    Traces restored(int epoch) {
        events.add(JSON.objectNode().put("event", "restore").put("epoch", epoch).put("step", 0)
                .put("metric", "val_loss"));
        return this;
    }

    /** Step events for one epoch, the given losses in order, at a constant rate. */
    Traces steps(int epoch, double lr, double... losses) {
        for (double loss : losses) {
            ObjectNode s = JSON.objectNode().put("event", "step").put("epoch", epoch).put("step", ++step);
            number(s, "loss", loss);
            events.add(s.put("lr", lr).put("step_ms", 1.0));
        }
        return this;
    }

    /**
     * Steps over several epochs whose loss falls geometrically from {@code from} to {@code to},
     * with multiplicative noise of the given relative size (seeded, so reproducible).
     */
    Traces noisySteps(int epochs, int perEpoch, double from, double to, double noise, double lr, long seed) {
        Random random = new Random(seed);
        int n = epochs * perEpoch;
        for (int i = 0; i < n; i++) {
            double level = from * Math.pow(to / from, (double) i / (n - 1));
            steps(1 + i / perEpoch, lr, level * (1 + noise * (2 * random.nextDouble() - 1)));
        }
        return this;
    }

    /**
     * Adds per-class recall (NaN: a class absent from the data, of support 0) and predicted
     * shares to epoch {@code epoch}'s event.
     */
    Traces classes(int epoch, double[] recall, double[] share) {
        for (JsonNode e : events) {
            if (e.get("event").asText().equals("epoch") && e.get("epoch").asInt() == epoch) {
                ObjectNode o = (ObjectNode) e;
                var r = o.putArray("val_per_class");
                for (int c = 0; c < recall.length; c++) {
                    boolean absent = Double.isNaN(recall[c]);
                    r.addObject().put("class", Integer.toString(c)).put("recall", absent ? 0 : recall[c])
                            .put("support", absent ? 0 : 100);
                }
                var s = o.putArray("val_predicted_share");
                for (double x : share) {
                    s.add(x);
                }
            }
        }
        return this;
    }

    /** Adds a validation confusion matrix (class ids) to epoch {@code epoch}'s event. */
    Traces confusion(int epoch, long[][] counts) {
        for (JsonNode e : events) {
            if (e.get("event").asText().equals("epoch") && e.get("epoch").asInt() == epoch) {
                ObjectNode matrix = ((ObjectNode) e).putObject("val_confusion_matrix");
                var rows = matrix.putArray("matrix");
                for (long[] row : counts) {
                    var r = rows.addArray();
                    for (long v : row) {
                        r.add(v);
                    }
                }
            }
        }
        return this;
    }

    /** A layers event: per layer {name, parameters, grad_norm, zero_grad_fraction}. */
    Traces layers(long atStep, Object[]... layers) {
        ObjectNode event = JSON.objectNode().put("event", "layers").put("step", atStep);
        ObjectNode all = event.putObject("layers");
        for (Object[] l : layers) {
            ObjectNode o = all.putObject((String) l[0]).put("parameters", ((Number) l[1]).longValue())
                    .put("grad_norm", ((Number) l[2]).doubleValue()).put("param_norm", 1.0)
                    .put("update_ratio", 1e-3).put("zero_grad_fraction", ((Number) l[3]).doubleValue());
            if (l.length > 4) {
                o.put("lookup", (Boolean) l[4]);
            }
        }
        events.add(event);
        return this;
    }

    static Object[] layer(String name, long parameters, double gradNorm, double zeroGradFraction) {
        return new Object[] {name, parameters, gradNorm, zeroGradFraction};
    }

    /** An embedding table: Gather reads only some rows per batch. */
    static Object[] lookupLayer(String name, long parameters, double gradNorm, double zeroGradFraction) {
        return new Object[] {name, parameters, gradNorm, zeroGradFraction, true};
    }

    RunHistory history() {
        return RunHistory.of(MetricsFile.parse(events));
    }

    DiagnosisEvent diagnosis() {
        return Diagnosis.of(history());
    }

    private static void number(ObjectNode o, String field, double v) {
        if (Double.isFinite(v)) {
            o.put(field, v);
        } else {
            o.putNull(field);
        }
    }

    /** A file under src/test/resources/monitor. */
    static Path resource(String name) {
        try {
            return Path.of(Traces.class.getResource("/monitor/" + name).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    static double[] d(double... values) {
        return values;
    }
}
