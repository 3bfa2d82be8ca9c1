package dev.trainer.train;

import dev.trainer.config.BalanceConfig;
import dev.trainer.config.DataConfig;
import dev.trainer.config.LoopConfig;
import dev.trainer.config.RunConfig;
import dev.trainer.data.BatchOrder;
import dev.trainer.data.ClassDistribution;
import dev.trainer.data.DataException;
import dev.trainer.data.Dataset;
import dev.trainer.data.Datasets;
import dev.trainer.data.InputSpec;
import dev.trainer.data.Labelling;
import dev.trainer.data.Samples;
import dev.trainer.data.Split;
import dev.trainer.data.TextDataset;
import dev.trainer.data.TextTokenizer;
import dev.trainer.data.Task;
import dev.trainer.data.augment.Smote;
import dev.trainer.data.normalize.Normalization;
import dev.trainer.data.sampling.Sampler;
import dev.trainer.onnx.ModelException;
import dev.trainer.onnx.ValueType;
import java.io.PrintStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import java.util.List;

/**
 * The examples of a run, ready for the loop: read and checked against the model, split,
 * normalized with training statistics, augmented, and with the class weights and sampler the
 * user asked for.
 *
 * @param validation   {@code null} without validation data
 * @param normalizations per-input scaling to bake into the exported model; empty for none
 * @param distribution the training split's classes; {@code null} for regression
 * @param classWeights float32 [classes] for the loss, or {@link MemorySegment#NULL}
 * @param sampler      how each epoch draws its batches; {@code null} for plain (shuffled) order
 * @param classNames   class names by id when the labels were names (text data); empty otherwise
 */
record TrainingData(Samples train, Samples validation, List<Normalization> normalizations,
                    ClassDistribution distribution, double[] classWeightValues, MemorySegment classWeights,
                    Sampler sampler, List<String> classNames) {

    /** Reads the configured files (or uses the given data sets, for cross-validation folds) and prepares them. */
    static TrainingData prepare(RunConfig config, List<InputSpec> inputs, ValueType outputType, Samples givenTrain,
                                Samples givenValidation, Arena arena, PrintStream log) {
        DataConfig settings = config.data();
        Task task = Task.of(config.loss().kind());
        Samples train = givenTrain;
        Samples validation = givenValidation;
        if (train == null) {
            if (settings.text()) {
                try (TextTokenizer tokenizer = TextTokenizer.forModel(config.text(), config.model().file())) {
                    TextDataset text = (TextDataset) read(settings.train(), inputs, config, outputType,
                            Datasets.TextOptions.training(tokenizer));
                    train = text;
                    validation = settings.validation() == null ? null : read(settings.validation(), inputs, config,
                            outputType, Datasets.TextOptions.following(tokenizer, text));
                }
            } else {
                train = read(settings.train(), inputs, config, outputType, null);
                validation = settings.validation() == null ? null : read(settings.validation(), inputs, config, outputType, null);
            }
        }
        if (settings.sampleWeights() != null && !train.labels().weighted()) {
            throw new DataException(train.source() + " has no sample weights '" + settings.sampleWeights()
                    + "' (a CSV column or NPZ array of that name)");
        }
        BalanceConfig balance = config.balance();
        if (validation == null && settings.valSplit() > 0) {
            Split split = Split.holdout(train, settings.valSplit(), config.loop().seed());
            validation = split.validationSet(train);
            train = split.trainSet(train);
            log.printf("held out %d of %d training samples for validation (stratified, --val-split %s)%n",
                    validation.size(), validation.size() + train.size(), settings.valSplit());
        }
        List<Normalization> normalizations = List.of();
        if (settings.normalize() != null) {
            normalizations = Normalization.fitFloatInputs((Dataset) train, settings.normalize());
            for (Normalization n : normalizations) {
                train = n.apply((Dataset) train);
                validation = validation == null ? null : n.apply((Dataset) validation);
            }
        }
        ClassDistribution distribution = null;
        double[] weights = null;
        MemorySegment weightSegment = MemorySegment.NULL;
        Sampler sampler = null;
        if (task == Task.CLASSIFICATION) {
            int classes = classCount(outputType);
            distribution = ClassDistribution.of(train.labels(), classes);
            log.print("training classes:\n" + distribution.report());
            if (balance.augment() != null) {
                int before = train.size();
                train = new Smote(balance.augment().neighbours(), config.loop().seed()).apply((Dataset) train);
                log.printf("SMOTE added %d synthetic samples%n", train.size() - before);
            }
            if (balance.classWeights() != null) {
                weights = balance.classWeights().weights(distribution.counts());
                weightSegment = arena.allocate(ValueLayout.JAVA_FLOAT, classes);
                for (int c = 0; c < classes; c++) {
                    weightSegment.setAtIndex(ValueLayout.JAVA_FLOAT, c, (float) weights[c]);
                }
            }
            if (balance.sampler() != null) {
                sampler = Sampler.of(balance.sampler(), train.labels());
            }
        }
        List<String> classNames = train instanceof TextDataset text ? text.classNames() : List.of();
        return new TrainingData(train, validation, normalizations, distribution, weights, weightSegment, sampler, classNames);
    }

    /** The training file alone, read as the model takes it (text through its tokenizer), checked against its output. */
    static Samples readTrain(RunConfig config, List<InputSpec> inputs, ValueType outputType) {
        DataConfig settings = config.data();
        if (!settings.text()) {
            return read(settings.train(), inputs, config, outputType, null);
        }
        try (TextTokenizer tokenizer = TextTokenizer.forModel(config.text(), config.model().file())) {
            return read(settings.train(), inputs, config, outputType, Datasets.TextOptions.training(tokenizer));
        }
    }

    /** The batches of one epoch, as index lists into {@link #train}. */
    int[][] epochBatches(LoopConfig loop, int epoch) {
        return sampler != null
                ? sampler.epochBatches(loop.batchSize(), loop.seed(), epoch)
                : BatchOrder.epochBatches(train.size(), loop.batchSize(), loop.shuffle(), loop.seed(), epoch);
    }

    int batchesPerEpoch(LoopConfig loop) {
        int samples = sampler != null ? sampler.epochSize() : train.size();
        return (samples + loop.batchSize() - 1) / loop.batchSize();
    }

    private static Samples read(Path file, List<InputSpec> inputs, RunConfig config, ValueType outputType,
                                Datasets.TextOptions text) {
        String weights = config.data().sampleWeights();
        Samples data = Datasets.read(file, inputs, new Labelling(Task.of(config.loss().kind()), config.data().labelColumn(),
                weights, true), text);
        requireLabelsFit(data, outputType, file);
        return data;
    }

    static int classCount(ValueType outputType) {
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

    /** Class ids must index the output's classes; regression targets must match its size per sample. */
    static void requireLabelsFit(Samples data, ValueType outputType, Path file) {
        var labels = data.labels();
        if (labels.task() == Task.CLASSIFICATION) {
            int classes = classCount(outputType);
            for (int i = 0; i < labels.classes().length; i++) {
                if (labels.classes()[i] >= classes) {
                    throw new DataException(file + ": label " + labels.classes()[i] + " of sample " + (i + 1)
                            + " is out of range for the model's " + classes + " classes");
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
