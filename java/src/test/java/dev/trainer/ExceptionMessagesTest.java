package dev.trainer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.trainer.data.Excerpt;
import org.junit.jupiter.api.Test;

/** What trainer's exceptions say is printed as it is: one line, of a length a terminal shows. */
class ExceptionMessagesTest {

    @Test
    void lineBreaksBecomeSpacesAndControlCharactersAreEscaped() {
        DataException e = new DataException("a.csv line 3: \"x\ny\r\tz\u001b[31m\"");

        assertEquals("a.csv line 3: \"x y  z\\u001b[31m\"", e.getMessage());
    }

    @Test
    void aLongMessageKeepsItsStartAndItsEnd() {
        String message = "model.onnx: " + "n".repeat(5000) + " is not a float32 output";

        String kept = new ModelException(message).getMessage();

        assertTrue(kept.length() <= 1000, kept.length() + " characters");
        assertTrue(kept.startsWith("model.onnx: nnn"), kept);
        assertTrue(kept.endsWith("nnn is not a float32 output"), kept);
        assertTrue(kept.contains(" … "), kept);
    }

    @Test
    void failedTrainingIsOneLineToo() {
        assertEquals("loss NaN at step 3 (epoch 1)", new TrainingFailedException("loss NaN\nat step 3 (epoch 1)").getMessage());
    }

    @Test
    void excerptsOfFileContentAreCutAtSixtyCharacters() {
        assertEquals("\"short\"", Excerpt.quoted("short"));
        assertEquals("a".repeat(60) + "… (61 characters)", Excerpt.of("a".repeat(61)));
        assertEquals("tab\\u0009bell\\u0007", Excerpt.of("tab\tbell\u0007"));
    }
}
