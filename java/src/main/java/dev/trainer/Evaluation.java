package dev.trainer;

import dev.trainer.config.DataConfig;
import dev.trainer.config.ImageConfig;
import dev.trainer.config.LossKind;
import dev.trainer.config.ReportingConfig;
import dev.trainer.config.TextConfig;
import dev.trainer.data.Labelling;
import dev.trainer.data.Samples;
import dev.trainer.data.Task;
import dev.trainer.edit.FinalSoftmax;
import dev.trainer.evaluate.DataFiles;
import dev.trainer.evaluate.OutputLabels;
import dev.trainer.evaluate.Scorer;
import dev.trainer.events.Scores;
import dev.trainer.kernels.NativeKernels;
import dev.trainer.onnx.ModelMetadata;
import dev.trainer.onnx.OnnxModel;
import dev.trainer.runtime.InferenceSession;
import java.nio.file.Path;
import java.util.List;

/**
 * Scores a model on labelled data: its loss, and for classes accuracy, per-class precision,
 * recall, F1 and support, macro and weighted F1, ROC-AUC, PR-AUC, log loss, top-k accuracy and the
 * confusion matrix; for values MAE, MSE, RMSE and R² (each as scikit-learn defines it). A
 * classifier ending in a Softmax is scored on its logits, as training reads them. Classes are
 * named as the model's fine-tune recorded, else as the data names them (image class folders).
 *
 * <pre>{@code
 * Scores scores = Evaluation.of(Path.of("runs/digits/model.onnx")).data(Data.file(Path.of("val.csv"))).run().scores();
 * }</pre>
 */
public final class Evaluation {

    /**
     * @param scores the model's scores
     * @param output the output scored: the configured one, or the logits under a final softmax
     * @param note   what to tell the user about a final softmax, or {@code null}
     */
    public record Result(Scores scores, String output, String note) {
    }

    private final Path model;
    private Data data;
    private LossKind loss = LossKind.CROSS_ENTROPY;
    private String output;
    private int batchSize = 256;
    private String labelColumn = DataConfig.DEFAULT_LABEL_COLUMN;
    private TextConfig text = TextConfig.DEFAULT;
    private ImageConfig images = ImageConfig.DEFAULT;
    private int topK = ReportingConfig.DEFAULT.topK();

    private Evaluation(Path model) {
        this.model = model;
    }

    /** Scores the model file. */
    public static Evaluation of(Path model) {
        return new Evaluation(model);
    }

    /** The labelled examples to score on. */
    public Evaluation data(Data examples) {
        this.data = examples;
        return this;
    }

    /** Cross-entropy (the default) or mean squared error. */
    public Evaluation loss(LossKind kind) {
        this.loss = kind;
        return this;
    }

    /** The output to score, instead of the first. */
    public Evaluation output(String name) {
        this.output = name;
        return this;
    }

    /** Samples per run of the model (256 by default). */
    public Evaluation batchSize(int samples) {
        this.batchSize = samples;
        return this;
    }

    /** The CSV column holding the labels ({@code label} by default). */
    public Evaluation labelColumn(String column) {
        this.labelColumn = column;
        return this;
    }

    /** How .jsonl text is tokenized (the {@code tokenizer.json} beside the model by default). */
    public Evaluation text(TextConfig config) {
        this.text = config;
        return this;
    }

    /** The k of the top-k accuracy (5 by default), reported when the model has more than k classes. */
    public Evaluation topK(int k) {
        if (k < 1) {
            throw new IllegalArgumentException("--top-k must be at least 1, got " + k);
        }
        this.topK = k;
        return this;
    }

    /**
     * How images are read (the size the model's fine-tune recorded, no normalization, by default):
     * give a size for a model with a dynamic input that trainer did not fine-tune, and the
     * normalization it expects when it has none of its own.
     */
    public Evaluation images(ImageConfig config) {
        this.images = config;
        return this;
    }

    /**
     * Reads the model and the data and scores it.
     *
     * @throws ModelException, DataException for a model or data that cannot be read or do not fit
     */
    public Result run() {
        if (data == null) {
            throw new IllegalArgumentException("no data to evaluate on: call data(...)");
        }
        OnnxModel onnx = OnnxModel.load(model);
        String name = output != null ? output : onnx.graph().outputNames().getFirst();
        OnnxModel scored = onnx;
        FinalSoftmax softmax = loss == LossKind.CROSS_ENTROPY && output == null ? FinalSoftmax.of(onnx, name) : null;
        String note = null;
        if (softmax != null) {
            note = softmax.note(name);
            name = softmax.logits();
            scored = softmax.model();
        }
        try (InferenceSession session = new InferenceSession(scored)) {
            Samples samples = switch (data) {
                case Data.FromFile f -> DataFiles.read(f.path(), model, onnx, session.inputs(),
                        new Labelling(Task.of(loss), labelColumn, null, true), text, images);
                case Data.InMemory rows -> DataSources.samples(rows, session.inputs());
            };
            OutputLabels.requireFit(samples, session.type(name), data instanceof Data.FromFile f ? f.path() : model);
            List<String> recorded = ModelMetadata.classNames(onnx);
            Scorer.Reporting names = new Scorer.Reporting(recorded != null ? recorded : samples.classNames(), topK);
            return new Result(Scorer.score(session, name, samples, batchSize, loss, NativeKernels.instance(), names),
                    name, note);
        }
    }
}
