package dev.trainer.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

class ConfusionMatrixTest {

    private static final long[][] COUNTS = {{12, 3, 0}, {1, 20, 2}, {0, 0, 7}};

    @Test
    void countsAddUp() {
        ConfusionMatrix m = new ConfusionMatrix(COUNTS, List.of());

        assertEquals(45, m.total());
        assertEquals(39, m.correct());
        assertEquals(23, m.support(1));
        assertEquals(23, m.predicted(1));
        assertEquals("2", m.className(2));
    }

    @Test
    void shortNamesLabelColumnsAndLongOnesLeaveThemToIds() {
        ConfusionMatrix named = new ConfusionMatrix(COUNTS, List.of("cat", "dog", "bird"));
        ConfusionMatrix long_ = new ConfusionMatrix(new long[][] {{5, 1}, {0, 4}}, List.of("golden retriever", "cat"));

        assertEquals(List.of("cat", "dog", "bird"), named.columnLabels());
        assertEquals(List.of("cat", "dog", "bird"), named.rowLabels());
        assertEquals(List.of("0", "1"), long_.columnLabels());
        assertEquals(List.of("0 golden retriever", "1 cat"), long_.rowLabels());
    }

    @Test
    void aMatrixMustBeSquareAndNamedWhole() {
        assertThrows(IllegalArgumentException.class, () -> new ConfusionMatrix(new long[][] {{1, 2}}, List.of()));
        assertThrows(IllegalArgumentException.class, () -> new ConfusionMatrix(COUNTS, List.of("a", "b")));
    }

    @Test
    void theCountsAreCopiedInAndOut() {
        long[][] counts = {{1, 0}, {0, 1}};
        ConfusionMatrix m = new ConfusionMatrix(counts, List.of());
        counts[0][0] = 9;
        m.counts()[1][1] = 9;

        assertEquals(1, m.count(0, 0));
        assertEquals(1, m.count(1, 1));
        assertEquals(new ConfusionMatrix(new long[][] {{1, 0}, {0, 1}}, List.of()), m);
    }
}
