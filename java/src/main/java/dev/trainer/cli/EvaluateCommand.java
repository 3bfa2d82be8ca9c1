package dev.trainer.cli;

import dev.trainer.Data;
import dev.trainer.Evaluation;
import dev.trainer.events.Scores;
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
        Evaluation.Result result = Evaluation.of(input.model).data(Data.file(input.data)).loss(scoring.loss)
                .output(scoring.output).batchSize(input.batchSize).labelColumn(input.labels.labelColumn)
                .text(input.text.toConfig()).run();
        if (result.note() != null) {
            System.err.println("trainer: " + result.note());
        }
        Scores e = result.scores();
        System.out.printf("samples %d%nloss %.6f%n", e.samples(), e.loss());
        if (e.classification()) {
            System.out.printf("accuracy %.4f%nmacro_f1 %.4f%n", e.accuracy(), e.macroF1());
        }
        if (!Double.isNaN(e.meanAbsoluteError())) {
            System.out.printf("mae %.6f%nr2 %.4f%n", e.meanAbsoluteError(), e.r2());
        }
        return ExitCode.OK;
    }
}
