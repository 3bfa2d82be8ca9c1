package dev.trainer.monitor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trainer.evaluate.ClassificationMetrics;
import dev.trainer.events.RegressionScores;
import dev.trainer.events.Scores;
import java.util.List;
import org.junit.jupiter.api.Test;

class ScoresJsonTest {

    private static Scores classifier(List<String> names) {
        ClassificationMetrics metrics = new ClassificationMetrics(3);
        metrics.add(new float[] {2, 0, 0, 0, 1, 3, 0, 2, 1, 1, 1, 0}, new int[] {0, 2, 1, 1});
        return new Scores(0.75, 4, metrics.report(names, 2), null);
    }

    @Test
    void aClassifiersScoresRoundTripWithAndWithoutClassNames() {
        for (List<String> names : List.of(List.<String>of(), List.of("cat", "dog", "bird"))) {
            Scores scores = classifier(names);
            ObjectNode line = ScoresJson.write(JsonNodeFactory.instance.objectNode(), "val_", scores);

            assertEquals(scores, ScoresJson.read(new EventFields(line, "test", true), "val_"));
        }
    }

    @Test
    void theConfusionMatrixHoldsNamesAndRowsAndUndefinedScoresAreNull() {
        ObjectNode json = ScoresJson.write(classifier(List.of("cat", "dog", "bird")));

        assertEquals("{\"classes\":[\"cat\",\"dog\",\"bird\"],\"matrix\":[[1,0,0],[1,1,0],[0,0,1]]}",
                json.get("confusion_matrix").toString());
        assertEquals("{\"class\":\"dog\",\"precision\":1.0,\"recall\":0.5,\"f1\":0.6666666666666666,\"support\":2}",
                json.get("per_class").get(1).toString());
        assertEquals(1.0, json.get("top_k_accuracy").get("2").asDouble());
        ObjectNode single = ScoresJson.write(new Scores(Double.NaN, 1, null, new RegressionScores(1, 1, 1, Double.NaN)));
        assertTrue(single.get("loss").isNull() && single.get("r2").isNull(), single.toString());
    }

    @Test
    void aRegressorsScoresRoundTrip() {
        Scores scores = new Scores(0.5, 10, null, new RegressionScores(0.25, 0.5, Math.sqrt(0.5), 0.9));
        ObjectNode line = ScoresJson.write(JsonNodeFactory.instance.objectNode(), "val_", scores);

        assertEquals(scores, ScoresJson.read(new EventFields(line, "test", true), "val_"));
        assertEquals(List.of("val_loss", "val_mae", "val_mse", "val_rmse", "val_r2", "val_samples"),
                iterable(line.fieldNames()));
    }

    private static List<String> iterable(java.util.Iterator<String> names) {
        List<String> out = new java.util.ArrayList<>();
        names.forEachRemaining(out::add);
        return out;
    }
}
