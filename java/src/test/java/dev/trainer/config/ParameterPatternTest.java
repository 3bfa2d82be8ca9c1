package dev.trainer.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class ParameterPatternTest {

    private static final String QUERY = "encoder.layer.3.attention.self.query.weight";

    @ParameterizedTest
    @CsvSource({
            "classifier.weight, classifier.weight, true",
            "classifier.weight, classifier.weight2, false",
            "encoder.layer.3, " + QUERY + ", true",
            "encoder.layer.3, encoder.layer.30.output.dense.weight, false",
            "encoder.layer, " + QUERY + ", true",
            "encoder.lay, " + QUERY + ", false",
            "encoder.layer.*, " + QUERY + ", true",
            "encoder.layer.*, encoder.norm.weight, false",
            "encoder.layer.*.attention, " + QUERY + ", true",
            "encoder.layer.*.output, " + QUERY + ", false",
            "*.bias, fc.bias, true",
            "*.bias, encoder.layer.0.output.dense.bias, false",
            "**.bias, encoder.layer.0.output.dense.bias, true",
            "**.bias, encoder.layer.0.output.dense.weight, false",
            "encoder.**.weight, " + QUERY + ", true",
            "encoder.layer.1?, encoder.layer.11.output.dense.bias, true",
            "encoder.layer.1?, encoder.layer.1.output.dense.bias, false",
            "fc*, fc1.weight, true",
            "fc*, fc.weight, true",
            "fc*, conv1.weight, false",
            "*, anything.at.all, true",
            "onnx::MatMul_*, onnx::MatMul_1571, true",
            "layer(1), layer(1).weight, true",
            "layer(1), layer1.weight, false",
    })
    void matchesWholeNamesAndDottedPrefixes(String pattern, String name, boolean expected) {
        assertEquals(expected, ParameterPattern.parse(pattern).matches(name), pattern + " vs " + name);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "a..b", ".a", "a.", "a b", "a.***"})
    void refusesMalformedPatterns(String pattern) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ParameterPattern.parse(pattern));
        assertTrue(e.getMessage().contains("pattern"), e.getMessage());
    }

    @Test
    void keepsItsTextAndComparesByIt() {
        ParameterPattern p = ParameterPattern.parse("encoder.*");
        assertEquals("encoder.*", p.text());
        assertEquals("encoder.*", p.toString());
        assertEquals(ParameterPattern.parse("encoder.*"), p);
        assertFalse(p.equals(ParameterPattern.parse("encoder.**")));
    }
}
