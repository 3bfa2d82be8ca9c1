package dev.trainer.data;

import dev.trainer.DataException;
import dev.trainer.config.ImageAugmentation;
import dev.trainer.data.image.Augmenter;
import dev.trainer.data.image.BadImageException;
import dev.trainer.data.image.FloatImage;
import dev.trainer.data.image.ImageDecoder;
import dev.trainer.data.image.ImagePreprocessing;
import java.lang.foreign.Arena;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;

/**
 * Images on disk, decoded only when a batch needs them: the files, their labels, the model
 * input they fill and the preprocessing that turns a file into a sample, plus, for training
 * data, a seeded augmentation. Immutable. Read by {@link Datasets} from an image folder or a
 * manifest; batched by an {@link ImageLoader}, which decodes on background threads.
 */
public final class ImageDataset extends SampleSet {

    private final String input;
    private final List<Path> files;
    private final List<String> classNames;
    private final ImagePreprocessing preprocessing;
    private final Augmenter augmentation;
    private final long seed;
    private final int threads;
    private final List<String> skipped;

    /**
     * @param input         the model input the images fill (float32 {@code [N, C, H, W]})
     * @param labels        class ids or targets, one per file, or null
     * @param classNames    names by class id, or empty
     * @param augmentation  applied to training samples only; null for none
     * @param threads       decoding threads per loader
     * @param skipped       the broken files left out when reading, each as its one-line problem
     */
    ImageDataset(String source, String input, List<Path> files, Labels labels, List<String> classNames,
                 ImagePreprocessing preprocessing, Augmenter augmentation, long seed, int threads,
                 List<String> skipped) {
        if (files.isEmpty()) {
            throw new DataException(source + " holds no images");
        }
        super(source, labels, files.size(), null);
        this.input = input;
        this.files = List.copyOf(files);
        this.classNames = List.copyOf(classNames);
        this.preprocessing = preprocessing;
        this.augmentation = augmentation;
        this.seed = seed;
        this.threads = threads;
        this.skipped = List.copyOf(skipped);
    }

    /**
     * Images for the model's inputs: checks that the model takes images (a single float32 input
     * {@code [N, C, H, W]}, C = 1 or 3), reads every file's header (in parallel) so that a broken
     * file is found before training starts, and leaves broken files out when the options say so.
     *
     * @param files      the image files, by sample
     * @param labels     one per file, or null
     * @param classNames names by class id, or empty
     * @throws DataException for a model that does not take images, a broken file (unless skipped),
     *                       or when no image is left
     */
    static ImageDataset of(String source, List<InputSpec> inputs, List<Path> files, Labels labels,
                           List<String> classNames, ImageOptions options) {
        if (inputs.size() != 1 || inputs.getFirst().type() != ElementType.FLOAT) {
            throw new DataException(source + ": images fill a single float input [N, C, H, W], but the model takes "
                    + inputs);
        }
        InputSpec input = inputs.getFirst();
        ImagePreprocessing preprocessing;
        try {
            preprocessing = ImagePreprocessing.forInput(input.name(), input.sampleShape(), options.settings().size(),
                    options.settings().normalization());
        } catch (IllegalArgumentException e) {
            throw new DataException(source + ": " + e.getMessage());
        }
        String[] problems = new String[files.size()];
        IntStream.range(0, files.size()).parallel().forEach(i -> {
            try {
                ImageDecoder.probe(files.get(i));
            } catch (BadImageException e) {
                problems[i] = e.getMessage();
            }
        });
        List<Integer> good = new ArrayList<>();
        List<String> skipped = new ArrayList<>();
        for (int i = 0; i < problems.length; i++) {
            if (problems[i] == null) {
                good.add(i);
            } else if (options.settings().skipBadImages()) {
                skipped.add(problems[i]);
            } else {
                throw new DataException(problems[i] + " (--skip-bad-images leaves broken images out)");
            }
        }
        int[] kept = good.stream().mapToInt(Integer::intValue).toArray();
        List<Path> keptFiles = Arrays.stream(kept).mapToObj(files::get).toList();
        return new ImageDataset(source, input.name(), keptFiles, labels == null ? null : labels.subset(kept), classNames,
                preprocessing, null, 0, options.settings().threads(), skipped);
    }

    @Override
    public int size() {
        return files.size();
    }

    /** The model input the images fill. */
    public String inputName() {
        return input;
    }

    /** The image files, by sample. */
    public List<Path> files() {
        return files;
    }

    /**
     * Each sample's file as a path below {@code root} (an image folder, a manifest's folder), or
     * the whole path for a file outside it.
     */
    public List<String> namesBelow(Path root) {
        Path base = root.toAbsolutePath().normalize();
        return files.stream().map(f -> f.toAbsolutePath().normalize())
                .map(f -> (f.startsWith(base) ? base.relativize(f) : f).toString()).toList();
    }

    /** How each file becomes a sample; recorded with the run. */
    public ImagePreprocessing preprocessing() {
        return preprocessing;
    }

    /** The training augmentation, or null. */
    public Augmenter augmentation() {
        return augmentation;
    }

    /** Class names by id: the sorted class folder names, or a manifest's names; empty for ids or targets. */
    @Override
    public List<String> classNames() {
        return classNames;
    }

    /** Files left out when reading with {@code skipBadImages}, each as a one-line problem naming the file. */
    public List<String> skippedImages() {
        return skipped;
    }

    /** Decoding threads of each loader. */
    public int threads() {
        return threads;
    }

    /** The same images with a training augmentation, drawn from {@code seed}. */
    public ImageDataset withAugmentation(ImageAugmentation items, long seed) {
        return new ImageDataset(source(), input, files, hasLabels() ? labels() : null, classNames, preprocessing,
                items.any() ? new Augmenter(items) : null, seed, threads, skipped);
    }

    @Override
    public ImageDataset subset(int[] indices) {
        List<Path> picked = new ArrayList<>(indices.length);
        for (int index : indices) {
            picked.add(files.get(index));
        }
        return new ImageDataset(source(), input, picked, labelsAt(indices), classNames, preprocessing, augmentation, seed,
                threads, skipped);
    }

    /**
     * Sample {@code index} as the model takes it: decoded, preprocessed and, with an
     * augmentation, augmented as drawn for (seed, epoch, index). Thread-safe.
     *
     * @throws BadImageException when the file cannot be decoded
     */
    public FloatImage sample(int index, int epoch) throws BadImageException {
        FloatImage decoded = ImageDecoder.decode(files.get(index), preprocessing.channels());
        return preprocessing.apply(decoded, augmentation,
                augmentation == null ? null : Augmenter.random(seed, epoch, index));
    }

    /** Batches through an {@link ImageLoader} with {@link #threads()} threads. */
    @Override
    public BatchSource batches(int maxBatchSize, Arena arena) {
        return new ImageLoader(this, maxBatchSize, arena, threads, ImageLoader.DEFAULT_PREFETCH);
    }
}
