package dev.trainer.plot;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.Color;
import java.awt.image.BufferedImage;
import java.util.List;
import org.junit.jupiter.api.Test;

class HeatmapTest {

    @Test
    void cellsAreShadedByTheirShareOfTheRow() {
        // row 0 is all on the diagonal, row 1 split evenly, row 2 all off it
        long[][] counts = {{9, 0, 0}, {0, 50, 50}, {4, 0, 0}};
        BufferedImage image = new Heatmap("", List.of("a", "b", "c"), List.of("a", "b", "c"), "true", "predicted", counts)
                .render();

        long darkest = Pixels.count(image, Pixels.exactly(new Color(0x08306B)));
        long palest = Pixels.count(image, Pixels.exactly(new Color(0xF7FBFF)));
        long middle = Pixels.count(image, rgb -> (rgb & 0xFFFFFF) == blendHalf());

        assertTrue(darkest > 2 * 200, "two full cells: " + darkest);
        assertTrue(middle > 2 * 200, "two half cells: " + middle);
        assertTrue(palest > 5 * 200, "five empty cells: " + palest);
    }

    @Test
    void labelsMustMatchTheCounts() {
        assertThrows(IllegalArgumentException.class,
                () -> new Heatmap("", List.of("a"), List.of("a", "b"), "", "", new long[][] {{1, 2}, {3, 4}}));
        assertThrows(IllegalArgumentException.class,
                () -> new Heatmap("", List.of("a", "b"), List.of("a"), "", "", new long[][] {{1, 2}, {3, 4}}));
    }

    private static int blendHalf() {
        return (int) Math.round((0xF7 + 0x08) / 2.0) << 16 | (int) Math.round((0xFB + 0x30) / 2.0) << 8
                | (int) Math.round((0xFF + 0x6B) / 2.0);
    }
}
