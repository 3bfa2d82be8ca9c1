package dev.trainer.evaluate;

import static java.lang.foreign.ValueLayout.JAVA_FLOAT;

import dev.trainer.data.Batch;
import dev.trainer.data.BatchSource;
import dev.trainer.data.Samples;
import dev.trainer.distributed.BatchShards;
import dev.trainer.distributed.Collective;
import dev.trainer.runtime.Predictor;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

/**
 * A model's output over a data set, computed by the ranks of a data-parallel job together and
 * gathered on every rank, then served back batch by batch as a {@link Predictor} to whatever scores
 * it. Each rank runs a contiguous share of the batches {@link BatchPredictions} takes, with the
 * same samples in each batch as a single process, so its outputs are the single process's bit for
 * bit; the shares are summed into one buffer that holds zeros outside each rank's share, a sum
 * that copies exactly. Every metric computed from them is then the single process's, on every rank.
 */
public final class GatheredOutputs implements Predictor {

    private final String output;
    private final int[] batchSizes;
    private final float[][] outputs;
    private int next;

    private GatheredOutputs(String output, int[] batchSizes, float[][] outputs) {
        this.output = output;
        this.batchSizes = batchSizes;
        this.outputs = outputs;
    }

    /**
     * Runs this rank's share of {@code data}'s batches and gathers every rank's. Every rank of the
     * job must call it with the same data and batch size.
     */
    public static GatheredOutputs of(Predictor model, String output, Samples data, int batchSize, Collective ranks) {
        int[][] batches = BatchPredictions.batches(data, batchSize);
        int[] share = BatchShards.of(IntStream.range(0, batches.length).toArray(), ranks.rank(), ranks.size());
        float[][] own = new float[batches.length][];
        double[] lengths = new double[batches.length];
        int largest = BatchPredictions.largestBatch(data, batchSize);
        try (Arena arena = Arena.ofConfined(); BatchSource source = data.batches(largest, arena)) {
            source.plan(0, IntStream.of(share).mapToObj(b -> batches[b]).toArray(int[][]::new));
            for (int b : share) {
                own[b] = model.predict(source.assemble(batches[b]), List.of(output)).get(output);
                lengths[b] = own[b].length;
            }
            ranks.allReduceSum(lengths);
            long[] offsets = new long[batches.length + 1];
            for (int b = 0; b < batches.length; b++) {
                offsets[b + 1] = offsets[b] + (long) lengths[b];
            }
            MemorySegment all = arena.allocate(JAVA_FLOAT, Math.max(1, offsets[batches.length]));
            for (int b : share) {
                MemorySegment.copy(own[b], 0, all, JAVA_FLOAT, offsets[b] * Float.BYTES, own[b].length);
            }
            ranks.allReduceSum(all, offsets[batches.length]);
            float[][] gathered = new float[batches.length][];
            for (int b = 0; b < batches.length; b++) {
                gathered[b] = all.asSlice(offsets[b] * Float.BYTES, (long) lengths[b] * Float.BYTES).toArray(JAVA_FLOAT);
            }
            return new GatheredOutputs(output, IntStream.range(0, batches.length).map(b -> batches[b].length).toArray(),
                    gathered);
        }
    }

    /**
     * The next batch's gathered output.
     *
     * @throws IllegalStateException when asked for other outputs or other batches than {@link BatchPredictions} takes
     */
    @Override
    public Map<String, float[]> predict(Batch batch, List<String> names) {
        if (!names.equals(List.of(output)) || next >= outputs.length || batch.size() != batchSizes[next]) {
            throw new IllegalStateException("gathered outputs replay " + output + " over the data's batches in order,"
                    + " once; asked for " + names + " of a batch of " + batch.size() + " after " + next + " batches");
        }
        return Map.of(output, outputs[next++]);
    }
}
