package dev.trainer.runtime;

import dev.trainer.data.Batch;
import java.util.List;
import java.util.Map;

/** Runs a model forward on a batch. */
public interface Predictor {

    /** The named float32 outputs for the batch, copied out, batch first. */
    Map<String, float[]> predict(Batch batch, List<String> outputs);
}
