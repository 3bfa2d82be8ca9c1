package dev.trainer;

import dev.trainer.config.DataConfig;
import dev.trainer.config.ImageConfig;
import dev.trainer.config.TextConfig;
import dev.trainer.data.ImageDataset;
import dev.trainer.data.Labelling;
import dev.trainer.data.Samples;
import dev.trainer.data.Task;
import dev.trainer.evaluate.BatchPredictions;
import dev.trainer.evaluate.DataFiles;
import dev.trainer.onnx.ModelMetadata;
import dev.trainer.onnx.OnnxModel;
import dev.trainer.runtime.InferenceSession;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A model open for prediction, as any ONNX Runtime deployment would run it: no training graphs.
 * Holds a native ONNX Runtime session: close it when done.
 *
 * <pre>{@code
 * try (Prediction model = Prediction.open(Path.of("runs/digits/model.onnx"))) {
 *     int[] classes = model.predict(Data.unlabelled(rows)).classes();
 * }
 * }</pre>
 */
public final class Prediction implements AutoCloseable {

    private final Path file;
    private final OnnxModel model;
    private final InferenceSession session;
    private final TextConfig text;
    private final ImageConfig images;
    private final int batchSize;

    private Prediction(Path file, TextConfig text, ImageConfig images, int batchSize) {
        if (batchSize < 1) {
            throw new IllegalArgumentException("--batch-size must be at least 1, got " + batchSize);
        }
        this.file = file;
        this.model = OnnxModel.load(file);
        this.text = text;
        this.images = images;
        this.batchSize = batchSize;
        this.session = new InferenceSession(model);
    }

    /**
     * Opens a model file, 256 samples per run, text tokenized with the {@code tokenizer.json}
     * beside it, images sized as its fine-tune recorded.
     */
    public static Prediction open(Path model) {
        return open(model, TextConfig.DEFAULT, ImageConfig.DEFAULT, 256);
    }

    /**
     * Opens a model file.
     *
     * @param text      how .jsonl text is tokenized
     * @param images    how images are read: a size not given is the one the model's fine-tune recorded
     * @param batchSize samples per run of the model
     * @throws ModelException when the file is not a model ONNX Runtime can run
     */
    public static Prediction open(Path model, TextConfig text, ImageConfig images, int batchSize) {
        return new Prediction(model, text, images, batchSize);
    }

    /**
     * Every output of the model on every sample; labels in the data are ignored. Images are named
     * by their path below the folder (or beside the manifest) they were read from.
     */
    public Predictions predict(Data data) {
        Samples samples = switch (data) {
            case Data.FromFile f -> DataFiles.read(f.path(), file, model, session.inputs(),
                    new Labelling(Task.CLASSIFICATION, DataConfig.DEFAULT_LABEL_COLUMN, null, false), text, images);
            case Data.InMemory rows -> DataSources.samples(rows, session.inputs());
        };
        List<String> outputs = model.graph().outputNames();
        List<String> names = samples instanceof ImageDataset imageFiles && data instanceof Data.FromFile f
                ? imageFiles.namesBelow(Files.isDirectory(f.path()) ? f.path() : f.path().toAbsolutePath().getParent())
                : null;
        return new Predictions(outputs, BatchPredictions.all(session, samples, batchSize, outputs), samples.size(),
                ModelMetadata.classNames(model), names);
    }

    @Override
    public void close() {
        session.close();
    }
}
