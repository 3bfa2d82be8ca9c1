package dev.trainer.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@code --lora R[:ALPHA[:DROPOUT]]}: PEFT's defaults, a spec that reads back equal, one-line errors. */
class LoraSpecTest {

    @Test
    void alphaDefaultsToTheRankAndDropoutToZero() {
        assertEquals(new LoraSpec(8, 8, 0), LoraSpec.parse("8"));
        assertEquals(new LoraSpec(8, 16, 0), LoraSpec.parse("8:16"));
        assertEquals(new LoraSpec(4, 32, 0.1), LoraSpec.parse(" 4:32:0.1 "));
        assertEquals(2.0, LoraSpec.parse("8:16").scale());
    }

    @Test
    void theSpecReadsBackEqual() {
        for (String spec : List.of("8", "8:16", "16:8:0.05", "1:0.5")) {
            LoraSpec value = LoraSpec.parse(spec);
            assertEquals(value, LoraSpec.parse(value.spec()), spec);
        }
        assertEquals("8:16:0.1", new LoraSpec(8, 16, 0.1).spec());
    }

    @ParameterizedTest
    @CsvSource(delimiter = ';', value = {"x; the rank 'x' is not a whole number", "0; the rank must be at least 1",
            "8:0; alpha must be above zero", "8:16:1; the dropout must be in [0, 1)", "8:a; 'a' is not a number",
            "8:16:0.1:2; expected R[:ALPHA[:DROPOUT]]", "2.5; is not a whole number"})
    void badValuesAreOneLineNamingTheOption(String spec, String expected) {
        String message = assertThrows(IllegalArgumentException.class, () -> LoraSpec.parse(spec)).getMessage();
        assertTrue(message.startsWith("--lora"), message);
        assertTrue(message.contains(expected), message);
    }

    @Test
    void adapterOptionsNeedLora() {
        String message = assertThrows(IllegalArgumentException.class, () -> new LoraConfig(null,
                List.of(ParameterPattern.parse("**.query")), List.of(), false)).getMessage();
        assertEquals("--lora-target, --lora-also and --export-adapters need --lora", message);
    }
}
