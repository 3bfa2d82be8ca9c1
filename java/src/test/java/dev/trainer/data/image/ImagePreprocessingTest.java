package dev.trainer.data.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.trainer.config.ImageNormalization;
import dev.trainer.config.ImageSize;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ImagePreprocessingTest {

    @Test
    void theModelShapeGivesChannelsAndSize() {
        ImagePreprocessing fixed = ImagePreprocessing.forInput("x", new long[] {3, 32, 24}, null, ImageNormalization.IMAGENET);
        ImagePreprocessing dynamic = ImagePreprocessing.forInput("x", new long[] {1, -1, -1}, new ImageSize(20, 10),
                ImageNormalization.NONE);

        assertEquals(List.of(3, 32, 24), List.of(fixed.channels(), fixed.height(), fixed.width()));
        assertEquals(List.of(1, 20, 10), List.of(dynamic.channels(), dynamic.height(), dynamic.width()));
        assertTrue(message(() -> ImagePreprocessing.forInput("x", new long[] {3, 32, 24}, new ImageSize(30, 24),
                ImageNormalization.NONE)).contains("disagrees with input 'x', which takes 32x24"));
        assertTrue(message(() -> ImagePreprocessing.forInput("x", new long[] {4, 8, 8}, null, ImageNormalization.NONE))
                .contains("C = 1 or 3"));
    }

    @Test
    void pixelsAreResizedAndNormalizedPerChannel() {
        ImagePreprocessing p = new ImagePreprocessing(3, 1, 2, new ImageNormalization(new float[] {0.5f, 0f, 0.25f}, new float[] {0.5f, 1f, 2f}));
        FloatImage decoded = new FloatImage(3, 1, 2, new float[] {0, 1, 0.5f, 0.5f, 1, 1});
        FloatImage larger = new FloatImage(3, 3, 4, new float[36]);
        java.util.Arrays.fill(larger.values(), 0.75f);

        FloatImage sample = p.apply(decoded, null, null);
        FloatImage resized = p.apply(larger, null, null);

        assertArrayEquals(new float[] {-1, 1, 0.5f, 0.5f, 0.375f, 0.375f}, sample.values(), 1e-6f);
        assertArrayEquals(new float[] {0.5f, 0.5f, 0.75f, 0.75f, 0.25f, 0.25f}, resized.values(), 1e-6f);
        assertTrue(p.normalizes());
        Map<String, Object> described = p.describe();
        assertEquals(3, described.get("channels"));
        assertArrayEquals(new double[] {0.5, 0, 0.25}, (double[]) described.get("mean"));
        assertArrayEquals(new long[] {3, 1, 1}, p.affineShape());
    }

    private static String message(Runnable r) {
        String m = assertThrows(IllegalArgumentException.class, r::run).getMessage();
        assertEquals(1, m.lines().count(), m);
        return m;
    }
}
