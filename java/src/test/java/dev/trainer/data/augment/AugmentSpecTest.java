package dev.trainer.data.augment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.trainer.data.image.ImageAugmentation;
import org.junit.jupiter.api.Test;

class AugmentSpecTest {

    @Test
    void imageItemsParseInAnyOrderToOneRecord() {
        AugmentSpec spec = AugmentSpec.parse(" erase:0.25, FLIP ,rotate:10,color:0.2,crop:4");

        assertEquals(new ImageAugmentation(true, false, 4, 10, 0.2, 0.25), spec.image());
        assertFalse(spec.smote());
        assertEquals("flip,crop:4,rotate:10,color:0.2,erase:0.25", spec.toString());
        assertTrue(AugmentSpec.parse("crop").image().resizedCrop());
    }

    @Test
    void smoteIsOneMoreItem() {
        assertEquals(Smote.DEFAULT_K, AugmentSpec.parse("smote").smoteNeighbours());
        assertEquals(3, AugmentSpec.parse("smote:3").smoteNeighbours());
        assertEquals(Smote.DEFAULT_K, AugmentSpec.parse("SMOTE").smoteNeighbours());
        assertNull(AugmentSpec.parse("smote:3").image());
        AugmentSpec both = AugmentSpec.parse("flip,smote");
        assertTrue(both.smote() && both.image().flip());
        assertEquals("flip,smote:5", both.toString());
    }

    @Test
    void badItemsAreOneLineNamingThem() {
        assertEquals("--augment 'flip,blur': unknown item 'blur'; use flip, crop, crop:PAD, rotate:DEG, color:J, erase:P,"
                + " smote or smote:K", message("flip,blur"));
        assertEquals("--augment 'rotate': 'rotate' needs DEG, the largest angle in degrees", message("rotate"));
        assertEquals("--augment 'rotate:200': rotate:200 needs DEG, the largest angle in degrees in (0, 180]",
                message("rotate:200"));
        assertEquals("--augment 'crop:-2': crop:-2 needs PAD, the padding in pixels, a positive integer", message("crop:-2"));
        assertEquals("--augment 'flip:1': 'flip' takes no value", message("flip:1"));
        assertEquals("--augment 'flip,flip': 'flip' is given twice", message("flip,flip"));
        assertEquals("--augment 'smote:x': smote:x needs K, the number of neighbours, a positive integer",
                message("smote:x"));
        assertTrue(message("erase:1.5").contains("in (0, 1]"));
        assertTrue(message("smote:0").contains("smote:0 needs K, the number of neighbours, a positive integer"));
        assertTrue(message("mixup").contains("unknown item 'mixup'"));
        assertTrue(message("").contains("unknown item ''"));
    }

    private static String message(String spec) {
        String m = assertThrows(IllegalArgumentException.class, () -> AugmentSpec.parse(spec)).getMessage();
        assertEquals(1, m.lines().count());
        return m;
    }
}
