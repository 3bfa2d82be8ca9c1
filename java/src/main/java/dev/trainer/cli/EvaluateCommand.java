package dev.trainer.cli;

import dev.trainer.config.LossKind;
import dev.trainer.data.Samples;
import dev.trainer.data.Task;
import dev.trainer.train.DataFiles;
import dev.trainer.kernels.NativeKernels;
import dev.trainer.onnx.OnnxModel;
import dev.trainer.runtime.InferenceSession;
import dev.trainer.train.Evaluation;
import dev.trainer.train.FinalSoftmax;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(name = "evaluate", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Prints a model's loss on labelled data, with accuracy and macro-F1 for classes, MAE and R² for values.")
final class EvaluateCommand implements Callable<Integer> {

    @Mixin
    ModelDataOptions input;

    @Mixin
    LossOptions scoring;

    @Override
    public Integer call() {
        OnnxModel onnx = OnnxModel.load(input.model);
        LossKind loss = scoring.loss;
        String output = scoring.output;
        String name = output != null ? output : onnx.proto().getGraph().getOutput(0).getName();
        OnnxModel scored = onnx;
        FinalSoftmax softmax = loss == LossKind.CROSS_ENTROPY && output == null ? FinalSoftmax.of(onnx, name) : null;
        if (softmax != null) {
            System.err.println("trainer: " + softmax.note(name));
            name = softmax.logits();
            scored = softmax.model();
        }
        try (InferenceSession session = new InferenceSession(scored)) {
            Samples dataset = DataFiles.read(input.data, input.model, onnx, session.inputs(), Task.of(loss),
                    input.labels.labelColumn, true, input.text.toConfig());
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
