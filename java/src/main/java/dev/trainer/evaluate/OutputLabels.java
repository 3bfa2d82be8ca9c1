package dev.trainer.evaluate;

import dev.trainer.ModelException;
import dev.trainer.DataException;
import dev.trainer.data.Labels;
import dev.trainer.data.Samples;
import dev.trainer.data.Task;
import dev.trainer.onnx.ValueType;
import java.nio.file.Path;

/** Whether labels fit the output a loss compares them with: class ids its classes, targets its values per sample. */
public final class OutputLabels {

    private OutputLabels() {
    }

    /**
     * The number of classes of a classifier's output, its values per sample.
     *
     * @throws ModelException when that number is not static
     */
    public static int classCount(ValueType outputType) {
        long perSample = perSample(outputType);
        if (perSample < 0) {
            throw new ModelException("the output's class count is not static: " + outputType.shapeString());
        }
        return Math.toIntExact(perSample);
    }

    private static long perSample(ValueType outputType) {
        long perSample = 1;
        for (int a = 1; a < outputType.rank(); a++) {
            if (outputType.dim(a) < 0) {
                return -1;
            }
            perSample *= outputType.dim(a);
        }
        return perSample;
    }

    /**
     * Class ids must index the output's classes; regression targets must match its size per sample.
     *
     * @throws DataException naming the file, the sample and the model's count
     */
    public static void requireFit(Samples data, ValueType outputType, Path file) {
        Labels labels = data.labels();
        if (labels.task() == Task.CLASSIFICATION) {
            int classes = classCount(outputType);
            for (int i = 0; i < labels.classes().length; i++) {
                if (labels.classes()[i] >= classes) {
                    throw new DataException(file + " " + data.sampleName(i) + ": label " + labels.classes()[i]
                            + " is out of range for the model's " + classes + " classes (0 to " + (classes - 1) + ")");
                }
            }
        } else {
            long perSample = perSample(outputType);
            if (perSample >= 0 && labels.sampleSize() != perSample) {
                throw new DataException(file + ": " + labels.sampleSize() + " target values per sample, but the model outputs "
                        + perSample);
            }
        }
    }
}
