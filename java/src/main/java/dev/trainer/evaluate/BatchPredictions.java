package dev.trainer.evaluate;

import dev.trainer.data.Batch;
import dev.trainer.data.BatchOrder;
import dev.trainer.data.BatchSource;
import dev.trainer.data.Samples;
import dev.trainer.runtime.Predictor;
import java.lang.foreign.Arena;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;

/** A model run over a data set batch by batch, in the data's order: the one loop that scoring and prediction share. */
public final class BatchPredictions {

    private BatchPredictions() {
    }

    /**
     * Calls {@code each} with every batch and the model's outputs on it, in order. The batch's
     * buffers are valid only during the call.
     */
    public static void forEach(Predictor model, Samples data, int batchSize, List<String> outputs,
                               BiConsumer<Batch, Map<String, float[]>> each) {
        int[][] order = batches(data, batchSize);
        int largest = largestBatch(data, batchSize);
        try (Arena arena = Arena.ofConfined(); BatchSource batches = data.batches(largest, arena)) {
            batches.plan(0, order);
            for (int[] indices : order) {
                Batch batch = batches.assemble(indices);
                each.accept(batch, model.predict(batch, outputs));
            }
        }
    }

    /**
     * The most samples a batch of {@link #batches} holds, what its buffers are allocated for: a
     * batch size beyond the data (say 2147483647) takes the data, not terabytes.
     */
    static int largestBatch(Samples data, int batchSize) {
        return Math.max(1, Math.min(batchSize, data.size()));
    }

    /** The batches {@link #forEach} takes, in its order: consecutive runs of the data. */
    static int[][] batches(Samples data, int batchSize) {
        return BatchOrder.epochBatches(data.size(), batchSize, false, 0, 0);
    }

    /** Every named output for every sample, each concatenated in the data's order. */
    public static Map<String, float[]> all(Predictor model, Samples data, int batchSize, List<String> outputs) {
        Map<String, List<float[]>> chunks = new LinkedHashMap<>();
        outputs.forEach(name -> chunks.put(name, new ArrayList<>()));
        forEach(model, data, batchSize, outputs, (batch, values) -> values.forEach((name, v) -> chunks.get(name).add(v)));
        Map<String, float[]> all = new LinkedHashMap<>();
        chunks.forEach((name, parts) -> all.put(name, concat(parts)));
        return all;
    }

    private static float[] concat(List<float[]> parts) {
        int total = parts.stream().mapToInt(p -> p.length).sum();
        float[] all = new float[total];
        int at = 0;
        for (float[] p : parts) {
            System.arraycopy(p, 0, all, at, p.length);
            at += p.length;
        }
        return all;
    }
}
