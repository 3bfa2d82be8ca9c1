package dev.trainer.train.loop;

import dev.trainer.data.InputSpec;
import dev.trainer.data.Samples;
import dev.trainer.onnx.ValueType;
import java.util.List;

/**
 * Samples a run gets from elsewhere than its configured files (a cross-validation fold, arrays
 * given through the Java API), made once the model's inputs and output are known.
 */
@FunctionalInterface
public interface SampleSource {

    /**
     * @param inputs     the model's inputs the samples must fill
     * @param outputType the output the loss reads, which labels must fit
     */
    Samples samples(List<InputSpec> inputs, ValueType outputType);
}
