package dev.trainer.config;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

class ImageConfigTest {

    @Test
    void normalizationSpecsParseAndWriteBack() {
        assertEquals(ImageNormalization.IMAGENET, ImageNormalization.parse(" ImageNet "));
        assertEquals(ImageNormalization.NONE, ImageNormalization.parse("none"));
        assertEquals(new ImageNormalization(new float[] {0.5f}, new float[] {0.25f}), ImageNormalization.parse("0.5,0.25"));
        assertEquals(new ImageNormalization(new float[] {0.1f, 0.2f, 0.3f}, new float[] {1, 2, 3}),
                ImageNormalization.of("0.1, 0.2,0.3", "1,2,3"));
        assertEquals(ImageNormalization.of("0.1,0.2,0.3", "1,2,3"), ImageNormalization.parse("0.1,0.2,0.3,1,2,3"));
        assertArrayEquals(new float[] {0.5f, 0.5f, 0.5f}, ImageNormalization.parse("0.5,0.25").meanFor(3));
        for (String spec : new String[] {"none", "imagenet", "0.5,0.25", "0.1,0.2,0.3,1.0,2.0,3.0"}) {
            assertEquals(spec, ImageNormalization.parse(spec).spec());
        }
    }

    @Test
    void badNormalizationsAreOneLine() {
        assertTrue(message(() -> ImageNormalization.parse("imagenot")).contains("'imagenot' is not a number"));
        assertTrue(message(() -> ImageNormalization.parse("1,2,3")).contains("use imagenet, none, MEAN,STD or the"
                + " per-channel means then the standard deviations"));
        assertTrue(message(() -> ImageNormalization.parse("0.5,0")).contains("must be positive"));
        assertTrue(message(() -> ImageNormalization.of("1,2", "1")).contains("2 means and 1 standard deviations"));
        assertTrue(message(() -> ImageNormalization.IMAGENET.meanFor(1)).contains("have 1 channel"));
    }

    @Test
    void sizesParseAndWriteBack() {
        assertEquals(new ImageSize(224, 224), ImageSize.parse("224"));
        assertEquals(new ImageSize(20, 30), ImageSize.parse(" 20X30 "));
        assertEquals("224", new ImageSize(224, 224).spec());
        assertEquals("20x30", new ImageSize(20, 30).spec());
        assertEquals("--image-size '20x': use N or HxW, positive integers (e.g. 224 or 224x160)",
                message(() -> ImageSize.parse("20x")));
        assertTrue(message(() -> ImageSize.parse("0")).startsWith("--image-size '0'"));
        assertTrue(message(() -> ImageSize.parse("2x3x4")).startsWith("--image-size '2x3x4'"));
    }

    @Test
    void decodingThreadsAreZeroForOnePerCoreOrPositive() {
        assertEquals(Runtime.getRuntime().availableProcessors(), ImageConfig.DEFAULT.threads());
        assertEquals(3, new ImageConfig(null, ImageNormalization.NONE, false, 3).threads());
        assertTrue(message(() -> new ImageConfig(null, ImageNormalization.NONE, false, -1)).startsWith("--decode-threads"));
    }

    private static String message(Executable bad) {
        String m = assertThrows(IllegalArgumentException.class, bad).getMessage();
        assertEquals(1, m.lines().count());
        return m;
    }
}
