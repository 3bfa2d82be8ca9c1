package dev.trainer.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.trainer.Data;
import dev.trainer.Evaluation;
import dev.trainer.config.ReportingConfig;
import dev.trainer.evaluate.ScoreTables;
import dev.trainer.monitor.ScoresJson;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "evaluate", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Prints a model's scores on labelled data, as scikit-learn defines them: loss; for classes accuracy,",
                "top-k accuracy, macro and weighted F1, ROC-AUC, PR-AUC, log loss, per-class precision, recall, F1",
                "and support, and the confusion matrix; for values MAE, MSE, RMSE and R²."})
final class EvaluateCommand implements Callable<Integer> {

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    @Mixin
    ModelDataOptions input;

    @Mixin
    LossOptions scoring;

    @Option(names = "--top-k", paramLabel = "K",
            description = "Report the top-K accuracy, when there are more than K classes (default: ${DEFAULT-VALUE}).")
    int topK = ReportingConfig.DEFAULT.topK();

    @Option(names = "--json", description = "Print the scores as one JSON object (the fields of metrics.jsonl without val_).")
    boolean json;

    @Override
    public Integer call() throws JsonProcessingException {
        Evaluation.Result result = Evaluation.of(input.model).data(Data.file(input.data)).loss(scoring.loss)
                .output(scoring.output).batchSize(input.batchSize).labelColumn(input.labels.labelColumn)
                .text(input.text.toConfig()).images(input.images.toConfig()).topK(topK).run();
        if (result.note() != null) {
            System.err.println("trainer: " + result.note());
        }
        System.out.print(json ? JSON.writeValueAsString(ScoresJson.write(result.scores())) + System.lineSeparator()
                : ScoreTables.render(result.scores()));
        return ExitCode.OK;
    }
}
