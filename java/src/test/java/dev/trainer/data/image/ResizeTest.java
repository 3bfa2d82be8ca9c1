package dev.trainer.data.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

/** The resize against PyTorch's interpolate(mode="bilinear", antialias=True), shrinking and enlarging. */
class ResizeTest {

    @Test
    void matchesPyTorchAntialiasedBilinear() {
        JsonNode fixture = ImageFixtures.json("resize.json");
        FloatImage input = new FloatImage(3, 13, 17, ImageFixtures.floats(fixture.get("input")));

        fixture.get("resized").fields().forEachRemaining(entry -> {
            String[] size = entry.getKey().split("x");
            FloatImage resized = Resize.resize(input, Integer.parseInt(size[0]), Integer.parseInt(size[1]));
            float[] expected = ImageFixtures.floats(entry.getValue());
            assertEquals(expected.length, resized.values().length, entry.getKey());
            for (int i = 0; i < expected.length; i++) {
                assertEquals(expected[i], resized.values()[i], 2e-6, entry.getKey() + " value " + i);
            }
        });
    }

    @Test
    void aConstantImageStaysConstantAndTheSameSizeIsNoOp() {
        FloatImage grey = new FloatImage(1, 5, 7, new float[35]);
        java.util.Arrays.fill(grey.values(), 0.25f);

        FloatImage up = Resize.resize(grey, 11, 3);

        for (float v : up.values()) {
            assertEquals(0.25f, v, 1e-7);
        }
        assertSame(grey, Resize.resize(grey, 5, 7));
    }
}
