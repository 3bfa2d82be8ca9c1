package dev.trainer.data.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Decoding checked against Pillow's pixels for the same files (what torchvision's ImageFolder
 * feeds PyTorch): grey, RGB, alpha, palette, BMP, GIF, JPEG and every EXIF orientation.
 */
class ImageDecoderTest {

    private static final JsonNode EXPECTED = ImageFixtures.json("expected.json");

    static Stream<String> exactlyComparable() {
        List<String> names = new ArrayList<>();
        EXPECTED.fieldNames().forEachRemaining(name -> {
            if (!EXPECTED.get(name).get("tolerance").isNull()) {
                names.add(name);
            }
        });
        return names.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("exactlyComparable")
    void pixelsMatchPillowInRgbAndGrey(String name) throws BadImageException {
        JsonNode expected = EXPECTED.get(name);
        int tolerance = expected.get("tolerance").asInt();

        FloatImage rgb = ImageDecoder.decode(ImageFixtures.file(name), 3);
        FloatImage grey = ImageDecoder.decode(ImageFixtures.file(name), 1);

        assertEquals(expected.get("height").asInt(), rgb.height(), name);
        assertEquals(expected.get("width").asInt(), rgb.width(), name);
        assertLevels(expected.get("rgb"), rgb, tolerance, name + " RGB");
        // luma of a lossy file's RGB inherits its error, plus one level of rounding
        assertLevels(expected.get("grey"), grey, tolerance == 0 ? 0 : tolerance + 1, name + " grey");
    }

    @Test
    void cmykJpegsDecodeToTheirColourFamilies() throws BadImageException {
        FloatImage rgb = ImageDecoder.decode(ImageFixtures.file("cmyk.jpg"), 3);

        assertEquals(8, rgb.height());
        assertEquals(24, rgb.width());
        // blocks of pure cyan, pure magenta and pure black ink
        assertTrue(rgb.get(0, 4, 4) < 0.4 && rgb.get(1, 4, 4) > 0.5 && rgb.get(2, 4, 4) > 0.7, "cyan: " + pixel(rgb, 4));
        assertTrue(rgb.get(1, 4, 12) < 0.4 && rgb.get(0, 4, 12) > 0.7 && rgb.get(2, 4, 12) > 0.4, "magenta: " + pixel(rgb, 12));
        assertTrue(rgb.get(0, 4, 20) < 0.3 && rgb.get(1, 4, 20) < 0.3 && rgb.get(2, 4, 20) < 0.3, "black: " + pixel(rgb, 20));
    }

    @Test
    void theSizeComesFromTheHeaderBeforeOrientation() throws BadImageException {
        assertEquals(new ImageDecoder.Dimensions(24, 16), ImageDecoder.probe(ImageFixtures.file("rgb.png")));
        assertEquals(new ImageDecoder.Dimensions(16, 24), ImageDecoder.probe(ImageFixtures.file("exif_6.jpg")));
    }

    @Test
    void brokenFilesAreOneLineNamingTheFile() {
        for (String name : List.of("truncated.jpg", "not_an_image.png")) {
            Path file = ImageFixtures.file(name);
            BadImageException e = assertThrows(BadImageException.class, () -> ImageDecoder.decode(file, 3), name);
            assertTrue(e.getMessage().startsWith(file.toString()), e.getMessage());
            assertTrue(e.getMessage().lines().count() == 1, e.getMessage());
        }
        BadImageException missing = assertThrows(BadImageException.class,
                () -> ImageDecoder.probe(Path.of("no/such/image.png")));
        assertTrue(missing.getMessage().startsWith("no/such/image.png: cannot be read"), missing.getMessage());
    }

    private static void assertLevels(JsonNode expected, FloatImage image, int tolerance, String what) {
        assertEquals(expected.size(), image.values().length, what);
        int worst = 0;
        for (int i = 0; i < expected.size(); i++) {
            worst = Math.max(worst, Math.abs(Math.round(image.values()[i] * 255) - expected.get(i).asInt()));
        }
        assertTrue(worst <= tolerance, what + ": off by " + worst + " levels, allowed " + tolerance);
    }

    private static String pixel(FloatImage image, int x) {
        return image.get(0, 4, x) + ", " + image.get(1, 4, x) + ", " + image.get(2, 4, x);
    }
}
