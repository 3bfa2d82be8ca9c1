package dev.trainer.evaluate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.trainer.events.ConfusionMatrix;
import dev.trainer.events.RegressionScores;
import dev.trainer.events.Scores;
import java.util.List;
import org.junit.jupiter.api.Test;

class ScoreTablesTest {

    private static final long[][] COUNTS = {{12, 3, 0}, {1, 20, 2}, {0, 0, 7}};

    @Test
    void rendersTheConfusionMatrixWithClassNames() {
        String table = ScoreTables.confusion(new ConfusionMatrix(COUNTS, List.of("cat", "dog", "bird")));

        assertEquals("""
                true \\ predicted   cat   dog  bird
                cat                 12     3     0
                dog                  1    20     2
                bird                 0     0     7
                """, table);
    }

    @Test
    void longNamesHeadTheirColumnsByIdAndKeepTheNameOnTheRow() {
        String table = ScoreTables.confusion(new ConfusionMatrix(new long[][] {{5, 1}, {0, 4}},
                List.of("golden retriever", "cat")));

        assertEquals("""
                true \\ predicted    0  1
                0 golden retriever  5  1
                1 cat               0  4
                """, table);
    }

    @Test
    void aClassifiersScoresAreLinesThenTheTablesAndUndefinedOnesNa() {
        ClassificationMetrics metrics = new ClassificationMetrics(3);
        metrics.add(new float[] {2, 0, 0, 1, 0, 0}, new int[] {0, 0});  // one class only: no ROC curve

        String text = ScoreTables.render(new Scores(0.25, 2, metrics.report(List.of("a", "b", "c"), 2), null));

        assertTrue(text.startsWith("samples          2\nloss             0.250000\naccuracy         1.0000\n"
                + "top_2_accuracy   1.0000\n"), text);
        assertTrue(text.contains("roc_auc          n/a"), text);
        assertTrue(text.contains("class  precision     recall         f1    support\n"
                + "a         1.0000     1.0000     1.0000          2\nb         0.0000     0.0000     0.0000          0\n"), text);
        assertTrue(text.endsWith("true \\ predicted  a  b  c\na                 2  0  0\nb                 0  0  0\n"
                + "c                 0  0  0\n"), text);
    }

    @Test
    void aRegressorsScoresAreFourLines() {
        String text = ScoreTables.render(new Scores(0.5, 10, null, new RegressionScores(0.25, 0.5, Math.sqrt(0.5), 0.9)));

        assertEquals("samples          10\nloss             0.500000\nmae              0.250000\nmse              0.500000\n"
                + "rmse             0.707107\nr2               0.9000\n", text);
    }
}
