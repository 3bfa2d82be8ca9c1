package dev.trainer.train;

import dev.trainer.data.Batch;
import dev.trainer.data.BatchAssembler;
import dev.trainer.data.BatchOrder;
import dev.trainer.data.Dataset;
import dev.trainer.kernels.Kernels;
import dev.trainer.runtime.LossFunction;
import dev.trainer.runtime.Predictor;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.List;

/**
 * Loss (and for classification, accuracy) of a model over a whole data set, batch by batch.
 *
 * @param accuracy fraction of correct argmax predictions, or {@code NaN} for regression
 */
public record Evaluation(double loss, double accuracy, int samples) {

    public static Evaluation of(Predictor model, String output, Dataset data, int batchSize, LossKind lossKind,
                                Kernels kernels) {
        LossFunction loss = Losses.of(lossKind, kernels);
        double lossSum = 0;
        long correct = 0;
        try (Arena arena = Arena.ofConfined()) {
            BatchAssembler assembler = new BatchAssembler(data, batchSize, arena);
            for (int[] indices : BatchOrder.epochBatches(data.size(), batchSize, false, 0, 0)) {
                Batch batch = assembler.assemble(indices);
                float[] outputs = model.predict(batch, List.of(output)).get(output);
                long[] shape = {batch.size(), outputs.length / batch.size()};
                MemorySegment values = arena.allocateFrom(ValueLayout.JAVA_FLOAT, outputs);
                MemorySegment gradient = arena.allocate(ValueLayout.JAVA_FLOAT, Math.max(1, outputs.length));
                lossSum += loss.lossAndGradient(values, shape, batch, gradient) * batch.size();
                if (lossKind == LossKind.CROSS_ENTROPY) {
                    int[] predicted = Losses.argmax(outputs, batch.size());
                    int[] labels = Losses.classes(batch);
                    for (int i = 0; i < predicted.length; i++) {
                        correct += predicted[i] == labels[i] ? 1 : 0;
                    }
                }
            }
        }
        int n = data.size();
        return new Evaluation(lossSum / n, lossKind == LossKind.CROSS_ENTROPY ? (double) correct / n : Double.NaN, n);
    }
}
