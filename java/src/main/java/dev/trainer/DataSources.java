package dev.trainer;

import dev.trainer.data.Dataset;
import dev.trainer.data.Feature;
import dev.trainer.data.InputSpec;
import dev.trainer.data.Labels;
import dev.trainer.data.Samples;
import dev.trainer.evaluate.OutputLabels;
import dev.trainer.train.loop.SampleSource;
import java.util.List;
import java.util.Map;

/** Turns {@link Data} in memory into the samples a model's inputs take. */
final class DataSources {

    private static final String SOURCE = "data given in memory";

    private DataSources() {
    }

    /** The rows as samples of the model's single float input, checked against its output when labelled. */
    static SampleSource of(Data.InMemory data) {
        return (inputs, outputType) -> {
            Samples samples = samples(data, inputs);
            if (samples.hasLabels()) {
                OutputLabels.requireFit(samples, outputType, java.nio.file.Path.of("data in memory"));
            }
            return samples;
        };
    }

    static Dataset samples(Data.InMemory data, List<InputSpec> inputs) {
        if (inputs.size() != 1 || !inputs.getFirst().type().isFloating()) {
            throw new DataException(SOURCE + " fills a single float input, but the model takes " + inputs);
        }
        InputSpec input = inputs.getFirst();
        long[] sampleShape = input.sampleShapeFor(data.features().length / data.samples(), SOURCE, "values per sample");
        Labels labels = data.classes() != null ? Labels.ofClasses(data.classes())
                : data.targets() != null ? Labels.ofTargets(new long[] {data.targetsPerSample()}, data.targets()) : null;
        Dataset dataset = new Dataset(SOURCE, Map.of(input.name(), Feature.ofFloats(input.type(), sampleShape,
                data.features())), labels);
        dataset.requireFinite();
        return dataset;
    }

    /** The source for a run's data: {@code null} for a file (the configuration names it), else the rows. */
    static SampleSource sourceOf(Data data) {
        return data instanceof Data.InMemory rows ? of(rows) : null;
    }
}
