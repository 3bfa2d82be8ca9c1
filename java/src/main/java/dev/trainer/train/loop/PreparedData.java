package dev.trainer.train.loop;

import dev.trainer.DataException;
import dev.trainer.config.BalanceConfig;
import dev.trainer.config.DataConfig;
import dev.trainer.config.LoopConfig;
import dev.trainer.config.RunConfig;
import dev.trainer.data.BatchOrder;
import dev.trainer.data.ClassDistribution;
import dev.trainer.data.Dataset;
import dev.trainer.data.Datasets;
import dev.trainer.data.ImageDataset;
import dev.trainer.data.ImageOptions;
import dev.trainer.data.InputSpec;
import dev.trainer.data.Labelling;
import dev.trainer.data.Samples;
import dev.trainer.data.Split;
import dev.trainer.data.Task;
import dev.trainer.data.TextDataset;
import dev.trainer.data.TextTokenizer;
import dev.trainer.data.augment.Smote;
import dev.trainer.data.normalize.Normalization;
import dev.trainer.data.sampling.Sampler;
import dev.trainer.evaluate.OutputLabels;
import dev.trainer.onnx.ValueType;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;

/**
 * The examples of a run, ready for the loop: read and checked against the model, split,
 * normalized with training statistics, augmented, and with the class weights and sampler the
 * user asked for.
 *
 * @param validation     {@code null} without validation data
 * @param normalizations per-input scaling to bake into the exported model; empty for none
 * @param distribution   the training split's classes; {@code null} for regression
 * @param classWeights   one loss weight per class, or {@code null} for none
 * @param sampler        how each epoch draws its batches; {@code null} for plain (shuffled) order
 * @param classNames     class names by id when the labels were names (text data) or class folders
 *                       (images); empty otherwise
 */
public record PreparedData(Samples train, Samples validation, List<Normalization> normalizations,
                           ClassDistribution distribution, double[] classWeights, Sampler sampler, List<String> classNames) {

    /**
     * Reads the configured files, or takes samples from elsewhere (cross-validation folds, data
     * given in memory), and prepares them, telling {@code notes} what it did.
     *
     * @param inputs     the model's inputs, which the data must fill
     * @param outputType the output the loss reads, which the labels must fit
     * @param train      the training samples, or {@code null} for the configured file
     * @param validation the validation samples, or {@code null} for the configured file (if any)
     */
    public static PreparedData prepare(RunConfig config, List<InputSpec> inputs, ValueType outputType, SampleSource train,
                                       SampleSource validation, Consumer<String> notes) {
        Samples[] sets = sets(config, inputs, outputType, train, validation, notes);
        return prepare(config, outputType, sets[0], sets[1], notes);
    }

    /** The training and validation samples: given ones where given, else the configured files'. */
    private static Samples[] sets(RunConfig config, List<InputSpec> inputs, ValueType outputType, SampleSource train,
                                  SampleSource validation, Consumer<String> notes) {
        Samples[] sets = train == null ? readFiles(config, inputs, outputType, notes)
                : new Samples[] {train.samples(inputs, outputType), null};
        if (validation != null) {
            sets[1] = validation.samples(inputs, outputType);
        } else if (train != null && config.data().validation() != null) {
            sets[1] = read(config.data().validation(), inputs, config, outputType, null,
                    sets[0] instanceof ImageDataset images ? imageOptions(config).following(images) : imageOptions(config));
        }
        return sets;
    }

    private static PreparedData prepare(RunConfig config, ValueType outputType, Samples train, Samples validation,
                                        Consumer<String> notes) {
        DataConfig settings = config.data();
        requireTabular(config, train);
        if (settings.sampleWeights() != null && !train.labels().weighted()) {
            throw new DataException(train.source() + " has no sample weights '" + settings.sampleWeights()
                    + "' (a CSV column or NPZ array of that name)");
        }
        if (validation == null && settings.valSplit() > 0) {
            Split split = Split.holdout(train, settings.valSplit(), config.loop().seed());
            validation = split.validationSet(train);
            train = split.trainSet(train);
            notes.accept(String.format("held out %d of %d training samples for validation (stratified, --val-split %s)",
                    validation.size(), validation.size() + train.size(), settings.valSplit()));
        }
        train = augmentImages(config, train);
        List<Normalization> normalizations = List.of();
        if (settings.normalize() != null) {
            normalizations = Normalization.fitFloatInputs((Dataset) train, settings.normalize());
            for (Normalization n : normalizations) {
                train = n.apply((Dataset) train);
                validation = validation == null ? null : n.apply((Dataset) validation);
            }
        }
        List<String> classNames = train.classNames();
        if (!config.loss().kind().classification()) {
            return new PreparedData(train, validation, normalizations, null, null, null, classNames);
        }
        return balanced(config.balance(), config.loop().seed(), train, validation, normalizations, outputType, classNames,
                notes);
    }

    /** The class distribution, and the remedies for imbalance the configuration asks for. */
    private static PreparedData balanced(BalanceConfig balance, long seed, Samples train, Samples validation,
                                         List<Normalization> normalizations, ValueType outputType,
                                         List<String> classNames, Consumer<String> notes) {
        ClassDistribution distribution = ClassDistribution.of(train.labels(), OutputLabels.classCount(outputType));
        notes.accept("training classes:\n" + distribution.report().stripTrailing());
        if (balance.augment() != null && balance.augment().smote()) {
            int before = train.size();
            train = new Smote(balance.augment().neighbours(), seed).apply((Dataset) train);
            notes.accept(String.format("SMOTE added %d synthetic samples", train.size() - before));
        }
        double[] weights = balance.classWeights() == null ? null : balance.classWeights().weights(distribution.counts());
        Sampler sampler = balance.sampler() == null ? null : Sampler.of(balance.sampler(), train.labels());
        return new PreparedData(train, validation, normalizations, distribution, weights, sampler, classNames);
    }

    /**
     * The options that tabular data alone takes, refused for text and images (which also arrive
     * as CSV or JSONL files, so the configuration alone cannot tell).
     */
    private static void requireTabular(RunConfig config, Samples train) {
        BalanceConfig balance = config.balance();
        boolean smote = balance.augment() != null && balance.augment().smote();
        if (!(train instanceof Dataset) && (config.data().normalize() != null || smote || balance.mixup() > 0)) {
            throw new IllegalArgumentException("--normalize, --augment smote and --mixup work on tabular data (CSV or NPZ"
                    + " features), not on " + (train instanceof ImageDataset ? "images" : "text"));
        }
        if (!(train instanceof ImageDataset) && balance.augment() != null && balance.augment().image().any()) {
            throw new IllegalArgumentException("--augment " + balance.augment().image() + " works on images, not on "
                    + (train instanceof TextDataset ? "text" : "tabular data"));
        }
    }

    /** The training images with the augmentation's image items, drawn from the run's seed; other data as it is. */
    private static Samples augmentImages(RunConfig config, Samples train) {
        if (train instanceof ImageDataset images && config.balance().augment() != null) {
            return images.withAugmentation(config.balance().augment().image(), config.loop().seed());
        }
        return train;
    }

    /** The training and validation files, read as the model takes them (text through its tokenizer, images by the image settings). */
    private static Samples[] readFiles(RunConfig config, List<InputSpec> inputs, ValueType outputType, Consumer<String> notes) {
        DataConfig settings = config.data();
        if (Datasets.holdsImages(settings.train())) {
            ImageDataset images = (ImageDataset) read(settings.train(), inputs, config, outputType, null, imageOptions(config));
            Samples validation = settings.validation() == null ? null : read(settings.validation(), inputs, config,
                    outputType, null, imageOptions(config).following(images));
            reportSkipped(images, notes);
            if (validation instanceof ImageDataset validationImages) {
                reportSkipped(validationImages, notes);
            }
            return new Samples[] {images, validation};
        }
        if (!Datasets.holdsText(settings.train())) {
            return new Samples[] {read(settings.train(), inputs, config, outputType, null, imageOptions(config)),
                    settings.validation() == null ? null
                            : read(settings.validation(), inputs, config, outputType, null, imageOptions(config))};
        }
        try (TextTokenizer tokenizer = TextTokenizer.forModel(config.text(), config.model().file())) {
            TextDataset text = (TextDataset) read(settings.train(), inputs, config, outputType,
                    Datasets.TextOptions.training(tokenizer), imageOptions(config));
            return new Samples[] {text, settings.validation() == null ? null : read(settings.validation(), inputs, config,
                    outputType, Datasets.TextOptions.following(tokenizer, text), imageOptions(config))};
        }
    }

    /** With --skip-bad-images: how many files were left out, and the first few. */
    private static void reportSkipped(ImageDataset images, Consumer<String> notes) {
        List<String> skipped = images.skippedImages();
        if (!skipped.isEmpty()) {
            notes.accept(String.format("%s: skipped %d image%s that could not be decoded:%n  %s", images.source(),
                    skipped.size(), skipped.size() == 1 ? "" : "s", String.join("\n  ", skipped.stream().limit(5).toList())));
        }
    }

    /** The training file alone, read as the model takes it (text through its tokenizer), checked against its output. */
    public static Samples readTrain(RunConfig config, List<InputSpec> inputs, ValueType outputType) {
        DataConfig settings = config.data();
        if (!Datasets.holdsText(settings.train())) {
            return read(settings.train(), inputs, config, outputType, null, imageOptions(config));
        }
        try (TextTokenizer tokenizer = TextTokenizer.forModel(config.text(), config.model().file())) {
            return read(settings.train(), inputs, config, outputType, Datasets.TextOptions.training(tokenizer),
                    imageOptions(config));
        }
    }

    private static ImageOptions imageOptions(RunConfig config) {
        return ImageOptions.training(config.images());
    }

    /** The batches of one epoch, as index lists into {@link #train}. */
    public int[][] epochBatches(LoopConfig loop, int epoch) {
        return sampler != null
                ? sampler.epochBatches(loop.batchSize(), loop.seed(), epoch)
                : BatchOrder.epochBatches(train.size(), loop.batchSize(), loop.shuffle(), loop.seed(), epoch);
    }

    /**
     * The most samples a batch holds: the batch size, or an epoch's samples when there are fewer,
     * which is what the batch buffers are allocated for ({@code --batch-size 2147483647} takes the
     * whole data set each step rather than asking for terabytes).
     */
    public int batchCapacity(LoopConfig loop) {
        return Math.min(loop.batchSize(), epochSize());
    }

    /**
     * The optimizer steps of one epoch: its batches in windows of {@code --grad-accum}, each
     * window one step; the last may hold fewer batches. Windows start at the epoch's first batch,
     * so a step boundary is always a multiple of {@code gradAccum} batches into the epoch.
     */
    public int[][][] epochWindows(LoopConfig loop, int epoch) {
        int[][] batches = epochBatches(loop, epoch);
        int[][][] windows = new int[(batches.length + loop.gradAccum() - 1) / loop.gradAccum()][][];
        for (int w = 0; w < windows.length; w++) {
            windows[w] = Arrays.copyOfRange(batches, w * loop.gradAccum(),
                    Math.min(batches.length, (w + 1) * loop.gradAccum()));
        }
        return windows;
    }

    /** Optimizer steps in every epoch. */
    public int stepsPerEpoch(LoopConfig loop) {
        int batches = Math.ceilDiv(epochSize(), loop.batchSize());
        return (batches + loop.gradAccum() - 1) / loop.gradAccum();
    }

    /** Samples drawn in an epoch: the training set's, or as many as the sampler draws. */
    private int epochSize() {
        return sampler != null ? sampler.epochSize() : train.size();
    }

    private static Samples read(Path file, List<InputSpec> inputs, RunConfig config, ValueType outputType,
                                Datasets.TextOptions text, ImageOptions images) {
        Samples data = Datasets.read(file, inputs, new Labelling(Task.of(config.loss().kind()),
                config.data().labelColumn(), config.data().sampleWeights(), true), text, images);
        OutputLabels.requireFit(data, outputType, file);
        return data;
    }
}
