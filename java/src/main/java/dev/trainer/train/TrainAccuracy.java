package dev.trainer.train;

import dev.trainer.runtime.LossFunction;
import java.lang.foreign.ValueLayout;
import java.nio.IntBuffer;

/**
 * Accuracy on the training batches as they are trained on (before each update), read off the
 * outputs the loss already has: the training-side twin of validation accuracy, at no extra run.
 */
final class TrainAccuracy {

    private long correct;
    private long seen;

    /** The loss, counting argmax hits against the batch's class labels on the way. */
    LossFunction counting(LossFunction loss) {
        return (outputs, shape, batch, dOutputs) -> {
            int n = (int) shape[0];
            long classes = outputs.byteSize() / Float.BYTES / Math.max(1, n);
            IntBuffer labels = batch.labels().data().asIntBuffer();
            for (int r = 0; r < n; r++) {
                int best = 0;
                for (int c = 1; c < classes; c++) {
                    if (outputs.getAtIndex(ValueLayout.JAVA_FLOAT, r * classes + c)
                            > outputs.getAtIndex(ValueLayout.JAVA_FLOAT, r * classes + best)) {
                        best = c;
                    }
                }
                correct += best == labels.get(r) ? 1 : 0;
            }
            seen += n;
            return loss.lossAndGradient(outputs, shape, batch, dOutputs);
        };
    }

    /** The accuracy so far, or NaN when nothing was counted (regression, mixup). */
    double value() {
        return seen == 0 ? Double.NaN : (double) correct / seen;
    }
}
