package dev.trainer.run;

import com.fasterxml.jackson.databind.JsonNode;
import dev.trainer.config.RunConfig;
import dev.trainer.config.Sink;
import dev.trainer.events.TrainingEvent;
import dev.trainer.sinks.MetricsCsv;
import dev.trainer.sinks.tensorboard.TensorBoardListener;
import dev.trainer.train.loop.Listeners;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code --report-to} sinks of one run, open in its folder and listening: TensorBoard's event
 * file (with the run's settings as text) and {@code metrics.csv}. Closing closes them all.
 */
final class ReportSinks implements AutoCloseable {

    private final List<AutoCloseable> open = new ArrayList<>();
    private MetricsCsv csv;
    private TensorBoardListener tensorBoard;

    /** Opens each configured sink in {@code folder} (which must exist) and attaches it to {@code listeners}. */
    static ReportSinks attach(RunConfig config, RunFolder folder, Listeners listeners) {
        ReportSinks sinks = new ReportSinks();
        try {
            for (Sink sink : config.reporting().reportTo()) {
                switch (sink) {
                    case TENSORBOARD -> {
                        TensorBoardListener tensorBoard = new TensorBoardListener(folder.dir(), settings(config));
                        sinks.open.add(tensorBoard);
                        sinks.tensorBoard = tensorBoard;
                        listeners.attach(tensorBoard);
                    }
                    case CSV -> {
                        MetricsCsv csv = new MetricsCsv(folder.dir().resolve(MetricsCsv.FILE_NAME));
                        sinks.open.add(csv);
                        sinks.csv = csv;
                        listeners.attach(csv);
                    }
                }
            }
            return sinks;
        } catch (RuntimeException e) {
            sinks.close();
            throw e;
        }
    }

    /**
     * A resumed run's earlier events, up to its checkpoint at step {@code checkpointStep}:
     * {@code metrics.csv} is written anew, so it is given them again. TensorBoard's event file is a
     * new one beside the earlier run's, starting with a restart marker that hides the earlier
     * files' steps after the checkpoint, which the resumed run takes again.
     */
    void replay(List<TrainingEvent> earlier, long checkpointStep) {
        if (csv != null) {
            earlier.forEach(e -> csv.onEvent(e, null));
        }
        if (tensorBoard != null) {
            tensorBoard.resumedAt(checkpointStep + 1);
        }
    }

    /** The configuration as run.json holds it, flattened: {@code optimizer.learning_rate} → {@code 0.001}. */
    static Map<String, String> settings(RunConfig config) {
        Map<String, String> flat = new LinkedHashMap<>();
        flatten("", ConfigJson.toTree(config), flat);
        return flat;
    }

    private static void flatten(String prefix, JsonNode node, Map<String, String> flat) {
        if (node.isObject()) {
            node.properties().forEach(e -> flatten(prefix.isEmpty() ? e.getKey() : prefix + "." + e.getKey(),
                    e.getValue(), flat));
        } else {
            flat.put(prefix, node.isValueNode() ? node.asText() : node.toString());
        }
    }

    @Override
    public void close() {
        RuntimeException failure = null;
        for (AutoCloseable sink : open) {
            try {
                sink.close();
            } catch (Exception e) {
                if (failure == null) {
                    failure = e instanceof RuntimeException r ? r : new IllegalStateException(e);
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
    }
}
