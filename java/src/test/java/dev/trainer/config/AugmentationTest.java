package dev.trainer.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class AugmentationTest {

    @Test
    void specsParseAndWriteBack() {
        assertEquals(5, Augmentation.parse("SMOTE").neighbours());
        assertEquals(3, Augmentation.parse("smote:3").neighbours());
        assertEquals("smote", Augmentation.parse("smote:5").spec());
        assertEquals("smote:3", Augmentation.parse("smote:3").spec());
    }

    @Test
    void badSpecsNameTheOption() {
        assertEquals("--augment 'smote:x': K must be a positive integer",
                assertThrows(IllegalArgumentException.class, () -> Augmentation.parse("smote:x")).getMessage());
        assertEquals("--augment: SMOTE needs at least 1 neighbour, got 0",
                assertThrows(IllegalArgumentException.class, () -> Augmentation.parse("smote:0")).getMessage());
        assertEquals("--augment 'mixup': unknown augmentation; use smote or smote:K",
                assertThrows(IllegalArgumentException.class, () -> Augmentation.parse("mixup")).getMessage());
    }
}
