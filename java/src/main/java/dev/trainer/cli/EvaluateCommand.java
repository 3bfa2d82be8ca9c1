package dev.trainer.cli;

import dev.trainer.data.Samples;
import dev.trainer.kernels.NativeKernels;
import dev.trainer.onnx.OnnxModel;
import dev.trainer.runtime.InferenceSession;
import dev.trainer.train.Evaluation;
import dev.trainer.train.FinalSoftmax;
import dev.trainer.train.LossKind;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "evaluate", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Prints a model's loss on labelled data, with accuracy and macro-F1 for classes, MAE and R² for values.")
final class EvaluateCommand implements Callable<Integer> {

    @Mixin
    ModelDataOptions input;

    @Option(names = "--loss", defaultValue = "cross-entropy", converter = Converters.Loss.class,
            description = "cross-entropy or mse (default: ${DEFAULT-VALUE}).")
    LossKind loss;

    @Option(names = "--output", paramLabel = "NAME", description = "The model output to score (default: the first).")
    String output;

    @Override
    public Integer call() {
        OnnxModel onnx = input.loadModel();
        String name = output != null ? output : onnx.proto().getGraph().getOutput(0).getName();
        OnnxModel scored = onnx;
        FinalSoftmax softmax = loss == LossKind.CROSS_ENTROPY && output == null ? FinalSoftmax.of(onnx, name) : null;
        if (softmax != null) {
            System.err.println("trainer: " + softmax.note(name));
            name = softmax.logits();
            scored = softmax.model();
        }
        try (InferenceSession session = new InferenceSession(scored)) {
            Samples dataset = input.read(onnx, session.inputs(), loss.task(), true);
            dev.trainer.train.FineTune.requireLabelsFit(dataset, session.type(name), input.data);
            Evaluation e = Evaluation.of(session, name, dataset, input.batchSize, loss, NativeKernels.instance());
            System.out.printf("samples %d%nloss %.6f%n", e.samples(), e.loss());
            if (!Double.isNaN(e.accuracy())) {
                System.out.printf("accuracy %.4f%nmacro_f1 %.4f%n", e.accuracy(), e.macroF1());
            }
            if (!Double.isNaN(e.meanAbsoluteError())) {
                System.out.printf("mae %.6f%nr2 %.4f%n", e.meanAbsoluteError(), e.r2());
            }
        }
        return ExitCode.OK;
    }
}
