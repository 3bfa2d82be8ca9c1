package dev.trainer.evaluate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class ConfusionMatrixTest {

    private static final long[][] COUNTS = {{12, 3, 0}, {1, 20, 2}, {0, 0, 7}};

    @Test
    void rendersATableWithClassNames() {
        String table = new ConfusionMatrix(COUNTS, List.of("cat", "dog", "bird")).render();

        assertEquals("""
                true \\ predicted   cat   dog  bird
                cat                 12     3     0
                dog                  1    20     2
                bird                 0     0     7
                """, table);
    }

    @Test
    void longNamesHeadTheirColumnsByIdAndKeepTheNameOnTheRow() {
        String table = new ConfusionMatrix(new long[][] {{5, 1}, {0, 4}}, List.of("golden retriever", "cat")).render();

        assertEquals("""
                true \\ predicted    0  1
                0 golden retriever  5  1
                1 cat               0  4
                """, table);
    }

    @Test
    void jsonHoldsNamesAndRows() {
        String json = new ConfusionMatrix(COUNTS, List.of()).toJson().toString();

        assertEquals("{\"classes\":[\"0\",\"1\",\"2\"],\"matrix\":[[12,3,0],[1,20,2],[0,0,7]]}", json);
    }

    @Test
    void countsAddUp() {
        ConfusionMatrix m = new ConfusionMatrix(COUNTS, List.of());

        assertEquals(45, m.total());
        assertEquals(39, m.correct());
        assertEquals(23, m.support(1));
        assertEquals(23, m.predicted(1));
    }

    @Test
    void aMatrixMustBeSquareAndNamedWhole() {
        assertThrows(IllegalArgumentException.class, () -> new ConfusionMatrix(new long[][] {{1, 2}}, List.of()));
        assertThrows(IllegalArgumentException.class, () -> new ConfusionMatrix(COUNTS, List.of("a", "b")));
    }

    @Test
    void undefinedScoresAreNullInJsonAndNaInText() {
        ClassificationMetrics metrics = new ClassificationMetrics(3);
        metrics.add(new float[] {2, 0, 0, 1, 0, 0}, new int[] {0, 0});  // one class only: no ROC curve

        ClassificationReport report = metrics.report(List.of("a", "b", "c"), 2);

        assertTrue(Double.isNaN(report.rocAuc()));
        assertTrue(report.toJson().get("roc_auc").isNull());
        assertEquals(1.0, report.toJson().get("top_k_accuracy").get("2").asDouble());
        assertTrue(report.render().contains("roc_auc          n/a"), report.render());
        assertTrue(report.render().contains("a         1.0000     1.0000     1.0000          2"), report.render());
    }
}
