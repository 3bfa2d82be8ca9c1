package dev.trainer.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class AugmentationTest {

    @Test
    void specsParseAndWriteBack() {
        assertEquals(5, Augmentation.parse("SMOTE").neighbours());
        assertEquals(3, Augmentation.parse("smote:3").neighbours());
        assertEquals("smote", Augmentation.parse("smote:5").spec());
        assertEquals("smote:3", Augmentation.parse("smote:3").spec());
        assertFalse(Augmentation.parse("smote").image().any());
    }

    @Test
    void imageItemsParseInAnyOrderToOneRecord() {
        Augmentation augment = Augmentation.parse(" erase:0.25, FLIP ,rotate:10,color:0.2,crop:4");

        assertEquals(new ImageAugmentation(true, false, 4, 10, 0.2, 0.25), augment.image());
        assertFalse(augment.smote());
        assertEquals("flip,crop:4,rotate:10,color:0.2,erase:0.25", augment.spec());
        assertEquals(augment, Augmentation.parse(augment.spec()));
        assertTrue(Augmentation.parse("crop").image().resizedCrop());
    }

    @Test
    void smoteIsOneMoreItem() {
        Augmentation both = Augmentation.parse("flip,smote");

        assertTrue(both.smote() && both.image().flip());
        assertEquals("flip,smote", both.spec());
        assertEquals("flip,smote:3", Augmentation.parse("smote:3,flip").spec());
    }

    @Test
    void badSpecsNameTheOptionAndTheItemInOneLine() {
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

    @Test
    void imageSettingsOutOfRangeAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> new ImageAugmentation(false, true, 4, 0, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> new ImageAugmentation(false, false, 0, 181, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> new ImageAugmentation(false, false, 0, 0, 1.5, 0));
        assertThrows(IllegalArgumentException.class, () -> new Augmentation(0, Augmentation.NO_IMAGE_CHANGES));
    }

    private static String message(String spec) {
        String m = assertThrows(IllegalArgumentException.class, () -> Augmentation.parse(spec)).getMessage();
        assertEquals(1, m.lines().count());
        return m;
    }
}
