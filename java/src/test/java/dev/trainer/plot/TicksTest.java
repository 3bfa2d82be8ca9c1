package dev.trainer.plot;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class TicksTest {

    @Test
    void linearTicksAreRoundNumbers() {
        assertArrayEquals(new double[] {0, 0.2, 0.4, 0.6, 0.8, 1.0}, Ticks.linear(0, 1, 5), 1e-12);
        assertArrayEquals(new double[] {0, 50, 100, 150, 200, 250}, Ticks.linear(-3, 256, 5), 1e-12);
        assertArrayEquals(new double[] {0.3, 0.31, 0.32}, Ticks.linear(0.295, 0.325, 3), 1e-12);
        assertEquals("0.30", Ticks.label(0.3, 0.01));
        assertEquals("150", Ticks.label(150, 50));
        assertEquals("2e-5", Ticks.label(2e-5, 1e-5));
    }

    @Test
    void logTicksArePowersOfTenOrOneTwoFiveOverShortRanges() {
        assertArrayEquals(new double[] {1e-4, 1e-3, 1e-2, 1e-1, 1}, Ticks.log(5e-5, 2), 1e-18);
        assertArrayEquals(new double[] {0.05, 0.1, 0.2, 0.5, 1}, Ticks.log(0.04, 1.7), 1e-12);
        assertArrayEquals(new double[] {0.2, 0.5, 1, 2}, Ticks.log(0.15, 3), 1e-12);
        assertEquals("1e-5", Ticks.logLabel(1e-5));
        assertEquals("0.01", Ticks.logLabel(0.01));
        assertEquals("2000", Ticks.logLabel(2000));
    }
}
