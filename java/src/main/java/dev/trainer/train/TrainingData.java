package dev.trainer.train;

import dev.trainer.data.BatchOrder;
import dev.trainer.data.ClassDistribution;
import dev.trainer.data.ClassWeights;
import dev.trainer.data.DataException;
import dev.trainer.data.Dataset;
import dev.trainer.data.Datasets;
import dev.trainer.data.ImageDataset;
import dev.trainer.data.ImageOptions;
import dev.trainer.data.InputSpec;
import dev.trainer.data.Samples;
import dev.trainer.data.Split;
import dev.trainer.data.TextDataset;
import dev.trainer.data.TextTokenizer;
import dev.trainer.data.Task;
import dev.trainer.data.augment.AugmentSpec;
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
    static TrainingData prepare(TrainConfig config, List<InputSpec> inputs, ValueType outputType, Samples givenTrain,
                                Samples givenValidation, Arena arena, PrintStream log) {
        TrainConfig.DataSettings settings = config.data();
        Task task = settings.loss().task();
        Samples train = givenTrain;
        Samples validation = givenValidation;
        if (train == null) {
            if (Datasets.holdsImages(settings.train())) {
                ImageDataset images = (ImageDataset) read(settings.train(), inputs, settings, outputType, null,
                        settings.images());
                train = images;
                validation = settings.validation() == null ? null : read(settings.validation(), inputs, settings,
                        outputType, null, settings.images().following(images));
                reportSkipped(images, log);
                if (validation instanceof ImageDataset validationImages) {
                    reportSkipped(validationImages, log);
                }
            } else if (TextSettings.isText(settings.train())) {
                try (TextTokenizer tokenizer = config.text().load(config.model())) {
                    TextDataset text = (TextDataset) read(settings.train(), inputs, settings, outputType,
                            Datasets.TextOptions.training(tokenizer));
                    train = text;
                    validation = settings.validation() == null ? null : read(settings.validation(), inputs, settings,
                            outputType, Datasets.TextOptions.following(tokenizer, text));
                }
            } else {
                train = read(settings.train(), inputs, settings, outputType, null);
                validation = settings.validation() == null ? null : read(settings.validation(), inputs, settings, outputType, null);
            }
        }
        TrainConfig.BalanceSettings balance = config.balance();
        AugmentSpec augment = balance.augment() == null ? null : AugmentSpec.parse(balance.augment());
        if (train instanceof TextDataset && (settings.normalize() != null || augment != null || balance.mixup() > 0)) {
            throw new IllegalArgumentException("--normalize, --augment and --mixup work on tabular data (CSV or NPZ"
                    + " features), not on text");
        }
        if (train instanceof ImageDataset images) {
            if (settings.normalize() != null || augment != null && augment.smote()) {
                throw new IllegalArgumentException("--normalize and --augment smote work on tabular data, not on images");
            }
            if (augment != null) {
                train = images.withAugmentation(augment.image(), config.loop().seed());
            }
        } else if (augment != null && augment.image() != null) {
            throw new IllegalArgumentException("--augment " + augment.image() + " works on images, not on "
                    + (train instanceof TextDataset ? "text" : "tabular data"));
        }
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
            if (augment != null && augment.smote()) {
                int before = train.size();
                train = new Smote(augment.smoteNeighbours(), config.loop().seed()).apply((Dataset) train);
                log.printf("SMOTE added %d synthetic samples%n", train.size() - before);
            }
            if (balance.classWeights() != null) {
                weights = ClassWeights.parse(balance.classWeights()).weights(distribution);
                weightSegment = arena.allocate(ValueLayout.JAVA_FLOAT, classes);
                for (int c = 0; c < classes; c++) {
                    weightSegment.setAtIndex(ValueLayout.JAVA_FLOAT, c, (float) weights[c]);
                }
            }
            if (balance.sampler() != null) {
                sampler = Sampler.of(balance.sampler(), train.labels());
            }
        } else if (balance.classWeights() != null || balance.sampler() != null || augment != null && augment.smote()) {
            throw new IllegalArgumentException("--class-weights, --sampler and --augment smote need a classification loss");
        }
        List<String> classNames = switch (train) {
            case TextDataset text -> text.classNames();
            case ImageDataset images -> images.classNames();
            case Dataset table -> List.of();
        };
        return new TrainingData(train, validation, normalizations, distribution, weights, weightSegment, sampler, classNames);
    }

    /** The training file alone, read as the model takes it (text through its tokenizer), checked against its output. */
    static Samples readTrain(TrainConfig config, List<InputSpec> inputs, ValueType outputType) {
        TrainConfig.DataSettings settings = config.data();
        if (!TextSettings.isText(settings.train())) {
            return read(settings.train(), inputs, settings, outputType, null);
        }
        try (TextTokenizer tokenizer = config.text().load(config.model())) {
            return read(settings.train(), inputs, settings, outputType, Datasets.TextOptions.training(tokenizer));
        }
    }

    /** The batches of one epoch, as index lists into {@link #train}. */
    int[][] epochBatches(TrainConfig.LoopSettings loop, int epoch) {
        return sampler != null
                ? sampler.epochBatches(loop.batchSize(), loop.seed(), epoch)
                : BatchOrder.epochBatches(train.size(), loop.batchSize(), loop.shuffle(), loop.seed(), epoch);
    }

    int batchesPerEpoch(TrainConfig.LoopSettings loop) {
        int samples = sampler != null ? sampler.epochSize() : train.size();
        return (samples + loop.batchSize() - 1) / loop.batchSize();
    }

    private static Samples read(Path file, List<InputSpec> inputs, TrainConfig.DataSettings settings, ValueType outputType,
                                Datasets.TextOptions text) {
        return read(file, inputs, settings, outputType, text, settings.images());
    }

    /** With --skip-bad-images: how many files were left out, and the first few. */
    private static void reportSkipped(ImageDataset images, PrintStream log) {
        List<String> skipped = images.skippedImages();
        if (!skipped.isEmpty()) {
            log.printf("%s: skipped %d image%s that could not be decoded:%n", images.source(), skipped.size(),
                    skipped.size() == 1 ? "" : "s");
            skipped.stream().limit(5).forEach(problem -> log.println("  " + problem));
        }
    }

    private static Samples read(Path file, List<InputSpec> inputs, TrainConfig.DataSettings settings, ValueType outputType,
                                Datasets.TextOptions text, ImageOptions images) {
        Samples data = Datasets.read(file, inputs, settings.loss().task(), settings.labelColumn(), true, text, images);
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
