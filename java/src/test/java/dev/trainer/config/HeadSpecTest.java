package dev.trainer.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class HeadSpecTest {

    @Test
    void poolingDefaultsToMean() {
        assertEquals(new HeadSpec(3, Pooling.MEAN), HeadSpec.parse("classify:3"));
    }

    @Test
    void poolingCanBeChosen() {
        assertEquals(new HeadSpec(5, Pooling.CLS), HeadSpec.parse("classify:5:pool=cls"));
        assertEquals(new HeadSpec(1, Pooling.MEAN), HeadSpec.parse("classify:1:pool=mean"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "classify", "classify:", "classify:0", "classify:-2", "classify:x", "classify:3.5",
            "regress:3", "classify:3:pool=max", "classify:3:mean", "classify:3:pool=cls:extra", "classify:99999999999"})
    void badSpecsFailInOneLineNamingTheForm(String spec) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> HeadSpec.parse(spec));
        assertTrue(e.getMessage().contains("'" + spec + "'") && e.getMessage().contains("classify:N[:pool=mean|cls]"),
                e.getMessage());
        assertFalse(e.getMessage().contains("\n"));
    }
}
